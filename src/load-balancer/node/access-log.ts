/**
 * ALB access logs, one file per load balancer (`<dataDir>/access-logs/<lb-name>.log`), switched by
 * the `access_logs.s3.enabled` attribute. Fields are ALB's, in ALB's order (AWS docs, "Access log
 * entries"); what Berth does not have (WAF classification) is `-` as on an ALB. The request path
 * only captures an entry's facts (strings and numbers, no Date, no formatting); entries are
 * formatted into lines and appended in batches at flush, never one write per request.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { RequestOutcome } from '../proxy/proxy-metrics.js';
import type { RoutingTable } from '../routing-table.js';
import { isGrpcRequest } from '../proxy/grpc-protocol.js';
import { chosenCertificateArn } from '../proxy/tls-server.js';

export interface AccessLogEntry {
  /** `http`, `https` (TLS, HTTP/1.x), `h2` (TLS, HTTP/2) or `grpcs` (a gRPC call over TLS), as ALB's first field. */
  readonly type: 'http' | 'https' | 'h2' | 'grpcs';
  /** OpenSSL's cipher name and the TLS version, `-` on plain HTTP. */
  readonly sslCipher: string;
  readonly sslProtocol: string;
  /** Epoch ms. */
  readonly time: number;
  /** `app/<name>/<id>`. */
  readonly elb: string;
  readonly client: string;
  readonly target: string;
  readonly requestProcessingTime: number;
  readonly targetProcessingTime: number;
  readonly responseProcessingTime: number;
  readonly elbStatusCode: number;
  readonly targetStatusCode: number | undefined;
  readonly receivedBytes: number;
  readonly sentBytes: number;
  readonly request: string;
  readonly userAgent: string;
  readonly targetGroupArn: string | undefined;
  readonly traceId: string;
  readonly domainName: string;
  /** The certificate presented to the client (`session-reused` on a resumed session), `-` on HTTP. */
  readonly chosenCertArn: string;
  readonly matchedRulePriority: string;
  /** Epoch ms. */
  readonly requestCreationTime: number;
  readonly actionsExecuted: string;
  readonly redirectUrl: string;
  readonly errorReason: string;
}

