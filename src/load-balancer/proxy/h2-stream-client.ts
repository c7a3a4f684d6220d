/**
 * One HTTP/2 connection to one target for the stream path (gRPC, see grpc-forward.ts), on Node's
 * own http2 client: unlike the pooled path it hands over trailers, `te: trailers` and full-duplex
 * streams with per-stream flow control. Prior-knowledge h2c for `Protocol=HTTP`, h2 over TLS (the
 * target's certificate unverified, as on ALB) for HTTPS. Streams are multiplexed on one session; a
 * session that closes, errs or gets GOAWAY is replaced for the next stream, and its open streams
 * finish on it. `close()` lets open streams finish (draining), `destroy()` cuts them.
 */
import http2 from 'node:http2';

export class H2ConnectTimeout extends Error {
  readonly code = 'BERTH_CONNECT_TIMEOUT';
}

export interface H2StreamClientOptions {
  readonly connectTimeoutMs: number;
  /** Idle sessions (no stream) close after this long (ms). */
  readonly idleTimeoutMs: number;
}

export class H2StreamClient {
  private session: http2.ClientHttp2Session | undefined;
  private readonly sessions = new Set<http2.ClientHttp2Session>();
  /** Open streams per session: only a session without any is idle. */
  private readonly open = new WeakMap<http2.ClientHttp2Session, number>();

  constructor(
    readonly origin: string,
    private readonly options: H2StreamClientOptions,
  ) {}

  /** A new stream on the current session (connecting first if need be); errors arrive on the stream. */
  request(headers: http2.OutgoingHttpHeaders): http2.ClientHttp2Stream {
    const session = this.current();
    const stream = session.request(headers, { endStream: false });
    this.open.set(session, (this.open.get(session) ?? 0) + 1);
    stream.once('close', () => this.open.set(session, (this.open.get(session) ?? 1) - 1));
    return stream;
  }

  private current(): http2.ClientHttp2Session {
    const s = this.session;
    if (s && !s.closed && !s.destroyed) return s;
    const session = http2.connect(this.origin, { rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    this.session = session;
    this.sessions.add(session);
    const timer = setTimeout(
      () => session.destroy(new H2ConnectTimeout(`no connection to ${this.origin} within ${this.options.connectTimeoutMs} ms`)),
      this.options.connectTimeoutMs,
    );
    timer.unref();
    session.once('connect', () => clearTimeout(timer));
    const retire = (): void => {
      clearTimeout(timer);
      if (this.session === session) this.session = undefined;
    };
    // The error reaches the session's streams too; here it only must not be unhandled.
    session.on('error', retire);
    session.once('goaway', retire);
    session.once('close', () => {
      retire();
      this.sessions.delete(session);
    });
    session.setTimeout(this.options.idleTimeoutMs, () => {
      // Only a session without streams is idle; a long gRPC stream keeps its session.
      if ((this.open.get(session) ?? 0) === 0) session.close();
    });
    session.unref();
    return session;
  }

  /** Open streams finish, then the sessions go. */
  close(): Promise<void> {
    return Promise.all([...this.sessions].map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
  }

  destroy(err: Error): Promise<void> {
    for (const s of this.sessions) s.destroy(err);
    this.sessions.clear();
    this.session = undefined;
    return Promise.resolve();
  }
}
