/**
 * The forwarding engine: for each request on a listener, match a rule on the current routing
 * table, run its action, and for `forward` pick a target and stream the request and response
 * through that target's keep-alive pool. It answers 502/503/504/400 as an ALB does, retries
 * idempotent body-less requests on another target when the failure came before any response byte,
 * and reports refused/reset connections to the health layer at once.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import { createBalancer } from '../balancing/balancers.js';
import type { Balancer, PickContext } from '../balancing/balancer.js';
import { chooseTarget, chooseTargetGroup } from '../balancing/stickiness.js';
import { appCookie, encodeSticky, lbCookie, lbCorsCookie, setsCookie, stickySetCookies, tgCookie, tgCorsCookie } from '../balancing/sticky-cookie.js';
import { targetKey, type CompiledListener, type CompiledTargetGroup, type ForwardAction, type RoutingTable, type Target } from '../routing-table.js';
import { fixedResponse } from '../routing/fixed-response.js';
import { redirectLocation } from '../routing/redirect.js';
import { stripPort } from '../routing/rule-matcher.js';
import { albErrorBody, albServer, sendAlbError } from './alb-response.js';
import { classifyRequest, desyncVerdict, similarity } from './desync.js';
import { forwardHeaders, responseHeadersOf } from './forward-headers.js';
import { clientGone, isH2Response, writeHeadObject, type ClientRequest, type ClientResponse } from './h2-bridge.js';
import { noMetrics, type ProxyMetrics, type RequestOutcome } from './proxy-metrics.js';
import { ForwardAttempt } from './forward-attempt.js';
import { GrpcForwardAttempt } from './grpc-forward.js';
import { protocolCompatible, takesStreamPath } from './grpc-protocol.js';
import { relayUpgrade } from './upgrade-relay.js';
import { TargetPools, type TargetPool } from './target-pools.js';
import { H1Pool } from './h1-pool.js';

export interface PassiveHealthSink {
  reportPassiveFailure(targetGroupArn: string, target: Target): void;
}

export interface ProxyEngineOptions {
  readonly getTable: () => RoutingTable;
  readonly clock: Clock;
  readonly random: Random;
  /** Signs stickiness cookies; nodes behind one DNS name must share it. */
  readonly stickinessSecret: Buffer;
  readonly metrics?: ProxyMetrics;
  readonly health?: PassiveHealthSink;
  /** Extra targets tried for an idempotent request after a connection failure (default 2). */
  readonly maxRetries?: number;
  readonly pools?: TargetPools;
}

/** ALB: the request line or any one header over 16 KB is a 400 (the 64 KB total is the parser's). */
export const maxHeaderLineBytes = 16 * 1024;
export const maxHeaderTotalBytes = 64 * 1024;

const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Failures that happened before the target could have acted on the request. */
const retriableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** Failures that count against the target's health at once. */
const passiveCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const resetCodes = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'BERTH_CONNECT_TIMEOUT']);

/**
 * The common case, checked without allocating: HTTP/1.x, no space in the target, no header name
 * that merely resembles Transfer-Encoding or Content-Length, and at most one framing header that is
 * sound for the method. Node's strict parser has already refused invalid header names, CTLs in
 * values and in the target, so anything this does not pass goes to the full classifier.
 */
function plainlyCompliant(req: ClientRequest): boolean {
  const version = req.httpVersion;
  // HTTP/2 frames bodies itself and Node refuses its connection-specific headers: nothing to smuggle.
  if (version === '2.0') return true;
  if ((version !== '1.1' && version !== '1.0') || req.url!.includes(' ')) return false;
  const raw = req.rawHeaders;
  let framing = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    // Shorter names cannot resemble either (the classifier's similarity needs every letter).
    if (n.length < 14) continue;
    if ((n.length === 14 && n.toLowerCase() === 'content-length') || (n.length === 17 && n.toLowerCase() === 'transfer-encoding')) framing++;
    else if (similarity('transfer-encoding', n) !== 'distant' || similarity('content-length', n) !== 'distant') return false;
  }
  if (framing === 0) return true;
  if (framing > 1 || req.method === 'GET' || req.method === 'HEAD') return false;
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) return te === 'chunked' && version === '1.1';
  return /^\d+$/.test(req.headers['content-length']!);
}

export class ConnectTimeout extends Error {
  readonly code = 'BERTH_CONNECT_TIMEOUT';
}

