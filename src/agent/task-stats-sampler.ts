/**
 * Reads the resource use of this instance's running containers every `everyMs` (default 15 s,
 * within ECS's 10-20 s), turns two readings in a row into one sample per task (task-usage.ts), and
 * sends them on `tasks/stats` for the AWS/ECS metrics. While the control plane does not answer,
 * samples wait, up to MAX_BACKLOG (the oldest go first: a metric is worth most when recent), and
 * leave with the next report that gets through, in batches the protocol allows. A refusal (4xx) drops
 * its batch: sent again, it would be refused again (and it is logged once until a report gets through).
 */
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { BERTH_LABELS, type ContainerRuntime, type ResourceUsage } from './runtime/runtime.js';
import { ControlPlaneError, MAX_TASK_STATS_SAMPLES, type ControlPlaneClient, type TaskUsageSample } from './control-plane-client.js';
import { ownedBy } from './container-spec.js';
import { taskUsageSamples, type ContainerReading } from './task-usage.js';

export const TASK_STATS_MS = 15_000;
/** About an hour of samples for 20 tasks at the default interval. */
export const MAX_BACKLOG = 5_000;
/** Stats calls in flight at once. */
const READ_CONCURRENCY = 16;

export interface TaskStatsSamplerOptions {
  readonly client: ControlPlaneClient;
  readonly runtime: ContainerRuntime;
  readonly cluster: string;
  readonly ec2InstanceId: string;
  readonly containerInstanceArn: () => string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly everyMs?: number;
}

export interface TaskStatsSampler {
  /** One round now (read, compute, send); the timer runs the same. */
  round(): Promise<void>;
  /** Samples waiting to be sent (tests). */
  backlog(): number;
  stop(): Promise<void>;
}

export function startTaskStatsSampler(o: TaskStatsSamplerOptions): TaskStatsSampler {
  let previous = new Map<string, ResourceUsage>();
  let backlog: TaskUsageSample[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;
  let warned = false;
  let refused = false;

  const read = async (): Promise<void> => {
    const at = o.clock.now();
    const containers = (await o.runtime.list(ownedBy(o.cluster, o.ec2InstanceId))).filter((c) => c.status === 'running' && c.labels[BERTH_LABELS.taskArn]);
    const readings: ContainerReading[] = [];
    // In parallel, a few at a time: dockerd answers a stats call at its next collection tick (about
    // a second), so one after another a round would take a second per container.
    for (let i = 0; i < containers.length; i += READ_CONCURRENCY) {
      const chunk = containers.slice(i, i + READ_CONCURRENCY);
      const usages = await Promise.all(chunk.map((c) => o.runtime.usage(c.runtimeId).catch(() => undefined)));
      chunk.forEach((c, k) => {
        const usage = usages[k];
        const taskArn = c.labels[BERTH_LABELS.taskArn];
        if (usage && taskArn) readings.push({ taskArn, runtimeId: c.runtimeId, usage });
      });
    }
    backlog.push(...taskUsageSamples(at, readings, previous));
    // Only containers read this round are kept: a stopped one's last reading would never be used again.
    previous = new Map(readings.map((r) => [r.runtimeId, r.usage]));
    if (backlog.length > MAX_BACKLOG) backlog = backlog.slice(backlog.length - MAX_BACKLOG);
  };

  const send = async (): Promise<void> => {
    while (backlog.length > 0 && !stopped) {
      const batch = backlog.slice(0, MAX_TASK_STATS_SAMPLES);
      try {
        await o.client.reportTaskStats({ cluster: o.cluster, containerInstanceArn: o.containerInstanceArn(), samples: batch });
        warned = false;
        refused = false;
      } catch (err) {
        if (err instanceof ControlPlaneError && err.status >= 400 && err.status < 500) {
          // Once until a report gets through: a server too old for tasks/stats would refuse every round.
          if (!refused) o.logger.warn({ err, samples: batch.length }, 'the control plane refused task stats; dropping them');
          refused = true;
        } else {
          if (!warned) o.logger.warn({ err }, 'could not report task stats; keeping them for the next report');
          warned = true;
          return;
        }
      }
      backlog = backlog.slice(batch.length);
    }
  };

  const round = (): Promise<void> => {
    running ??= (async () => {
      try {
        await read();
      } catch (err) {
        o.logger.debug({ err }, 'could not read task stats this round');
      }
      await send();
    })().finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => void round(), o.everyMs ?? TASK_STATS_MS);
  timer.unref();
  return {
    round,
    backlog: () => backlog.length,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
