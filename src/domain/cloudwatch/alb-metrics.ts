/**
 * The AWS/ApplicationELB metrics of one minute, from what a load-balancer node counted: CloudWatch's
 * names, dimensions (`LoadBalancer` = `app/<name>/<id>`, `TargetGroup` = `targetgroup/<name>/<id>`,
 * each alone and together, as ALB publishes them) and units. Pure: the counts in, samples out.
 * Each node reports its own; the metric store merges them as statistic sets, so sums add up across
 * nodes and HealthyHostCount's Average/Minimum/Maximum read across nodes as on ALB.
 */
import { single, type Dimension, type MetricSample, type StatisticSet } from './metric-series.js';

export const ALB_NAMESPACE = 'AWS/ApplicationELB';

/** What one node counted for one load balancer (and one of its target groups) in one minute. */
export interface AlbMinuteCounts {
  requests: number;
  target5xx: number;
  target4xx: number;
  target2xx: number;
  elb5xx: number;
  elb4xx: number;
  /** Target response time in seconds, over the requests a target answered (updated in place per request). */
  responseTime?: { sampleCount: number; sum: number; minimum: number; maximum: number };
}

export interface AlbMinute {
  /** Epoch ms of the minute's start. */
  readonly minute: number;
  readonly byLoadBalancer: ReadonlyMap<string, AlbMinuteCounts>;
  /** Keyed by `${loadBalancerArn} ${targetGroupArn}`. */
  readonly byTargetGroup: ReadonlyMap<string, AlbMinuteCounts>;
  /** Healthy and unhealthy targets per `${loadBalancerArn} ${targetGroupArn}` when the minute closed. */
  readonly hosts: ReadonlyMap<string, { readonly healthy: number; readonly unhealthy: number }>;
}

export function emptyCounts(): AlbMinuteCounts {
  return { requests: 0, target5xx: 0, target4xx: 0, target2xx: 0, elb5xx: 0, elb4xx: 0 };
}

/** `arn:...:loadbalancer/app/front/50dc6c495c0c9188` → `app/front/50dc6c495c0c9188`. */
export function loadBalancerDimension(arn: string): string {
  const i = arn.indexOf(':loadbalancer/');
  return i < 0 ? arn : arn.slice(i + ':loadbalancer/'.length);
}

/** `arn:...:targetgroup/web/73e2d6bc24d8a067` → `targetgroup/web/73e2d6bc24d8a067`. */
export function targetGroupDimension(arn: string): string {
  const i = arn.lastIndexOf(':targetgroup/');
  return i < 0 ? arn : arn.slice(i + 1);
}

function counted(counts: AlbMinuteCounts, dims: readonly Dimension[], minute: number, out: MetricSample[], perTarget?: number): void {
  const put = (name: string, unit: string, values: StatisticSet) =>
    out.push({ metric: { namespace: ALB_NAMESPACE, name, dimensions: dims }, unit, timestamp: minute, values });
  put('RequestCount', 'Count', single(counts.requests));
  put('HTTPCode_Target_2XX_Count', 'Count', single(counts.target2xx));
  put('HTTPCode_Target_4XX_Count', 'Count', single(counts.target4xx));
  put('HTTPCode_Target_5XX_Count', 'Count', single(counts.target5xx));
  if (counts.responseTime) put('TargetResponseTime', 'Seconds', counts.responseTime);
  if (perTarget !== undefined) put('RequestCountPerTarget', 'Count', single(perTarget));
}

export function albSamples(m: AlbMinute): MetricSample[] {
  const out: MetricSample[] = [];
  for (const [lb, counts] of m.byLoadBalancer) {
    const dims = [{ Name: 'LoadBalancer', Value: loadBalancerDimension(lb) }];
    counted(counts, dims, m.minute, out);
    out.push({
      metric: { namespace: ALB_NAMESPACE, name: 'HTTPCode_ELB_5XX_Count', dimensions: dims },
      unit: 'Count',
      timestamp: m.minute,
      values: single(counts.elb5xx),
    });
    out.push({
      metric: { namespace: ALB_NAMESPACE, name: 'HTTPCode_ELB_4XX_Count', dimensions: dims },
      unit: 'Count',
      timestamp: m.minute,
      values: single(counts.elb4xx),
    });
  }
  const pairs = new Set([...m.byTargetGroup.keys(), ...m.hosts.keys()]);
  for (const pair of pairs) {
    const [lb, tg] = pair.split(' ') as [string, string];
    const counts = m.byTargetGroup.get(pair) ?? emptyCounts();
    const hosts = m.hosts.get(pair);
    const tgDim = { Name: 'TargetGroup', Value: targetGroupDimension(tg) };
    const both = [tgDim, { Name: 'LoadBalancer', Value: loadBalancerDimension(lb) }];
    // ALB divides by the healthy targets (at least one, so an all-unhealthy group still shows its load).
    const perTarget = counts.requests / Math.max(1, hosts?.healthy ?? 1);
    counted(counts, both, m.minute, out, perTarget);
    out.push({
      metric: { namespace: ALB_NAMESPACE, name: 'RequestCountPerTarget', dimensions: [tgDim] },
      unit: 'Count',
      timestamp: m.minute,
      values: single(perTarget),
    });
    if (hosts) {
      out.push({
        metric: { namespace: ALB_NAMESPACE, name: 'HealthyHostCount', dimensions: both },
        unit: 'Count',
        timestamp: m.minute,
        values: single(hosts.healthy),
      });
      out.push({
        metric: { namespace: ALB_NAMESPACE, name: 'UnHealthyHostCount', dimensions: both },
        unit: 'Count',
        timestamp: m.minute,
        values: single(hosts.unhealthy),
      });
    }
  }
  return out;
}
