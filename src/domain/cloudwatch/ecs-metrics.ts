/**
 * The AWS/ECS CPUUtilization and MemoryUtilization samples of one agent report, as ECS defines them
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html):
 *  - per service ({ClusterName, ServiceName}): 100 × what the service's task used / what it reserved
 *    (the task's `cpu` and `memory`, or its containers' cpu and memoryReservation/memory: the
 *    reservation placement made); a task that reserved no CPU (or memory) is measured against its
 *    instance's registered CPU (or memory), as ECS does for tasks without a reservation on EC2;
 *  - per cluster ({ClusterName}): 100 × what all the instance's tasks used / the instance's
 *    registered CPU (or memory), standalone tasks included.
 * One value per task (service) or per reading round (cluster), Unit Percent, folded here into one
 * statistic set per series and minute (a report's many tasks and rounds are a few writes, not one
 * each), so Average, Minimum, Maximum and SampleCount read across tasks and rounds.
 * A busy task may exceed 100%: CPU shares bound a container only when the host's cores are contended.
 * Pure: the joined usage in, samples out.
 */
import { merge, seriesKey, single, type MetricSample } from './metric-series.js';
import { bucketStart } from './retention.js';

export const ECS_NAMESPACE = 'AWS/ECS';
export const ECS_METRICS = ['CPUUtilization', 'MemoryUtilization'] as const;

export interface EcsTaskUsage {
  /** The service the task belongs to (its group `service:<name>`), absent for a standalone task. */
  readonly service?: string;
  /** Epoch ms of the reading round. */
  readonly at: number;
  readonly cpuUnits: number;
  readonly memoryMiB: number;
  /** What placement reserved for it (0: nothing). */
  readonly reservedCpuUnits: number;
  readonly reservedMemoryMiB: number;
}

export interface InstanceCapacity {
  /** Registered CPU units (1024 per core) and memory (MiB). */
  readonly cpuUnits: number;
  readonly memoryMiB: number;
}

/** `service:web` → `web`; anything else (RunTask's `family:…` or a custom group) is no service. */
export function serviceOfGroup(group: string): string | undefined {
  return group.startsWith('service:') ? group.slice('service:'.length) : undefined;
}

const percent = (used: number, of: number): number => (of > 0 ? (100 * used) / of : 0);

export function ecsUtilizationSamples(cluster: string, instance: InstanceCapacity, tasks: readonly EcsTaskUsage[]): MetricSample[] {
  const out: MetricSample[] = [];
  const put = (name: (typeof ECS_METRICS)[number], dimensions: MetricSample['metric']['dimensions'], at: number, value: number) =>
    out.push({ metric: { namespace: ECS_NAMESPACE, name, dimensions }, unit: 'Percent', timestamp: at, values: single(value) });
  const clusterDim = { Name: 'ClusterName', Value: cluster };
  const rounds = new Map<number, { cpu: number; memory: number }>();
  for (const t of tasks) {
    const round = rounds.get(t.at) ?? { cpu: 0, memory: 0 };
    round.cpu += t.cpuUnits;
    round.memory += t.memoryMiB;
    rounds.set(t.at, round);
    if (t.service === undefined) continue;
    const dims = [clusterDim, { Name: 'ServiceName', Value: t.service }];
    put('CPUUtilization', dims, t.at, percent(t.cpuUnits, t.reservedCpuUnits > 0 ? t.reservedCpuUnits : instance.cpuUnits));
    put('MemoryUtilization', dims, t.at, percent(t.memoryMiB, t.reservedMemoryMiB > 0 ? t.reservedMemoryMiB : instance.memoryMiB));
  }
  for (const [at, used] of rounds) {
    put('CPUUtilization', [clusterDim], at, percent(used.cpu, instance.cpuUnits));
    put('MemoryUtilization', [clusterDim], at, percent(used.memory, instance.memoryMiB));
  }
  return byMinute(out);
}

/** Samples of one series in one minute merged into one, stamped with the latest of them (the series' last seen). */
function byMinute(samples: readonly MetricSample[]): MetricSample[] {
  const folded = new Map<string, MetricSample>();
  for (const s of samples) {
    const key = `${seriesKey(s.metric)} ${bucketStart(s.timestamp, 60)}`;
    const had = folded.get(key);
    folded.set(key, had ? { ...had, timestamp: Math.max(had.timestamp, s.timestamp), values: merge(had.values, s.values) } : s);
  }
  return [...folded.values()];
}
