/**
 * Turns an agent's task usage samples (`POST /berth/agent/v1/tasks/stats`) into AWS/ECS
 * CPUUtilization and MemoryUtilization in the metric store: it joins each sample with its task
 * record (the service, from the task's group; the reservation placement made) and the instance's
 * registered CPU and memory, then ecsUtilizationSamples (pure) computes the percentages. Only tasks
 * RUNNING on the reporting instance count: a sample for a task that stopped meanwhile, or that
 * another instance runs, is dropped, as is one outside what the store keeps.
 */
import { ecsUtilizationSamples, serviceOfGroup, type EcsTaskUsage } from '../../domain/cloudwatch/ecs-metrics.js';
import { PROMISED_MS } from '../../domain/cloudwatch/retention.js';
import { resourceIdOf } from '../../domain/ecs/arn.js';
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import type { Clock } from '../../platform/clock.js';
import type { TaskUsageSample } from '../../protocols/agent/index.js';
import type { Store } from '../../store/store.js';
import type { MetricStore } from './metric-store.js';

/** An agent's clock may run a little ahead of the server's; more than this is a clock to fix, not data. */
const AHEAD_MS = 5 * 60_000;

export interface EcsMetricRecorderDeps {
  readonly store: Store;
  readonly metrics: Pick<MetricStore, 'record'>;
  readonly clock: Clock;
}

const registered = (ci: ContainerInstanceRecord, name: 'CPU' | 'MEMORY'): number => ci.registeredResources.find((r) => r.name === name)?.integerValue ?? 0;

export class EcsMetricRecorder {
  constructor(private readonly deps: EcsMetricRecorderDeps) {}

  /** Records what counts of `samples` from `instance` of `cluster`; answers how many tasks' samples counted. */
  async record(cluster: string, instance: ContainerInstanceRecord, samples: readonly TaskUsageSample[]): Promise<number> {
    const now = this.deps.clock.now();
    const tasks = new Map<string, TaskRecord | undefined>();
    const usage: EcsTaskUsage[] = [];
    for (const s of samples) {
      if (s.at < now - PROMISED_MS[60] || s.at > now + AHEAD_MS) continue;
      if (!tasks.has(s.taskArn)) {
        const id = resourceIdOf(s.taskArn, 'task');
        const rec = id ? (await this.deps.store.get<TaskRecord>(keys.task(cluster, id)))?.value : undefined;
        tasks.set(s.taskArn, rec && rec.containerInstanceId === instance.id && rec.lastStatus === 'RUNNING' ? rec : undefined);
      }
      const task = tasks.get(s.taskArn);
      if (!task) continue;
      const service = serviceOfGroup(task.group);
      usage.push({
        ...(service !== undefined ? { service } : {}),
        at: s.at,
        cpuUnits: s.cpuUnits,
        memoryMiB: s.memoryMiB,
        reservedCpuUnits: task.reservation.cpu,
        reservedMemoryMiB: task.reservation.memory,
      });
    }
    if (usage.length === 0) return 0;
    const capacity = { cpuUnits: registered(instance, 'CPU'), memoryMiB: registered(instance, 'MEMORY') };
    await this.deps.metrics.record(ecsUtilizationSamples(cluster, capacity, usage));
    return [...tasks.values()].filter(Boolean).length;
  }
}
