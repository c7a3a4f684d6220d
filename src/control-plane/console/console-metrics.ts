/**
 * The console's Monitoring history: the last hour at 1-minute resolution of a target group's
 * AWS/ApplicationELB metrics and of a service's AWS/ECS utilization, read through the same
 * GetMetricData handler `aws cloudwatch` calls (the live 1-second view stays on the traffic meter's
 * SSE samples).
 */
import { loadBalancerDimension, targetGroupDimension } from '../../domain/cloudwatch/alb-metrics.js';
import { ECS_NAMESPACE } from '../../domain/cloudwatch/ecs-metrics.js';
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

export interface ServiceMinuteSeries {
  /** Epoch ms of each minute, oldest first. */
  readonly timestamps: readonly number[];
  /** AWS/ECS CPUUtilization and MemoryUtilization (Average), in percent of what the tasks reserve. */
  readonly cpu: readonly number[];
  readonly memory: readonly number[];
}

interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** The last hour of some series of one metric set, one row per minute that any series has, so the charts line up. */
async function lastHour(
  call: Call,
  now: number,
  namespace: string,
  dimensions: readonly Dimension[],
  series: readonly { id: string; metric: string; stat: string }[],
): Promise<{ timestamps: number[]; column: (id: string, scale?: number) => number[] }> {
  const out = await call('cloudwatch', 'GetMetricData', {
    StartTime: now - HOUR_MS,
    EndTime: now + 60_000,
    ScanBy: 'TimestampAscending',
    MetricDataQueries: series.map((q) => ({
      Id: q.id,
      MetricStat: { Metric: { Namespace: namespace, MetricName: q.metric, Dimensions: [...dimensions] }, Period: 60, Stat: q.stat },
    })),
  });
  const byId = new Map((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
  const stamp = (x: Date | number): number => (x instanceof Date ? x.getTime() : x);
  const timestamps = [...new Set([...byId.values()].flatMap((r) => (r.Timestamps ?? []).map(stamp)))].sort((a, b) => a - b);
  const column = (id: string, scale = 1): number[] => {
    const r = byId.get(id);
    const at = new Map((r?.Timestamps ?? []).map((x, i) => [stamp(x), (r?.Values ?? [])[i] ?? 0]));
    return timestamps.map((s) => (at.get(s) ?? 0) * scale);
  };
  return { timestamps, column };
}

export function consoleMetrics(call: Call, now: () => number) {
  return {
    async targetGroup(targetGroupArn: string, loadBalancerArn: string): Promise<MinuteSeries> {
      const dims = [
        { Name: 'TargetGroup', Value: targetGroupDimension(targetGroupArn) },
        { Name: 'LoadBalancer', Value: loadBalancerDimension(loadBalancerArn) },
      ];
      const { timestamps, column } = await lastHour(call, now(), 'AWS/ApplicationELB', dims, [
        { id: 'requests', metric: 'RequestCount', stat: 'Sum' },
        { id: 'errors', metric: 'HTTPCode_Target_5XX_Count', stat: 'Sum' },
        { id: 'latency', metric: 'TargetResponseTime', stat: 'Average' },
        { id: 'healthy', metric: 'HealthyHostCount', stat: 'Average' },
      ]);
      return {
        timestamps,
        requests: column('requests'),
        target5xx: column('errors'),
        responseTimeMs: column('latency', 1000),
        healthyHosts: column('healthy'),
      };
    },
    async service(cluster: string, service: string): Promise<ServiceMinuteSeries> {
      const dims = [
        { Name: 'ClusterName', Value: cluster },
        { Name: 'ServiceName', Value: service },
      ];
      const { timestamps, column } = await lastHour(call, now(), ECS_NAMESPACE, dims, [
        { id: 'cpu', metric: 'CPUUtilization', stat: 'Average' },
        { id: 'memory', metric: 'MemoryUtilization', stat: 'Average' },
      ]);
      return { timestamps, cpu: column('cpu'), memory: column('memory') };
    },
  };
}
