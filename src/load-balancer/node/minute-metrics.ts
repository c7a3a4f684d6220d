/**
 * The node's AWS/ApplicationELB counts per minute: a `ProxyMetrics` beside Prometheus and the traffic
 * meter. Each finished request is counted in its minute under its load balancer (found from the
 * listener port in the routing table of the moment) and target group; `drain(now)` hands over what
 * was counted since the last drain as CloudWatch samples (src/domain/cloudwatch/alb-metrics.ts), with
 * the healthy and unhealthy targets per target group as the table shows them then. Drains are deltas
 * (every few seconds, so a scaling policy sees load within seconds, not at the minute's end): the
 * metric store merges them into the minute's bucket, so Sum is the minute's count, and
 * HealthyHostCount's Average/Minimum/Maximum are over the drains, as ALB's are over its samples.
 */
import { albSamples, emptyCounts, type AlbMinuteCounts } from '../../domain/cloudwatch/alb-metrics.js';
import type { MetricSample } from '../../domain/cloudwatch/metric-series.js';
import { bucketStart } from '../../domain/cloudwatch/retention.js';
import type { Clock } from '../../platform/clock.js';
import type { ProxyMetrics, RequestOutcome } from '../proxy/proxy-metrics.js';
import { isRoutableHealth, type RoutingTable } from '../routing-table.js';

interface Minute {
  readonly byLoadBalancer: Map<string, AlbMinuteCounts>;
  readonly byTargetGroup: Map<string, AlbMinuteCounts>;
}

function count(c: AlbMinuteCounts, o: RequestOutcome): void {
  c.requests++;
  const family = Math.floor(o.status / 100);
  if (o.origin === 'elb') {
    if (family === 5) c.elb5xx++;
    else if (family === 4) c.elb4xx++;
    return;
  }
  if (family === 5) c.target5xx++;
  else if (family === 4) c.target4xx++;
  else if (family === 2) c.target2xx++;
  // In place: this runs once per request, so no statistic set is allocated for it.
  const seconds = o.durationMs / 1000;
  const rt = c.responseTime;
  if (!rt) c.responseTime = { sampleCount: 1, sum: seconds, minimum: seconds, maximum: seconds };
  else {
    rt.sampleCount++;
    rt.sum += seconds;
    if (seconds < rt.minimum) rt.minimum = seconds;
    if (seconds > rt.maximum) rt.maximum = seconds;
  }
}

export class MinuteMetrics implements ProxyMetrics {
  private readonly minutes = new Map<number, Minute>();

  constructor(
    private readonly clock: Clock,
    private readonly table: () => RoutingTable | undefined,
  ) {}

  requestStarted(): void {}

  requestFinished(o: RequestOutcome): void {
    const lb = this.table()?.listeners.get(o.listenerPort)?.loadBalancer.arn;
    if (lb === undefined) return;
    const t = bucketStart(this.clock.now(), 60);
    let m = this.minutes.get(t);
    if (!m) this.minutes.set(t, (m = { byLoadBalancer: new Map(), byTargetGroup: new Map() }));
    let byLb = m.byLoadBalancer.get(lb);
    if (!byLb) m.byLoadBalancer.set(lb, (byLb = emptyCounts()));
    count(byLb, o);
    if (o.targetGroupArn === undefined) return;
    const pair = `${lb} ${o.targetGroupArn}`;
    let byTg = m.byTargetGroup.get(pair);
    if (!byTg) m.byTargetGroup.set(pair, (byTg = emptyCounts()));
    count(byTg, o);
  }

  /**
   * Samples of what was counted since the last drain, forgotten once handed over. A node's workers
   * drain `withHosts` false: the primary reports the host counts once for the node.
   */
  drain(now: number, withHosts = true): MetricSample[] {
    const current = bucketStart(now, 60);
    const hosts = withHosts ? this.hosts() : new Map<string, { healthy: number; unhealthy: number }>();
    const out: MetricSample[] = [];
    // The current minute is reported even without traffic, so a quiet group reads 0, not "no data".
    const minutes = new Set([...this.minutes.keys(), current]);
    for (const t of [...minutes].sort((a, b) => a - b)) {
      const m = this.minutes.get(t) ?? { byLoadBalancer: new Map(), byTargetGroup: new Map() };
      this.minutes.delete(t);
      const lbs = new Map(m.byLoadBalancer);
      for (const pair of hosts.keys()) if (!lbs.has(pair.split(' ')[0]!)) lbs.set(pair.split(' ')[0]!, emptyCounts());
      // Host counts belong to the moment of the drain: the current minute only.
      out.push(...albSamples({ minute: t, byLoadBalancer: lbs, byTargetGroup: m.byTargetGroup, hosts: t === current ? hosts : new Map() }));
    }
    return out;
  }

  /** Healthy and unhealthy targets of every target group a listener's rules forward to, per load balancer. */
  private hosts(): Map<string, { healthy: number; unhealthy: number }> {
    const table = this.table();
    const out = new Map<string, { healthy: number; unhealthy: number }>();
    if (!table) return out;
    for (const listener of table.listeners.values()) {
      for (const rule of listener.rules) {
        if (rule.action.type !== 'forward') continue;
        for (const { targetGroupArn } of rule.action.targetGroups) {
          const tg = table.targetGroups.get(targetGroupArn);
          if (!tg) continue;
          const live = tg.targets.filter((t) => t.state !== 'draining' && t.state !== 'unused');
          out.set(`${listener.loadBalancer.arn} ${targetGroupArn}`, {
            healthy: live.filter((t) => isRoutableHealth(t.state)).length,
            unhealthy: live.filter((t) => t.state === 'unhealthy').length,
          });
        }
      }
    }
    return out;
  }
}
