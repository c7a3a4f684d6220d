/**
 * One kept-alive HTTP/1.1 connection to a plain-HTTP target, carrying one request at a time: the
 * request head written in one piece and its body streamed (as sent when it has a length, chunked
 * otherwise), the response head parsed strictly (response-head.ts) and its body streamed to the
 * handler by Content-Length, chunked decoding or to the end of the connection, with backpressure
 * both ways. The connection is reused only when nothing can be left over from this exchange: the
 * target said keep-alive, the body was framed, no byte came past its end, the request body was
 * sent whole. Anything else closes it, so a target cannot make the node read one answer as two.
 *
 * The handler has the shape of an undici dispatch handler, so that ForwardAttempt serves both.
 */
import net from 'node:net';
import type { Readable } from 'node:stream';
import { ChunkedDecoder } from './chunked-body.js';
import { parseResponseHead, type ResponseHead } from './response-head.js';

export interface TargetRequest {
  readonly method: string;
  readonly path: string;
  /** Names and values, alternating; hop-by-hop ones already removed. */
  readonly headers: readonly string[];
  readonly body: Readable | null;
  /** The longest silence allowed while the response is awaited or streamed (ALB's idle timeout). */
  readonly timeoutMs: number;
}

export interface ResponseHandler {
  /** `reused`: the request goes out on a connection that carried an earlier one. */
  onConnect(abort: (err?: Error) => void, reused?: boolean): void;
  onHeaders(status: number, rawHeaders: readonly string[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: null): void;
  onError(err: Error): void;
}

/** What the pool hears from its connections. */
export interface ConnectionOwner {
  released(conn: TargetConnection, reusable: boolean): void;
  /** `stale`: a reused connection closed before any byte of its response (its idle siblings may be stale too). */
  closed(conn: TargetConnection, stale: boolean): void;
}

/** A response the node refuses to relay (the engine answers 502). */
export class InvalidResponse extends Error {
  readonly code = 'BERTH_INVALID_RESPONSE';
}

export const maxResponseHeadBytes = 64 * 1024;
/** Interim (1xx) heads accepted before the final one. */
const maxInterim = 8;
const chunkLineBytes = 16 * 1024;

function coded(message: string, code: string, cause?: Error): Error {
  const err = new Error(message, cause ? { cause } : undefined) as Error & { code: string };
  err.code = code;
  return err;
}

export class TargetConnection {
  /** Requests sent on this connection so far. */
  private served = 0;
  idleSince = 0;
  private handler: ResponseHandler | undefined;
  private method = '';
  private pending: Buffer | undefined;
  private head: ResponseHead | undefined;
  private remaining = 0;
  private decoder: ChunkedDecoder | undefined;
  private interim = 0;
  private reusable = true;
  /** A byte of the current response has arrived. */
  private responded = false;
  private paused = false;
  private body: Readable | null = null;
  private bodyChunked = false;
  private bodySent = true;
  /** The request head, until the body's first bytes (or its end) go out with it. */
  private headText: string | undefined;
  private timeoutMs = 0;
  private lastError: Error | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly owner: ConnectionOwner,
    private readonly authority: string,
  ) {
    socket.on('data', this.onSocketData);
    socket.on('end', this.onSocketEnd);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    socket.on('timeout', this.onSocketTimeout);
    socket.on('drain', this.onSocketDrain);
  }

