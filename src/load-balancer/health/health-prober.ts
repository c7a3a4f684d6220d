/**
 * Active health checks (I/O): one HTTP GET (for GRPC groups, one gRPC call) per target per interval, ALB-style — on the traffic
 * port or a fixed port, `User-Agent: ELB-HealthChecker/2.0`, a timeout, and a fresh connection
 * closed after every check. Checks start on a jittered offset (so a thousand targets registered at
 * once are not probed in the same millisecond) and then run every interval however long the last
 * one took. Results go through the pure state machine; `onTransition` hears only real changes.
 */
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import { targetKey, type HealthCheckSettings } from '../routing-table.js';
import { registered, step, type CheckOutcome, type HealthEvent, type TargetHealthRecord } from './health-state-machine.js';
import { compileMatcher, type CodeMatcher } from './matcher.js';
import { emptyGrpcMessage, grpcStatusOf } from '../proxy/grpc-protocol.js';

export interface ProbeTarget {
  readonly targetGroupArn: string;
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly settings: HealthCheckSettings;
}

export interface HealthProberOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly onTransition: (target: ProbeTarget, to: TargetHealthRecord, from: TargetHealthRecord) => void;
  /** Check from this local address (a node's own address, as each ALB node checks from its own); default: the OS's choice. */
  readonly sourceAddress?: string;
  /** Fraction of the interval each schedule may drift by (default 0.05). */
  readonly jitter?: number;
}

export const healthCheckUserAgent = 'ELB-HealthChecker/2.0';

/** How a check reaches its target: TLS or not, HTTP/1.1, HTTP/2 or a gRPC call, and from which local address. */
export interface ProbeTransport {
  readonly protocol?: 'HTTP' | 'HTTPS';
  readonly version?: 'HTTP1' | 'HTTP2' | 'GRPC';
  readonly localAddress?: string | undefined;
}

/**
 * One GET; resolves with what the state machine needs, never rejects. HTTPS checks do not verify
 * the target's certificate (ALB's do not); HTTP2 checks are one h2 request (over TLS, or h2c).
 */
export function probeOnce(
  address: string,
  port: number,
  path: string,
  timeoutMs: number,
  matcher: CodeMatcher,
  transport: ProbeTransport = {},
): Promise<CheckOutcome> {
  const { protocol = 'HTTP', version = 'HTTP1', localAddress } = transport;
  if (version === 'HTTP2' || version === 'GRPC') return probeH2(address, port, path, timeoutMs, matcher, protocol, localAddress, version === 'GRPC');
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: CheckOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const headers = { 'User-Agent': healthCheckUserAgent, Connection: 'close', Host: `${address}:${port}` };
    const options = { host: address, port, path, method: 'GET', agent: false, headers, ...(localAddress ? { localAddress } : {}) } as const;
    const req = protocol === 'HTTPS' ? https.request({ ...options, rejectUnauthorized: false }) : http.request(options);
    const timer = setTimeout(() => done({ ok: false, kind: 'timeout' }), timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      done(matcher(status) ? { ok: true } : { ok: false, kind: 'code', status });
    });
    req.on('error', () => done({ ok: false, kind: 'error' }));
    req.end();
  });
}

function probeH2(
  address: string,
  port: number,
  path: string,
  timeoutMs: number,
  matcher: CodeMatcher,
  protocol: 'HTTP' | 'HTTPS',
  localAddress: string | undefined,
  grpc = false,
): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const host = address.includes(':') ? `[${address}]` : address;
    const origin = `${protocol === 'HTTPS' ? 'https' : 'http'}://${host}:${port}`;
    const session = http2.connect(origin, { rejectUnauthorized: false, ...(localAddress ? { localAddress } : {}) });
    const done = (o: CheckOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ ok: false, kind: 'timeout' }), timeoutMs);
    session.on('error', () => done({ ok: false, kind: 'error' }));
    const judge = (status: number): void => done(matcher(status) ? { ok: true } : { ok: false, kind: 'code', status });
    if (grpc) {
      // A unary call with an empty message; the matcher tests grpc-status, from the trailers or from
      // a trailers-only answer. An answer without one (not a gRPC server) fails the check.
      const req = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'user-agent': healthCheckUserAgent,
      });
      req.on('response', (h) => {
        const status = grpcStatusOf(h);
        if (status !== undefined) judge(status);
      });
      req.on('trailers', (t) => {
        const status = grpcStatusOf(t);
        done(status === undefined ? { ok: false, kind: 'error' } : matcher(status) ? { ok: true } : { ok: false, kind: 'code', status });
      });
      req.on('end', () => done({ ok: false, kind: 'error' }));
      req.on('error', () => done({ ok: false, kind: 'error' }));
      req.resume();
      req.end(emptyGrpcMessage);
      return;
    }
    const req = session.request({ ':path': path, 'user-agent': healthCheckUserAgent });
    req.on('response', (h) => {
      req.resume();
      judge(Number(h[':status'] ?? 0));
    });
    req.on('error', () => done({ ok: false, kind: 'error' }));
    req.end();
  });
}

