/**
 * What the proxy tells the outside world about traffic, as a small interface so prom-client (or
 * anything) can be wired in by the composition root without the data plane depending on it.
 */
import type { ClientResponse } from './h2-bridge.js';

export interface RequestOutcome {
  readonly listenerPort: number;
  readonly targetGroupArn: string | undefined;
  /** `Id:Port`, undefined when the load balancer answered itself. */
  readonly target: string | undefined;
  readonly status: number;
  /** Whether the status came from the target or from the load balancer (ELB 5XX vs target 5XX). */
  readonly origin: 'target' | 'elb';
  readonly durationMs: number;
  /** The client response (and through `.req` the request), for access logs; absent for upgrades. */
  readonly response?: ClientResponse;
  /** The rule that matched (`default` for the listener's default rule); absent when none was evaluated. */
  readonly rulePriority?: number | 'default';
  /** The X-Amzn-Trace-Id sent to the target, for forwarded requests. */
  readonly traceId?: string;
}

export interface ProxyMetrics {
  requestStarted(targetGroupArn: string, target: string): void;
  requestFinished(outcome: RequestOutcome): void;
  /** An attempt failed before any response byte (`code`: ECONNREFUSED, UND_ERR_SOCKET, ...). */
  targetConnectionError?(targetGroupArn: string, target: string, code: string): void;
  /** The request is tried again (on another target, or the same one after a stale keep-alive reset). */
  retried?(targetGroupArn: string): void;
}

export const noMetrics: ProxyMetrics = { requestStarted() {}, requestFinished() {} };

/** In-memory counters: for tests and for the node's own status page. */
export class CountingMetrics implements ProxyMetrics {
  readonly byStatus = new Map<string, number>();
  readonly inFlight = new Map<string, number>();
  readonly durations: number[] = [];

  requestStarted(_tg: string, target: string): void {
    this.inFlight.set(target, (this.inFlight.get(target) ?? 0) + 1);
  }

  requestFinished(o: RequestOutcome): void {
    const key = `${o.origin}:${o.status}`;
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    if (o.target !== undefined) this.inFlight.set(o.target, (this.inFlight.get(o.target) ?? 1) - 1);
    if (this.durations.length < 100_000) this.durations.push(o.durationMs);
  }

  count(origin: 'target' | 'elb', status: number): number {
    return this.byStatus.get(`${origin}:${status}`) ?? 0;
  }
}