/** Everything one forwarded request carries between attempts. */
export interface Exchange {
  readonly req: ClientRequest;
  readonly res: ClientResponse;
  readonly listener: CompiledListener;
  readonly group: CompiledTargetGroup;
  readonly balancer: Balancer;
  readonly headers: string[];
  readonly hasBody: boolean;
  readonly started: number;
  readonly groupCookie: string[] | undefined;
  /** Ambiguous request (defensive mode): close the client connection after the response. */
  readonly close: boolean;
  /** For the access log: the rule that matched, and the trace id sent on. */
  readonly rulePriority: number | 'default';
  readonly traceId: string | undefined;
  exclude: Set<string> | undefined;
  attempts: number;
  resets: number;
  /** The current attempt may run on a kept-alive connection (its pool had an idle one). */
  mayReuse: boolean;
  /** Set after a reset on a possibly stale connection: the next attempt goes to this target again. */
  retryOn: Target | undefined;
}

type LogFacts = Pick<RequestOutcome, 'rulePriority' | 'traceId'>;

export class ProxyEngine {
  readonly pools: TargetPools;
  private readonly balancers = new Map<string, { algorithm: string; balancer: Balancer }>();
  private readonly metrics: ProxyMetrics;
  private readonly maxRetries: number;
  private lastTable: RoutingTable | undefined;

  constructor(readonly options: ProxyEngineOptions) {
    this.pools = options.pools ?? new TargetPools();
    this.metrics = options.metrics ?? noMetrics;
    this.maxRetries = options.maxRetries ?? 2;
  }

  /** The current table, reconciling pools (draining) whenever it was swapped. */
  table(): RoutingTable {
    const table = this.options.getTable();
    if (table !== this.lastTable) {
      this.lastTable = table;
      this.pools.reconcile(table);
      for (const arn of this.balancers.keys()) if (!table.targetGroups.has(arn)) this.balancers.delete(arn);
    }
    return table;
  }

  balancerFor(group: CompiledTargetGroup): Balancer {
    const entry = this.balancers.get(group.arn);
    if (entry && entry.algorithm === group.algorithm) return entry.balancer;
    const balancer = createBalancer(group.algorithm);
    this.balancers.set(group.arn, { algorithm: group.algorithm, balancer });
    return balancer;
  }

