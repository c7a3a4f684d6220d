/**
 * Live traffic per target group for the console: requests/s, 5xx/s and p99 latency over the last
 * complete one-second window, and per target requests/s and in-flight requests. It is a
 * `ProxyMetrics` beside the Prometheus one: Prometheus keeps counters forever, while the console
 * wants "now", and computing rates from scraped counters would need a second sampler.
 *
 * In-flight comes from the connection pools at snapshot time (the count draining already relies
 * on), not from started/finished pairs: a failed attempt is retried without a `requestFinished`.
 */
import type { Clock } from '../../platform/clock.js';
import type { ProxyMetrics, RequestOutcome } from '../proxy/proxy-metrics.js';
import { targetKey, type RoutingTable, type Target } from '../routing-table.js';
import type { TargetGroupTraffic, TargetTraffic } from '../../domain/elbv2/traffic.js';

const WINDOW_MS = 1000;
/** Latencies kept per group per window for the p99; past that, the window's p99 is from the first ones. */
const MAX_SAMPLES = 10_000;

interface GroupWindow {
  requests: number;
  errors5xx: number;
  readonly durations: number[];
  readonly byTarget: Map<string, number>;
}

interface Window {
  readonly start: number;
  readonly groups: Map<string, GroupWindow>;
}

export class TrafficMeter implements ProxyMetrics {
  private current: Window;
  private previous: Window | undefined;

  constructor(private readonly clock: Clock) {
    this.current = { start: this.windowStart(clock.now()), groups: new Map() };
  }

  requestStarted(): void {}

  requestFinished(o: RequestOutcome): void {
    if (o.targetGroupArn === undefined) return; // answered before any rule chose a group
    this.roll(this.clock.now());
    let g = this.current.groups.get(o.targetGroupArn);
    if (!g) {
      g = { requests: 0, errors5xx: 0, durations: [], byTarget: new Map() };
      this.current.groups.set(o.targetGroupArn, g);
    }
    g.requests++;
    if (o.status >= 500 && o.status <= 599) g.errors5xx++;
    if (g.durations.length < MAX_SAMPLES) g.durations.push(o.durationMs);
    if (o.target !== undefined) g.byTarget.set(o.target, (g.byTarget.get(o.target) ?? 0) + 1);
  }

  /** The last complete window, for every group and target of `table`. */
  snapshot(table: RoutingTable, inFlightOf: (t: Target) => number): Map<string, TargetGroupTraffic> {
    const now = this.clock.now();
    this.roll(now);
    const last = this.previous?.start === this.current.start - WINDOW_MS ? this.previous : undefined;
    const perSecond = 1000 / WINDOW_MS;
    const out = new Map<string, TargetGroupTraffic>();
    for (const tg of table.targetGroups.values()) {
      const g = last?.groups.get(tg.arn);
      const targets = new Map<string, TargetTraffic>();
      for (const t of tg.targets) {
        const key = targetKey(t);
        targets.set(key, { inFlight: inFlightOf(t), requestsPerSecond: (g?.byTarget.get(key) ?? 0) * perSecond });
      }
      out.set(tg.arn, {
        requestsPerSecond: (g?.requests ?? 0) * perSecond,
        errors5xxPerSecond: (g?.errors5xx ?? 0) * perSecond,
        p99Ms: g ? percentile(g.durations, 0.99) : 0,
        targets,
      });
    }
    return out;
  }

  private roll(now: number): void {
    const start = this.windowStart(now);
    if (start === this.current.start) return;
    this.previous = this.current;
    this.current = { start, groups: new Map() };
  }

  private windowStart(now: number): number {
    return now - (now % WINDOW_MS);
  }
}

/** Nearest-rank percentile; 0 for no samples. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** One `ProxyMetrics` that tells several. */
export function fanOutMetrics(...all: ProxyMetrics[]): ProxyMetrics {
  return {
    requestStarted: (tg, target) => {
      for (const m of all) m.requestStarted(tg, target);
    },
    requestFinished: (o) => {
      for (const m of all) m.requestFinished(o);
    },
    targetConnectionError: (tg, target, code) => {
      for (const m of all) m.targetConnectionError?.(tg, target, code);
    },
    retried: (tg) => {
      for (const m of all) m.retried?.(tg);
    },
  };
}