  static connect(host: string, port: number, connectTimeoutMs: number, owner: ConnectionOwner): TargetConnection {
    const socket = net.connect({ host, port, noDelay: true });
    const conn = new TargetConnection(socket, owner, host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
    // Writes made before the connection is up are buffered by the socket and flushed on connect.
    if (connectTimeoutMs > 0) {
      conn.connectTimer = setTimeout(() => {
        conn.lastError = coded(`connect to ${conn.authority} timed out`, 'UND_ERR_CONNECT_TIMEOUT');
        socket.destroy();
      }, connectTimeoutMs);
      socket.once('connect', () => clearTimeout(conn.connectTimer));
    }
    return conn;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(r: TargetRequest, handler: ResponseHandler): void {
    this.handler = handler;
    this.method = r.method;
    this.responded = false;
    this.reusable = true;
    this.interim = 0;
    this.head = undefined;
    this.decoder = undefined;
    if (r.timeoutMs !== this.timeoutMs) {
      this.timeoutMs = r.timeoutMs;
      this.socket.setTimeout(r.timeoutMs);
    }
    const reused = this.served++ > 0;
    handler.onConnect(this.abort, reused);
    if (this.handler !== handler) return;
    let text = `${r.method} ${r.path} HTTP/1.1\r\n`;
    let hasHost = false;
    let hasLength = false;
    const h = r.headers;
    for (let i = 0; i + 1 < h.length; i += 2) {
      const name = h[i] as string;
      const value = h[i + 1] as string;
      const n = name.length;
      if (n === 4 && !hasHost) hasHost = name.toLowerCase() === 'host';
      else if (n === 14 && !hasLength) hasLength = name.toLowerCase() === 'content-length';
      else if (n === 10 && name.toLowerCase() === 'connection' && value.toLowerCase().includes('close')) this.reusable = false;
      text += `${name}: ${value}\r\n`;
    }
    if (!hasHost) text += `Host: ${this.authority}\r\n`;
    const body = r.body;
    this.bodyChunked = body !== null && !hasLength;
    if (this.bodyChunked) text += 'Transfer-Encoding: chunked\r\n';
    if (body === null) {
      this.bodySent = true;
      // Header strings hold the bytes as Node's parser read them (latin1): written back the same way.
      this.socket.write(`${text}\r\n`, 'latin1');
      return;
    }
    // With a body, the head waits for its first bytes: a body the listener's parser then refuses
    // (a bad chunk) leaves the target without a byte of the request, and head and data go out in one write.
    this.headText = `${text}\r\n`;
    this.bodySent = false;
    this.body = body;
    body.on('data', this.onBodyData);
    body.on('end', this.onBodyEnd);
    body.on('error', this.onBodyError);
  }

  /** For the handler: give up on this exchange (the client went away); the connection is closed. */
  private readonly abort = (err?: Error): void => {
    this.fail(err ?? new Error('request aborted'));
  };

  /** The handler's backpressure: resume reading the response. */
  private readonly resume = (): void => {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  };

  destroy(err?: Error): void {
    if (this.handler) this.fail(err ?? new Error('connection closed'));
    else this.socket.destroy();
  }

  // ---------- request body ----------

  private readonly onBodyData = (chunk: Buffer): void => {
    const s = this.socket;
    if (chunk.length === 0) return;
    let ok: boolean;
    s.cork();
    this.flushHead();
    if (this.bodyChunked) {
      s.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      s.write(chunk);
      ok = s.write('\r\n', 'latin1');
    } else ok = s.write(chunk);
    s.uncork();
    if (!ok) this.body?.pause();
  };

  private readonly onSocketDrain = (): void => {
    this.body?.resume();
  };

  private flushHead(): void {
    if (this.headText === undefined) return;
    this.socket.write(this.headText, 'latin1');
    this.headText = undefined;
  }

  private readonly onBodyEnd = (): void => {
    this.socket.cork();
    this.flushHead();
    if (this.bodyChunked) this.socket.write('0\r\n\r\n', 'latin1');
    this.socket.uncork();
    this.detachBody();
    this.bodySent = true;
  };

  private readonly onBodyError = (err: Error): void => {
    this.fail(err);
  };

  private detachBody(): void {
    const b = this.body;
    if (!b) return;
    this.body = null;
    this.headText = undefined;
    b.off('data', this.onBodyData);
    b.off('end', this.onBodyEnd);
    b.off('error', this.onBodyError);
  }

  // ---------- response ----------

  private readonly onSocketData = (chunk: Buffer): void => {
    const handler = this.handler;
    if (!handler) {
      // Bytes nobody asked for: whatever they are, they must not become the next response.
      this.socket.destroy();
      return;
    }
    this.responded = true;
    if (this.head === undefined) {
      const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      let start = 0;
      for (;;) {
        const step = parseResponseHead(buf, start, this.method, maxResponseHeadBytes);
        if (step.kind === 'incomplete') {
          this.pending = start === 0 ? buf : buf.subarray(start);
          return;
        }
        if (step.kind === 'error') {
          this.fail(new InvalidResponse(`invalid response from the target: ${step.reason}`));
          return;
        }
        const head = step.head;
        start += head.headBytes;
        if (head.status < 200) {
          if (++this.interim > maxInterim) {
            this.fail(new InvalidResponse('invalid response from the target: too many 1xx responses'));
            return;
          }
          continue;
        }
        this.pending = undefined;
        this.head = head;
        if (!head.keepAlive) this.reusable = false;
        handler.onHeaders(head.status, head.rawHeaders, this.resume, head.statusText);
        if (this.handler !== handler) return;
        const f = head.framing;
        if (f.kind === 'none' || (f.kind === 'length' && f.length === 0)) {
          if (start < buf.length) this.reusable = false;
          this.complete();
          return;
        }
        if (f.kind === 'length') this.remaining = f.length;
        else if (f.kind === 'chunked') this.decoder = new ChunkedDecoder(chunkLineBytes);
        if (start === buf.length) return;
        this.onBody(start === 0 ? buf : buf.subarray(start), handler);
        return;
      }
    }
    this.onBody(chunk, handler);
  };

  private onBody(chunk: Buffer, handler: ResponseHandler): void {
    const kind = (this.head as ResponseHead).framing.kind;
    let ok = true;
    if (kind === 'length') {
      const n = this.remaining < chunk.length ? this.remaining : chunk.length;
      if (n < chunk.length) this.reusable = false;
      this.remaining -= n;
      ok = handler.onData(n === chunk.length ? chunk : chunk.subarray(0, n));
      if (this.handler !== handler) return;
      if (this.remaining === 0) {
        this.complete();
        return;
      }
    } else if (kind === 'chunked') {
      const step = (this.decoder as ChunkedDecoder).push(chunk);
      if (step.kind === 'error') {
        this.fail(new InvalidResponse(`invalid chunked body from the target: ${step.reason}`));
        return;
      }
      for (const d of step.data) {
        if (d.length === 0) continue;
        ok = handler.onData(d) && ok;
        if (this.handler !== handler) return;
      }
      if (step.kind === 'done') {
        if (step.rest.length > 0) this.reusable = false;
        this.complete();
        return;
      }
    } else {
      ok = handler.onData(chunk);
      if (this.handler !== handler) return;
    }
    if (!ok && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private complete(): void {
    const handler = this.handler;
    if (!handler) return;
    this.handler = undefined;
    this.head = undefined;
    this.decoder = undefined;
    // The target answered before the upload ended: the rest of it must not reach the next request.
    if (!this.bodySent) {
      this.detachBody();
      this.reusable = false;
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    this.idleSince = Date.now();
    this.owner.released(this, this.reusable);
    handler.onComplete(null);
  }

  private fail(err: Error): void {
    const handler = this.handler;
    this.handler = undefined;
    this.reusable = false;
    this.detachBody();
    this.socket.destroy();
    handler?.onError(err);
  }

  private readonly onSocketEnd = (): void => {
    if (this.handler && this.head?.framing.kind === 'close') {
      this.complete();
      return;
    }
    // A half-closed target gets nothing more: the close handler answers what was in flight.
    this.socket.destroy();
  };

  private readonly onSocketError = (err: Error): void => {
    this.lastError = err;
  };

  private readonly onSocketTimeout = (): void => {
    // Idle connections are closed by the pool's sweep; a paused response waits for its client.
    if (!this.handler || this.paused) return;
    const code = this.head === undefined ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT';
    this.fail(coded(`the target was silent for ${this.timeoutMs} ms`, code));
  };

  private readonly onSocketClose = (): void => {
    clearTimeout(this.connectTimer);
    this.closed = true;
    const handler = this.handler;
    const stale = handler !== undefined && this.served > 1 && !this.responded;
    if (handler) {
      this.handler = undefined;
      this.detachBody();
      const cause = this.lastError as (Error & { code?: string }) | undefined;
      let err: Error;
      if (cause?.code !== undefined && !this.responded) err = cause;
      else if (!this.responded) err = coded('the target closed the connection before answering', 'ECONNRESET', cause);
      else err = coded('the target closed the connection mid-response', 'UND_ERR_SOCKET', cause);
      handler.onError(err);
    }
    this.owner.closed(this, stale);
  };
}
