/**
 * The console's Monitoring history: the last hour of a target group's AWS/ApplicationELB metrics at
 * 1-minute resolution, read through the same GetMetricData handler `aws cloudwatch` calls (the live
 * 1-second view stays on the traffic meter's SSE samples).
 */
import { loadBalancerDimension, targetGroupDimension } from '../../domain/cloudwatch/alb-metrics.js';
import type { Call } from './console-reads.js';

const HOUR_MS = 3600_000;

export interface MinuteSeries {
  /** Epoch ms of each minute, oldest first. */
  readonly timestamps: readonly number[];
  readonly requests: readonly number[];
  readonly target5xx: readonly number[];
  /** Average target response time, in ms. */
  readonly responseTimeMs: readonly number[];
  readonly healthyHosts: readonly number[];
}

export function consoleMetrics(call: Call, now: () => number) {
  return {
    async targetGroup(targetGroupArn: string, loadBalancerArn: string): Promise<MinuteSeries> {
      const dims = [
        { Name: 'TargetGroup', Value: targetGroupDimension(targetGroupArn) },
        { Name: 'LoadBalancer', Value: loadBalancerDimension(loadBalancerArn) },
      ];
      const query = (Id: string, MetricName: string, Stat: string) => ({
        Id,
        MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName, Dimensions: dims }, Period: 60, Stat },
      });
      const t = now();
      const out = await call('cloudwatch', 'GetMetricData', {
        StartTime: t - HOUR_MS,
        EndTime: t + 60_000,
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          query('requests', 'RequestCount', 'Sum'),
          query('errors', 'HTTPCode_Target_5XX_Count', 'Sum'),
          query('latency', 'TargetResponseTime', 'Average'),
          query('healthy', 'HealthyHostCount', 'Average'),
        ],
      });
      // One row per minute that any series has, so the four charts line up.
      const byId = new Map((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
      const stamps = [...new Set([...byId.values()].flatMap((r) => (r.Timestamps ?? []).map((x) => (x instanceof Date ? x.getTime() : x))))].sort(
        (a, b) => a - b,
      );
      const column = (id: string, scale = 1): number[] => {
        const r = byId.get(id);
        const at = new Map((r?.Timestamps ?? []).map((x, i) => [x instanceof Date ? x.getTime() : x, (r?.Values ?? [])[i] ?? 0]));
        return stamps.map((s) => (at.get(s) ?? 0) * scale);
      };
      return {
        timestamps: stamps,
        requests: column('requests'),
        target5xx: column('errors'),
        responseTimeMs: column('latency', 1000),
        healthyHosts: column('healthy'),
      };
    },
  };
}