  /** Checks shared by plain requests and upgrades; returns an error status or the listener. */
  admit(req: ClientRequest, port: number): { listener: CompiledListener; close: boolean } | number {
    const listener = this.table().listeners.get(port);
    if (!listener) return 503;
    if ((req.url?.length ?? 0) + req.method!.length + 10 > maxHeaderLineBytes) return 400;
    const raw = req.rawHeaders;
    let xffAddresses = 0;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const value = raw[i + 1]!;
      if (name.length + value.length + 4 > maxHeaderLineBytes) return 400;
      if (name.length === 15 && name.toLowerCase() === 'x-forwarded-for') xffAddresses += value.split(',').length;
    }
    // ALB: 463 when X-Forwarded-For carries more than 30 addresses.
    if (xffAddresses > 30) return 463;
    const verdict = plainlyCompliant(req) ? 'allow' : this.desync(req, listener);
    if (verdict === 'block') return 400;
    if (req.method === 'TRACE') return 405;
    return { listener, close: verdict === 'allow-and-close' };
  }

  private desync(req: ClientRequest, listener: CompiledListener): 'allow' | 'allow-and-close' | 'block' {
    const c = classifyRequest(req.method!, `HTTP/${req.httpVersion}`, req.url!, req.rawHeaders);
    return c.class === 'compliant' ? 'allow' : desyncVerdict(listener.loadBalancer.attributes.desyncMitigationMode, c.class);
  }

  handleRequest(req: ClientRequest, res: ClientResponse, port: number): void {
    const started = this.options.clock.now();
    const admitted = this.admit(req, port);
    if (typeof admitted === 'number') {
      this.elbAnswer(res, port, undefined, admitted, started, admitted === 400);
      return;
    }
    const { listener, close } = admitted;
    const match = listener.router.match({
      method: req.method!,
      host: req.headers.host ?? '',
      url: req.url!,
      rawHeaders: req.rawHeaders,
      sourceAddress: req.socket.remoteAddress,
    });
    const action = match.action;
    if (action.type === 'fixed-response') {
      const f = fixedResponse(action.fixedResponse);
      writeHeadObject(res, f.status, f.headers);
      res.end(f.body);
      this.finish(port, undefined, undefined, f.status, 'elb', started, res, { rulePriority: match.rule.priority });
      return;
    }
    if (action.type === 'redirect') {
      const r = redirectLocation(action.redirect, {
        protocol: listener.protocol === 'HTTPS' ? 'https' : 'http',
        host: stripPort(req.headers.host ?? ''),
        listenerPort: port,
        url: req.url!,
      });
      const body = albErrorBody(r.status === 301 ? 301 : 302);
      writeHeadObject(res, r.status, { Server: albServer, Location: r.location, 'Content-Type': 'text/html', 'Content-Length': body.length });
      res.end(body);
      this.finish(port, undefined, undefined, r.status, 'elb', started, res, { rulePriority: match.rule.priority });
      return;
    }
    this.forward(req, res, listener, action, started, close, match.rule.priority);
  }

  private forward(
    req: ClientRequest,
    res: ClientResponse,
    listener: CompiledListener,
    action: ForwardAction,
    started: number,
    close: boolean,
    rulePriority: number | 'default',
  ): void {
    const table = this.table();
    const secret = this.options.stickinessSecret;
    const ctx: PickContext = { now: started, random: this.options.random };
    const groupChoice = chooseTargetGroup(action, req.rawHeaders, secret, ctx);
    const group = table.targetGroups.get(groupChoice.targetGroupArn)!;
    // ALB's 464: a gRPC call to an HTTP1 group, or anything but an HTTP/2 POST to a GRPC group.
    if (!protocolCompatible(req, group.transport.version)) {
      this.elbAnswer(res, listener.port, group.arn, 464, started, false, { rulePriority });
      return;
    }
    const attrs = listener.loadBalancer.attributes;
    const socket = req.socket;
    const headers = forwardHeaders(req.rawHeaders, {
      clientAddress: socket.remoteAddress ?? '',
      clientPort: socket.remotePort ?? 0,
      listenerPort: listener.port,
      protocol: listener.protocol === 'HTTPS' ? 'https' : 'http',
      xffMode: attrs.xffHeaderProcessingMode,
      xffClientPort: attrs.xffClientPortEnabled,
      preserveHost: attrs.preserveHostHeader,
      dropInvalidHeaderFields: attrs.dropInvalidHeaderFields,
      method: req.method!,
      now: started,
      random: this.options.random,
      closeTarget: close,
    });
    const length = req.headers['content-length'];
    const exchange: Exchange = {
      req,
      res,
      listener,
      group,
      balancer: this.balancerFor(group),
      headers,
      hasBody: req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'),
      started,
      groupCookie: groupChoice.sticky
        ? stickySetCookies(
            tgCookie,
            tgCorsCookie,
            encodeSticky(secret, 'tg', group.arn, started + (action.stickiness?.durationSeconds ?? 3600) * 1000),
            started + (action.stickiness?.durationSeconds ?? 3600) * 1000,
          )
        : undefined,
      close,
      rulePriority,
      // forwardHeaders always sends one, last but the connection headers.
      traceId: headers[headers.lastIndexOf('X-Amzn-Trace-Id') + 1],
      exclude: undefined,
      attempts: 0,
      resets: 0,
      mayReuse: false,
      retryOn: undefined,
    };
    this.attempt(exchange);
  }

  private attempt(x: Exchange): void {
    const now = this.options.clock.now();
    const again = x.retryOn;
    x.retryOn = undefined;
    const choice = again
      ? { target: again }
      : chooseTarget(x.balancer, x.group, x.req.rawHeaders, this.options.stickinessSecret, { now, random: this.options.random, exclude: x.exclude });
    if (!choice) {
      // Nothing left to try: no registered targets at all is a 503, a failed retry a 502.
      const status = x.attempts === 0 ? 503 : 502;
      this.elbAnswer(x.res, x.listener.port, x.group.arn, status, x.started, false, x);
      return;
    }
    x.attempts++;
    const attrs = x.listener.loadBalancer.attributes;
    const target = choice.target;
    const version = x.group.transport.version;
    const transport = takesStreamPath(x.req, version) ? { protocol: x.group.transport.protocol, version: 'GRPC' as const } : x.group.transport;
    const pool = this.pools.get(target.address, target.port, attrs.connectTimeoutMs, transport);
    const idleMs = attrs.idleTimeoutSeconds * 1000;
    if (pool.streams && isH2Response(x.res)) {
      new GrpcForwardAttempt(this, x, target, pool, pool.streams, now, idleMs, x.res).start();
      return;
    }
    x.mayReuse = pool.mayReuse();
    pool.used = true;
    const attempt = new ForwardAttempt(this, x, target, pool, now);
    const client = pool.pool;
    if (client instanceof H1Pool) {
      client.dispatch({ method: x.req.method!, path: x.req.url!, headers: x.headers, body: x.hasBody ? x.req : null, timeoutMs: idleMs }, attempt);
      return;
    }
    client.dispatch(
      {
        method: x.req.method as Dispatcher.HttpMethod,
        path: x.req.url!,
        headers: x.headers,
        body: x.hasBody ? x.req : null,
        headersTimeout: idleMs,
        bodyTimeout: idleMs,
      },
      attempt,
    );
  }

  /** Called by a ForwardAttempt that failed before any response byte. */
  failed(x: Exchange, target: Target, err: Error & { code?: string }): void {
    const code = err.code ?? '';
    // A reset on a kept-alive connection may be the target closing it just as it was reused: the
    // first such one in an exchange retries the same target, uncounted. A reset on a fresh
    // connection, or a second one, is the target's doing and counts against it at once (a target
    // that resets everything must leave rotation, not be retried around forever).
    const reset = resetCodes.has(code);
    const staleSuspect = reset && x.mayReuse && x.resets++ === 0;
    if (passiveCodes.has(code) || (reset && !staleSuspect)) this.options.health?.reportPassiveFailure(x.group.arn, target);
    this.metrics.targetConnectionError?.(x.group.arn, targetKey(target), code);
    if (clientGone(x.res)) return;
    if (retriableCodes.has(code) && idempotent.has(x.req.method!) && !x.hasBody && x.attempts <= this.maxRetries) {
      if (staleSuspect) x.retryOn = target;
      else (x.exclude ??= new Set()).add(targetKey(target));
      this.metrics.retried?.(x.group.arn);
      this.attempt(x);
      return;
    }
    const status = timeoutCodes.has(code) ? 504 : 502;
    this.elbAnswer(x.res, x.listener.port, x.group.arn, status, x.started, false, x);
  }

  /** Response headers for the client: the target's, minus hop-by-hop, plus stickiness cookies. */
  responseHead(x: Exchange, target: Target, rawHeaders: readonly (Buffer | string)[], now: number): string[] {
    const { headers, setCookie } = responseHeadersOf(rawHeaders);
    const extra = this.stickyCookies(x, target, setCookie, now);
    if (extra) for (const c of extra) headers.push('Set-Cookie', c);
    if (x.close) headers.push('Connection', 'close');
    return headers;
  }

  /** The engine's clock, for answers made outside a request (the listener's parser errors). */
  now(): number {
    return this.options.clock.now();
  }

  metricsStarted(tg: string, key: string): void {
    this.metrics.requestStarted(tg, key);
  }

  finishTarget(x: Exchange, key: string, status: number): void {
    this.finish(x.listener.port, x.group.arn, key, status, 'target', x.started, x.res, x);
  }

  releaseTarget(pool: TargetPool): void {
    this.pools.finished(pool);
  }

  stickyCookies(x: Exchange, target: Target, setCookie: string[] | undefined, now: number): string[] | undefined {
    const s = x.group.stickiness;
    let out = x.groupCookie;
    if (!s.enabled) return out;
    const expires = now + s.durationSeconds * 1000;
    if (s.type === 'lb_cookie') {
      // ALB renews AWSALB on every response.
      const v = encodeSticky(this.options.stickinessSecret, x.group.arn, targetKey(target), expires);
      out = [...(out ?? []), ...stickySetCookies(lbCookie, lbCorsCookie, v, expires)];
    } else if (s.appCookieName !== undefined && setsCookie(setCookie, s.appCookieName)) {
      // app_cookie: the LB pins the client only once the application has set its own cookie.
      const v = encodeSticky(this.options.stickinessSecret, x.group.arn, targetKey(target), expires);
      out = [...(out ?? []), ...stickySetCookies(appCookie, undefined, v, expires)];
    }
    return out;
  }

  private elbAnswer(res: ClientResponse, port: number, tg: string | undefined, status: number, started: number, close = false, facts?: LogFacts): void {
    sendAlbError(res, status, close);
    this.finish(port, tg, undefined, status, 'elb', started, res, facts);
  }

  finish(
    port: number,
    tg: string | undefined,
    target: string | undefined,
    status: number,
    origin: 'target' | 'elb',
    started: number,
    response?: ClientResponse,
    facts?: LogFacts,
  ): void {
    this.metrics.requestFinished({
      listenerPort: port,
      targetGroupArn: tg,
      target,
      status,
      origin,
      durationMs: this.options.clock.now() - started,
      response,
      rulePriority: facts?.rulePriority,
      traceId: facts?.traceId,
    });
  }

  /** WebSocket (any Upgrade): see upgrade-relay.ts. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, port: number): void {
    relayUpgrade(this, req, socket, head, port);
  }

  close(): void {
    this.pools.closeAll();
  }
}
