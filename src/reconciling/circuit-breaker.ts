/**
 * The deployment circuit breaker (README.md, "Rules, as decided": Circuit breaker). A failed task is one that failed to start, one that reached
 * RUNNING and then exited on its own (an essential container stopped), or one the scheduler stopped
 * for failing ELB or container health checks. Each is counted once: `failuresCounted` marks the newest
 * counted stop (and the tasks counted at that ms), so `failedTasks` keeps growing while the sweeper
 * deletes old STOPPED tasks.
 */
import type { Deployment, TaskRecord } from '../domain/ecs/records.js';
import { circuitBreakerThreshold } from './deployment-limits.js';
import { failedToStart, isLaunchFailure } from './start-backoff.js';

export const FAILED_TO_START = 'ECS deployment circuit breaker: tasks failed to start.';
export const FAILED_HEALTH_CHECKS = 'ECS deployment circuit breaker: tasks failed health checks.';

const failedHealthChecks = (t: TaskRecord) =>
  t.startedAt !== undefined && t.stopCode === 'ServiceSchedulerInitiated' && (t.stoppedReason?.startsWith('Task failed ') ?? false);

/** Any failure the breaker counts; the task must be STOPPED so it is counted once, at its stoppedAt. */
export const breakerFailure = (t: TaskRecord) => t.lastStatus === 'STOPPED' && (isLaunchFailure(t) || failedHealthChecks(t));

const stoppedAtOf = (t: TaskRecord) => t.stoppedAt ?? t.createdAt;

export interface BreakerVerdict {
  failedTasks: number;
  /** The new `failuresCounted` mark (undefined: nothing counted yet). */
  counted?: { through: number; atMark: string[] };
  threshold: number;
  /** rolloutStateReason when the breaker trips. */
  trippedReason?: string;
}

export function evaluateBreaker(deployment: Deployment, tasks: readonly TaskRecord[], minimum: number): BreakerVerdict {
  const mark = deployment.failuresCounted;
  const isNew = (t: TaskRecord) => mark === undefined || stoppedAtOf(t) > mark.through || (stoppedAtOf(t) === mark.through && !mark.atMark.includes(t.taskArn));
  const fresh = tasks.filter((t) => t.startedBy === deployment.id && breakerFailure(t) && isNew(t));
  const failedTasks = deployment.failedTasks + fresh.length;
  let counted = mark;
  if (fresh.length) {
    const through = Math.max(mark?.through ?? 0, ...fresh.map(stoppedAtOf));
    const before = mark && mark.through === through ? mark.atMark : [];
    counted = { through, atMark: [...before, ...fresh.filter((t) => stoppedAtOf(t) === through).map((t) => t.taskArn)] };
  }
  const threshold = circuitBreakerThreshold(deployment.desiredCount, minimum);
  const base = { failedTasks, threshold, ...(counted !== undefined ? { counted } : {}) };
  if (failedTasks < threshold) return base;
  const own = tasks.filter((t) => t.startedBy === deployment.id);
  const neverRan = own.filter(failedToStart).length;
  const ranThenFailed = own.filter((t) => breakerFailure(t) && !failedToStart(t)).length;
  return { ...base, trippedReason: ranThenFailed > neverRan ? FAILED_HEALTH_CHECKS : FAILED_TO_START };
}
