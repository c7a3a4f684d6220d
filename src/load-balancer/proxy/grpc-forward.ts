/**
 * One try of a request on the HTTP/2 stream path: gRPC calls (and every request to a GRPC target
 * group) go from the client's h2 stream to a stream of the target's own HTTP/2 connection
 * (h2-stream-client.ts), because gRPC ends each call with trailers (`grpc-status`, `grpc-message`)
 * that the pooled path does not relay. Both directions stream with backpressure, so server-,
 * client- and bidirectional streaming calls work; a trailers-only answer stays trailers-only.
 *
 * Everything around it is the engine's, as for a pooled attempt: the balancer's pick, in-flight
 * counting and draining (the target's pool), stickiness cookies, metrics and the access log. A
 * failure before the response headers goes back to the engine (passive health, then the load
 * balancer's own answer, which alb-response.ts gives a gRPC client in gRPC's form); after them, the
 * client's stream is reset, as the target's was.
 */
import http2 from 'node:http2';
import { targetKey, type Target } from '../routing-table.js';
import { responseHeaders } from './forward-headers.js';
import type { Exchange, ProxyEngine } from './proxy-engine.js';
import type { TargetPool } from './target-pools.js';
import type { H2StreamClient } from './h2-stream-client.js';

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_FLAG_END_STREAM } = http2.constants;

/** Request headers an HTTP/2 hop must not carry (RFC 9113 §8.2.2); Host becomes :authority. */
const notForH2 = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'te']);
/** Response headers the client must not get: the pseudo-headers but :status, and connection ones. */
const notForClient = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** The engine's header list (HTTP/1.1 shape, X-Forwarded-* added) as an h2 request to the target. */
export function h2RequestHeaders(
  method: string,
  path: string,
  scheme: 'http' | 'https',
  flat: readonly string[],
  clientTe: string | undefined,
): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = { ':method': method, ':path': path, ':scheme': scheme };
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = (flat[i] ?? '').toLowerCase();
    const value = flat[i + 1] ?? '';
    if (name === 'host') {
      out[':authority'] = value;
      continue;
    }
    if (notForH2.has(name)) continue;
    const prior = out[name];
    out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [String(prior), value];
  }
  // gRPC requires `te: trailers`, the one TE value HTTP/2 allows: kept when the client sent it.
  if (clientTe !== undefined && /(^|,)\s*trailers\s*(;|,|$)/i.test(clientTe)) out.te = 'trailers';
  return out;
}

/** The target's response headers for the client: hop-by-hop ones dropped, stickiness cookies added. */
export function h2ResponseHeaders(headers: http2.IncomingHttpHeaders, setCookies: readonly string[] | undefined): http2.OutgoingHttpHeaders {
  const flat: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.charCodeAt(0) === 58 /* ':' */ || value === undefined || notForClient.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) flat.push(name, String(v));
  }
  const out: http2.OutgoingHttpHeaders = { ':status': Number(headers[':status'] ?? 502) };
  const kept = responseHeaders(flat, setCookies);
  for (let i = 0; i + 1 < kept.length; i += 2) {
    const name = (kept[i] ?? '').toLowerCase();
    const value = kept[i + 1] ?? '';
    const prior = out[name];
    out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [String(prior), value];
  }
  return out;
}

/** Trailers as the target sent them, for the client's stream. */
function outgoingTrailers(t: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(t)) if (name.charCodeAt(0) !== 58 && value !== undefined) out[name] = value;
  return out;
}

export class GrpcForwardAttempt {
  private upstream: http2.ClientHttp2Stream | undefined;
  private responded = false;
  private done = false;
  private trailers: http2.IncomingHttpHeaders | undefined;
  private status = 0;
  private readonly key: string;
  private readonly client: http2.ServerHttp2Stream;

  constructor(
    private readonly engine: ProxyEngine,
    private readonly x: Exchange,
    private readonly target: Target,
    private readonly pool: TargetPool,
    private readonly streams: H2StreamClient,
    private readonly now: number,
    private readonly idleMs: number,
    /** `x.res`, as the HTTP/2 response it is on this path (protocolCompatible refused HTTP/1.1). */
    private readonly response: http2.Http2ServerResponse,
  ) {
    this.key = targetKey(target);
    this.client = response.stream;
    engine.pools.started(pool);
    x.balancer.acquired(this.key);
    engine.metricsStarted(x.group.arn, this.key);
  }