/** GRPC groups match gRPC status codes, the others HTTP statuses. */
function matcherOf(s: HealthCheckSettings): CodeMatcher {
  return compileMatcher(s.matcher, s.version === 'GRPC' ? 'grpc' : 'http');
}

interface Entry {
  target: ProbeTarget;
  matcher: CodeMatcher;
  record: TargetHealthRecord;
  timer: NodeJS.Timeout | undefined;
  nextAt: number;
}

/**
 * When a new target's first check runs: at a random point of the first second (or of the interval,
 * when shorter), so targets registered together are not all probed at once.
 */
export function firstCheckDelayMs(intervalSeconds: number, r: number): number {
  return Math.floor(r * Math.min(intervalSeconds * 1000, 1000));
}

/** The next check is due an interval after the last was due, moved by up to ±jitter of the interval. */
export function nextCheckDueAt(lastDueAt: number, intervalSeconds: number, jitter: number, r: number): number {
  const interval = intervalSeconds * 1000;
  return lastDueAt + interval + (r - 0.5) * 2 * jitter * interval;
}

export class HealthProber {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(private readonly options: HealthProberOptions) {}

  private static key(tgArn: string, t: { id: string; port: number }): string {
    return `${tgArn}|${targetKey(t)}`;
  }

  /** Level-triggered: the full desired set; new targets start checking, missing ones stop. */
  setTargets(targets: readonly ProbeTarget[]): void {
    const wanted = new Set<string>();
    for (const t of targets) {
      const key = HealthProber.key(t.targetGroupArn, t);
      wanted.add(key);
      const existing = this.entries.get(key);
      if (existing) {
        const changed = JSON.stringify(existing.target.settings) !== JSON.stringify(t.settings) || existing.target.address !== t.address;
        existing.target = t;
        if (!changed) continue;
        existing.matcher = matcherOf(t.settings);
        clearTimeout(existing.timer);
        this.apply(existing, { type: t.settings.enabled ? 'checks-enabled' : 'checks-disabled' });
        this.schedule(existing, this.firstDelay(t.settings));
        continue;
      }
      const entry: Entry = { target: t, matcher: matcherOf(t.settings), record: registered(), timer: undefined, nextAt: 0 };
      this.entries.set(key, entry);
      this.apply(entry, { type: t.settings.enabled ? 'checks-started' : 'checks-disabled' });
      this.schedule(entry, this.firstDelay(t.settings));
    }
    for (const [key, entry] of this.entries) {
      if (wanted.has(key)) continue;
      clearTimeout(entry.timer);
      this.entries.delete(key);
    }
  }

  health(targetGroupArn: string, target: { id: string; port: number }): TargetHealthRecord | undefined {
    return this.entries.get(HealthProber.key(targetGroupArn, target))?.record;
  }

  /** The proxy saw a connection refused or reset: count it now, not at the next check. */
  reportPassiveFailure(targetGroupArn: string, target: { id: string; port: number }): void {
    const entry = this.entries.get(HealthProber.key(targetGroupArn, target));
    if (entry) this.apply(entry, { type: 'passive-failure', now: this.options.clock.now() });
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) clearTimeout(e.timer);
    this.entries.clear();
  }

  private firstDelay(s: HealthCheckSettings): number {
    return firstCheckDelayMs(s.intervalSeconds, this.options.random.next());
  }

  private schedule(entry: Entry, delay: number): void {
    if (this.stopped || !entry.target.settings.enabled) return;
    entry.nextAt = this.options.clock.now() + delay;
    entry.timer = setTimeout(() => this.run(entry), delay);
    entry.timer.unref();
  }

  private run(entry: Entry): void {
    const s = entry.target.settings;
    // The next check is due an interval after this one was due, not after it finishes.
    const due = nextCheckDueAt(entry.nextAt, s.intervalSeconds, this.options.jitter ?? 0.05, this.options.random.next());
    this.schedule(entry, Math.max(0, due - this.options.clock.now()));
    const port = s.port === 'traffic-port' ? entry.target.port : s.port;
    const transport = { protocol: s.protocol, version: s.version ?? 'HTTP1', localAddress: this.options.sourceAddress } as const;
    void probeOnce(entry.target.address, port, s.path, s.timeoutSeconds * 1000, entry.matcher, transport).then((outcome) => {
      if (this.entries.get(HealthProber.key(entry.target.targetGroupArn, entry.target)) !== entry) return;
      this.apply(entry, { type: 'check', outcome, now: this.options.clock.now() });
    });
  }

  private apply(entry: Entry, event: HealthEvent): void {
    const s = step(entry.record, event, entry.target.settings);
    entry.record = s.record;
    if (s.transition) this.options.onTransition(entry.target, s.transition.to, s.transition.from);
  }
}
