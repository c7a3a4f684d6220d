/**
 * One tick of the DAEMON scheduling strategy: one task on each instance where the service belongs
 * (ACTIVE and matching its placement constraints: the applier works that out with the placement
 * pipeline). Tasks elsewhere (a DRAINING instance, one that no longer matches) stop. A deployment
 * replaces the task of one instance after another, stop first and start after it is gone (a daemon's
 * host ports would clash), with at most D - ceil(D × minimumHealthyPercent / 100) instances without a
 * healthy task at once, as ECS does (maximumPercent is 100 for a daemon service).
 */
import { lowerLimit } from './deployment-limits.js';
import type { StopWhy } from './rollout.js';
import type { TaskView } from './task-view.js';

export interface DaemonInput {
  /** Instance ARNs where a task belongs, in the applier's order. */
  eligible: readonly string[];
  minimumHealthyPercent: number;
  /** Live (PENDING or RUNNING) PRIMARY tasks not failing health checks. */
  primary: readonly TaskView[];
  /** Live tasks of other deployments not failing health checks. */
  old: readonly TaskView[];
  /** Live tasks failing health checks after the grace period. */
  failing: readonly TaskView[];
  /** Every task of the service not yet STOPPED (stopping and deactivating ones too): an instance with one is not free. */
  alive: readonly TaskView[];
  canStart: boolean;
  /** The PRIMARY deployment FAILED without rollback: old tasks stay where they are. */
  halted: boolean;
}

export interface DaemonDecision {
  /** The derived desired count: the number of eligible instances. */
  desired: number;
  stop: { view: TaskView; why: StopWhy }[];
  /** Instances to start one PRIMARY task on each. */
  startOn: string[];
  /** Instances wait for replacement, every task is healthy, yet minimumHealthyPercent allows no stop. */
  stuck: boolean;
}

export function decideDaemon(input: DaemonInput): DaemonDecision {
  const desired = input.eligible.length;
  const eligible = new Set(input.eligible);
  const maxDown = desired - lowerLimit(desired, input.minimumHealthyPercent);
  const stop: DaemonDecision['stop'] = [];
  const stopping = new Set<TaskView>();
  const add = (view: TaskView, why: StopWhy) => {
    if (stopping.has(view)) return;
    stopping.add(view);
    stop.push({ view, why });
  };
  const on = (views: readonly TaskView[], arn: string) => views.filter((v) => v.task.containerInstanceArn === arn);

  // Failing tasks are not healthy: stopping them costs nothing; their instance gets a new one once they are gone.
  for (const v of input.failing) add(v, 'failing');
  // Off the eligible instances (DRAINING, no longer matching the constraints): nothing keeps them.
  for (const v of [...input.primary, ...input.old]) if (!eligible.has(v.task.containerInstanceArn)) add(v, 'displaced');

  const rollover: { arn: string; old: TaskView[] }[] = [];
  for (const arn of input.eligible) {
    const primary = on(input.primary, arn);
    const old = on(input.old, arn);
    if (primary.length > 0) {
      // One per instance: keep the healthiest, then the oldest.
      const keep = primary.slice().sort((a, b) => Number(b.healthy) - Number(a.healthy) || a.task.createdAt - b.task.createdAt)[0]!;
      for (const v of primary) if (v !== keep) add(v, 'scale-in');
      // An old task beside a healthy new one is redundant; beside one not yet healthy it still counts.
      if (keep.healthy) for (const v of old) add(v, 'deployment');
      else if (old.length > 0 && !input.halted) rollover.push({ arn, old });
    } else if (old.length > 0 && !input.halted) rollover.push({ arn, old });
  }

  const healthyOn = (arn: string) => [...on(input.primary, arn), ...on(input.old, arn)].some((v) => v.healthy && !stopping.has(v));
  let down = input.eligible.filter((arn) => !healthyOn(arn)).length;
  // Instances whose old task is not healthy go first: replacing them costs nothing.
  rollover.sort((a, b) => Number(a.old.some((v) => v.healthy)) - Number(b.old.some((v) => v.healthy)));
  let held = 0;
  for (const r of rollover) {
    if (!r.old.some((v) => v.healthy)) {
      for (const v of r.old) add(v, 'deployment');
    } else if (down + 1 <= maxDown) {
      for (const v of r.old) add(v, 'deployment');
      down++;
    } else held++;
  }

  // Start where no task of the service is left at all (not even one stopping): stop first, then start.
  const busy = new Set(input.alive.map((v) => v.task.containerInstanceArn));
  const startOn = input.canStart ? input.eligible.filter((arn) => !busy.has(arn)) : [];
  const all = [...input.primary, ...input.old, ...input.failing];
  const stuck = input.canStart && held > 0 && stop.length === 0 && startOn.length === 0 && all.every((v) => v.healthy);
  return { desired, stop, startOn, stuck };
}