  start(): void {
    const x = this.x;
    if (this.client.destroyed) {
      this.release();
      return;
    }
    const headers = h2RequestHeaders(
      x.req.method ?? 'POST',
      x.req.url ?? '/',
      x.group.transport.protocol === 'HTTPS' ? 'https' : 'http',
      x.headers,
      typeof x.req.headers.te === 'string' ? x.req.headers.te : undefined,
    );
    const up = this.streams.request(headers);
    this.upstream = up;
    up.setTimeout(this.idleMs, () => up.destroy(Object.assign(new Error(`idle for ${this.idleMs} ms`), { code: 'UND_ERR_HEADERS_TIMEOUT' })));
    this.client.once('close', this.onClientClose);
    up.on('response', this.onResponse);
    up.on('trailers', (t: http2.IncomingHttpHeaders) => {
      this.trailers = t;
    });
    up.on('error', this.onUpstreamError);
    up.on('close', this.onUpstreamClose);
    // Client → target: the request's body streams as it comes (client and bidirectional streaming), with backpressure.
    x.req.pipe(up);
  }

  private readonly onClientClose = (): void => {
    if (this.done) return;
    const up = this.upstream;
    // The whole answer was relayed and the client's stream closed first: a finished call, not a cancel.
    if (this.responded && up?.readableEnded) {
      this.complete();
      return;
    }
    // The client cancelled (RST_STREAM) or went away: the target's stream is cancelled too.
    up?.close(NGHTTP2_CANCEL);
    this.release();
  };

  private complete(): void {
    this.release();
    this.engine.finishTarget(this.x, this.key, this.status);
  }

  private readonly onResponse = (headers: http2.IncomingHttpHeaders, flags: number): void => {
    const status = Number(headers[':status'] ?? 0);
    // 1xx interim answers are not relayed (Node answers the client's Expect itself).
    if (status < 200) return;
    const up = this.upstream;
    if (!up || this.client.destroyed) return;
    this.responded = true;
    this.status = status;
    const cookies = this.engine.stickyCookies(this.x, this.target, setCookiesOf(headers), this.now);
    const out = h2ResponseHeaders(headers, cookies);
    // A trailers-only answer (grpc-status in the headers, END_STREAM) stays one HEADERS frame.
    if ((flags & NGHTTP2_FLAG_END_STREAM) !== 0) {
      this.client.respond(out, { endStream: true });
      up.resume();
      return;
    }
    // Node's compatibility response, which the listener's request came with, sends its trailer set
    // on 'wantTrailers' (so waitForTrailers): the target's trailers go into that set.
    this.client.respond(out, { waitForTrailers: true });
    // Target → client with backpressure: a paused target stream stops acknowledging, so the target waits too.
    up.on('data', (chunk: Buffer) => {
      if (!this.client.write(chunk)) {
        up.pause();
        this.client.once('drain', () => up.resume());
      }
    });
    up.once('end', () => {
      if (this.client.destroyed) return;
      if (this.trailers) this.response.addTrailers(outgoingTrailers(this.trailers));
      this.client.end();
    });
  };

  private readonly onUpstreamError = (err: Error & { code?: string }): void => {
    if (this.done) return;
    this.x.req.unpipe(this.upstream);
    if (this.responded) {
      this.release();
      // The answer was under way: reset the client's stream, as the target's was.
      if (!this.client.destroyed) this.client.close(NGHTTP2_INTERNAL_ERROR);
      return;
    }
    this.release();
    this.engine.failed(this.x, this.target, normalise(err));
  };

  private readonly onUpstreamClose = (): void => {
    if (this.done) return;
    const up = this.upstream;
    if (!this.responded) {
      // Closed without an answer (RST_STREAM, a GOAWAY past this stream): the target failed it.
      this.onUpstreamError(Object.assign(new Error(`target stream closed with code ${up?.rstCode ?? 0}`), { code: 'ECONNRESET' }));
      return;
    }
    if (up && up.rstCode !== undefined && up.rstCode !== 0 && !this.client.destroyed) {
      // The target reset the call mid-answer: so is the client's stream, and the call is not a finished one.
      this.release();
      this.client.close(up.rstCode);
      return;
    }
    this.complete();
  };

  private release(): void {
    if (this.done) return;
    this.done = true;
    this.client.off('close', this.onClientClose);
    this.engine.releaseTarget(this.pool);
    this.x.balancer.released(this.key);
  }
}

function setCookiesOf(headers: http2.IncomingHttpHeaders): string[] | undefined {
  const v = headers['set-cookie'];
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

/** Node's h2 errors in the engine's words: a refused or reset connection counts against the target at once. */
function normalise(err: Error & { code?: string }): Error & { code?: string } {
  // A stream waiting for its session's connection is cancelled with the connection's error as the cause.
  const cause = err.cause;
  if (err.code === 'ERR_HTTP2_STREAM_CANCEL' && cause instanceof Error && typeof (cause as { code?: unknown }).code === 'string') return cause;
  if (err.code === 'ERR_HTTP2_STREAM_ERROR' || err.code === 'ERR_HTTP2_SESSION_ERROR' || err.code === 'ERR_HTTP2_GOAWAY_SESSION') {
    return Object.assign(new Error(err.message), { code: 'ECONNRESET' });
  }
  return err;
}
