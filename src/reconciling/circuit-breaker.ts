/**
 * The deployment circuit breaker (§3.4). A failed task is one that failed to start, one that reached
 * RUNNING and then exited on its own (an essential container stopped), or one the scheduler stopped
 * for failing ELB or container health checks. Each is counted once: `failuresCountedThrough` marks the
 * newest counted stop, so `failedTasks` keeps growing while the sweeper deletes old STOPPED tasks.
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
  /** The new `failuresCountedThrough` (undefined: nothing counted yet). */
  countedThrough?: number;
  threshold: number;
  /** rolloutStateReason when the breaker trips. */
  trippedReason?: string;
}

export function evaluateBreaker(deployment: Deployment, tasks: readonly TaskRecord[], minimum: number): BreakerVerdict {
  const mark = deployment.failuresCountedThrough;
  const fresh = tasks.filter((t) => t.startedBy === deployment.id && breakerFailure(t) && (mark === undefined || stoppedAtOf(t) > mark));
  const failedTasks = deployment.failedTasks + fresh.length;
  const countedThrough = fresh.reduce<number | undefined>((m, t) => Math.max(m ?? 0, stoppedAtOf(t)), mark);
  const threshold = circuitBreakerThreshold(deployment.desiredCount, minimum);
  const base = { failedTasks, threshold, ...(countedThrough !== undefined ? { countedThrough } : {}) };
  if (failedTasks < threshold) return base;
  const own = tasks.filter((t) => t.startedBy === deployment.id);
  const neverRan = own.filter(failedToStart).length;
  const ranThenFailed = own.filter((t) => breakerFailure(t) && !failedToStart(t)).length;
  return { ...base, trippedReason: ranThenFailed > neverRan ? FAILED_HEALTH_CHECKS : FAILED_TO_START };
}