const needsEscape = /["\\]/;
// Most fields hold neither a quote nor a backslash: test once, replace only when needed.
const quote = (s: string): string => (needsEscape.test(s) ? `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"` : `"${s}"`);
const secs = (n: number): string => (n < 0 ? '-1' : n.toFixed(3));

/** ISO 8601 with milliseconds, the seconds part formatted once per second rather than per line. */
let isoSecond = Number.NaN;
let isoPrefix = '';
export function isoMs(ms: number): string {
  const whole = Math.floor(ms);
  const second = Math.floor(whole / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const milli = whole - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** One template string: no array of 30 fields and no join per line. */
export function formatAccessLogLine(e: AccessLogEntry): string {
  const targetStatus = e.targetStatusCode === undefined ? '-' : String(e.targetStatusCode);
  return `${e.type} ${isoMs(e.time)} ${e.elb} ${e.client} ${e.target} ${secs(e.requestProcessingTime)} ${secs(e.targetProcessingTime)} ${secs(
    e.responseProcessingTime,
  )} ${e.elbStatusCode} ${targetStatus} ${e.receivedBytes} ${e.sentBytes} ${quote(e.request)} ${quote(e.userAgent)} ${e.sslCipher} ${e.sslProtocol} ${
    e.targetGroupArn ?? '-'
  } ${quote(e.traceId)} ${quote(e.domainName)} ${quote(e.chosenCertArn)} ${e.matchedRulePriority} ${isoMs(e.requestCreationTime)} ${quote(
    e.actionsExecuted,
  )} ${quote(e.redirectUrl)} ${quote(e.errorReason)} ${quote(e.target)} "${targetStatus}" "-" "-" -`;
}

/** Bytes per keep-alive connection are cumulative; a request's share is the growth since the last one. */
const seen = new WeakMap<Socket, { read: number; written: number }>();

function byteShare(socket: Socket | null | undefined): { received: number; sent: number } {
  if (!socket) return { received: 0, sent: 0 };
  const read = socket.bytesRead;
  const written = socket.bytesWritten;
  const before = seen.get(socket);
  if (!before) {
    seen.set(socket, { read, written });
    return { received: read, sent: written };
  }
  // One record per connection, updated in place (not a new one per request).
  const share = { received: read - before.read, sent: written - before.written };
  before.read = read;
  before.written = written;
  return share;
}

/** `app/<name>/<id>` per load balancer ARN, worked out once. */
const lbPaths = new Map<string, string>();
function lbPathOf(arn: string, name: string): string {
  let p = lbPaths.get(arn);
  if (p === undefined) {
    p = arn.includes('loadbalancer/') ? arn.slice(arn.indexOf('loadbalancer/') + 'loadbalancer/'.length) : `app/${name}`;
    if (lbPaths.size > 10_000) lbPaths.clear();
    lbPaths.set(arn, p);
  }
  return p;
}

export function entryFor(o: RequestOutcome, table: RoutingTable, now: number): AccessLogEntry | undefined {
  const listener = table.listeners.get(o.listenerPort);
  const res = o.response;
  const req = res?.req;
  if (!listener || !res || !req) return undefined;
  const lbPath = lbPathOf(listener.loadBalancer.arn, listener.loadBalancer.name);
  let target = '-';
  if (o.target !== undefined && o.targetGroupArn !== undefined) {
    const t = table.targetGroups.get(o.targetGroupArn)?.byKey.get(o.target);
    target = t ? `${t.address}:${t.port}` : o.target;
  }
  const host = req.headers.host ?? `${listener.bindAddress}:${listener.port}`;
  // An HTTP/2 request's socket is Node's proxy of the TLS socket: ask it, do not test its class.
  const socket = req.socket as Socket & Partial<Pick<TLSSocket, 'encrypted' | 'getCipher' | 'getProtocol' | 'servername'>>;
  const tls = socket.encrypted === true ? { cipher: socket.getCipher?.().name ?? '-', protocol: socket.getProtocol?.() ?? '-' } : undefined;
  const type = tls === undefined ? 'http' : isGrpcRequest(req) ? 'grpcs' : req.httpVersion === '2.0' ? 'h2' : 'https';
  const bytes = byteShare(req.socket);
  const byTarget = o.origin === 'target';
  const location = res.getHeader('location');
  const seconds = o.durationMs / 1000;
  return {
    type,
    sslCipher: tls?.cipher ?? '-',
    sslProtocol: tls?.protocol ?? '-',
    time: now,
    elb: lbPath,
    client: `${req.socket?.remoteAddress ?? '-'}:${req.socket?.remotePort ?? 0}`,
    target,
    requestProcessingTime: byTarget ? 0 : -1,
    targetProcessingTime: byTarget ? seconds : -1,
    responseProcessingTime: byTarget ? 0 : -1,
    elbStatusCode: o.status,
    targetStatusCode: byTarget ? o.status : undefined,
    receivedBytes: bytes.received,
    sentBytes: bytes.sent,
    request: `${req.method} ${tls ? 'https' : 'http'}://${host}${req.url} HTTP/${req.httpVersion}`,
    userAgent: String(req.headers['user-agent'] ?? '-'),
    targetGroupArn: o.targetGroupArn,
    // What was sent to the target (ALB's own Root when the client sent none), else what came in.
    traceId: o.traceId ?? String(req.headers['x-amzn-trace-id'] ?? '-'),
    // The SNI name the client sent, as ALB's domain_name.
    domainName: tls && typeof socket.servername === 'string' ? socket.servername : '-',
    chosenCertArn: tls ? (chosenCertificateArn(req.socket) ?? '-') : '-',
    // ALB: the matched rule's priority, 0 for the default rule, '-' when no rule was evaluated.
    matchedRulePriority: o.rulePriority === undefined ? '-' : o.rulePriority === 'default' ? '0' : String(o.rulePriority),
    requestCreationTime: now - o.durationMs,
    actionsExecuted: o.targetGroupArn !== undefined ? 'forward' : location !== undefined ? 'redirect' : o.rulePriority !== undefined ? 'fixed-response' : '-',
    redirectUrl: location !== undefined ? String(location) : '-',
    errorReason: '-',
  };
}

/** Buffers lines per load balancer and appends them to their files in batches. */
export class AccessLog {
  private enabled = new Set<string>();
  private readonly buffers = new Map<string, AccessLogEntry[]>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirMade = false;

  constructor(
    private readonly dir: string,
    private readonly flushMs = 1000,
  ) {}

  /** The names of the load balancers whose attribute is on. */
  setEnabled(lbNames: Iterable<string>): void {
    this.enabled = new Set(lbNames);
  }

  isEnabled(lbName: string): boolean {
    return this.enabled.has(lbName);
  }

  record(o: RequestOutcome, table: RoutingTable, now: number): void {
    const listener = table.listeners.get(o.listenerPort);
    if (!listener || !this.enabled.has(listener.loadBalancer.name)) return;
    const entry = entryFor(o, table, now);
    if (!entry) return;
    const name = listener.loadBalancer.name;
    let buf = this.buffers.get(name);
    if (!buf) this.buffers.set(name, (buf = []));
    buf.push(entry);
    if (buf.length >= 512) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.buffers].filter(([, lines]) => lines.length > 0);
    this.buffers.clear();
    this.writing = this.writing
      .then(async () => {
        if (batches.length === 0) return;
        // Once per process, not once per batch (a batch is written every 512 lines under load).
        if (!this.dirMade) {
          await fs.promises.mkdir(this.dir, { recursive: true });
          this.dirMade = true;
        }
        for (const [name, entries] of batches) {
          let text = '';
          for (const e of entries) text += `${formatAccessLogLine(e)}\n`;
          const file = path.join(this.dir, `${name}.log`);
          await fs.promises.appendFile(file, text).catch(async (err: NodeJS.ErrnoException) => {
            // The directory was removed under us (a clean-up, a rotation): make it again, once.
            if (err.code !== 'ENOENT') throw err;
            await fs.promises.mkdir(this.dir, { recursive: true });
            await fs.promises.appendFile(file, text);
          });
        }
      })
      .catch(() => {});
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
