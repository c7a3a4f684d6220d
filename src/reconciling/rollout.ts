/**
 * One tick of ECS's rolling arithmetic (README.md, "Rules, as decided": Limits) over the live (PENDING or RUNNING) tasks of a service:
 * which to stop, how many PRIMARY tasks to start, and whether the configuration makes progress impossible.
 *
 * Invariants (checked by a property test): after the plan, RUNNING + PENDING <= upper unless the
 * service was already above it; no healthy task is stopped if that takes healthy below lower.
 */
import type { TaskRecord } from '../domain/ecs/records.js';
import { lowerLimit, upperLimit } from './deployment-limits.js';
import type { TaskView } from './task-view.js';

export interface RolloutInput {
  desired: number;
  maximumPercent: number;
  minimumHealthyPercent: number;
  /** PRIMARY tasks to keep: not failing, not on a DRAINING instance. */
  primary: readonly TaskView[];
  /** Tasks of other deployments (or none), in stop preference order: oldest deployment first. */
  old: readonly TaskView[];
  /** Tasks failing health checks after the grace period (any deployment). */
  failing: readonly TaskView[];
  /** PRIMARY tasks on DRAINING instances: replaced within the limits. */
  displaced: readonly TaskView[];
  /** False while throttled, after the breaker tripped, or for a service being deleted. */
  canStart: boolean;
  /** The PRIMARY deployment FAILED without rollback: the rollout is frozen, old tasks stay. */
  halted: boolean;
  chooseScaleIn: (candidates: readonly TaskRecord[], count: number) => TaskRecord[];
}

export type StopWhy = 'failing' | 'scale-in' | 'deployment' | 'displaced';

export interface RolloutDecision {
  stop: { view: TaskView; why: StopWhy }[];
  start: number;
  /** Work remains, every task is healthy, yet min/max allow neither a start nor a stop. */
  stuck: boolean;
  upper: number;
  lower: number;
}

/** Default scale-in choice: tasks not yet healthy first, then the newest. */
export function defaultScaleIn(candidates: readonly TaskRecord[], count: number, healthy: (t: TaskRecord) => boolean): TaskRecord[] {
  return candidates
    .slice()
    .sort((a, b) => Number(healthy(a)) - Number(healthy(b)) || b.createdAt - a.createdAt || (a.taskArn < b.taskArn ? -1 : 1))
    .slice(0, count);
}

export function decideRollout(input: RolloutInput): RolloutDecision {
  const upper = upperLimit(input.desired, input.maximumPercent);
  const lower = lowerLimit(input.desired, input.minimumHealthyPercent);
  const all = [...input.primary, ...input.old, ...input.failing, ...input.displaced];
  const total = all.length;
  let healthy = 0;
  for (const v of all) if (v.healthy) healthy++;
  const stop: RolloutDecision['stop'] = [];

  // Failing tasks are not healthy, so stopping them never lowers `healthy`. With room, their
  // replacements start in the same plan (the applier starts before it stops); without, one at a time.
  const room = upper - total;
  const failingStops = room >= input.failing.length ? input.failing.length : Math.max(1, room);
  for (const v of input.failing.slice(0, failingStops)) stop.push({ view: v, why: 'failing' });

  const excess = Math.max(0, input.primary.length - input.desired);
  let scaleIn: TaskView[] = [];
  let kept = input.primary;
  if (excess > 0) {
    const byArn = new Map(input.primary.map((v) => [v.task.taskArn, v]));
    scaleIn = input
      .chooseScaleIn(
        input.primary.map((v) => v.task),
        excess,
      )
      .flatMap((t) => byArn.get(t.taskArn) ?? []);
    const leaving = new Set(scaleIn);
    kept = input.primary.filter((v) => !leaving.has(v));
  }

  const candidates: { view: TaskView; why: StopWhy }[] = [
    ...scaleIn.map((view) => ({ view, why: 'scale-in' as const })),
    ...(input.halted ? [] : input.old.map((view) => ({ view, why: 'deployment' as const }))),
    ...input.displaced.map((view) => ({ view, why: 'displaced' as const })),
  ];
  // Not-started and unhealthy ones first; a stable sort keeps the caller's order otherwise.
  candidates.sort((a, b) => Number(a.view.healthy) - Number(b.view.healthy));
  for (const c of candidates) {
    if (!c.view.healthy) stop.push(c);
    else if (healthy - 1 >= lower) {
      stop.push(c);
      healthy--;
    }
  }

  const need = Math.max(0, input.desired - kept.length);
  const start = input.canStart ? Math.max(0, Math.min(need, upper - (total - stop.length))) : 0;
  const workLeft = need > 0 || candidates.length > stop.length - failingStops;
  const stuck = input.canStart && stop.length === 0 && start === 0 && workLeft && all.every((v) => v.healthy);
  return { stop, start, stuck, upper, lower };
}
