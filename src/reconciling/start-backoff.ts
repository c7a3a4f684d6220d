/**
 * Throttling of tasks that keep failing, derived from the retained tasks alone (no counter to drift).
 * A failure is a task that failed to start, or that reached RUNNING and then stopped because an
 * essential container exited (a crash loop, as ECS counts it). Count the newest consecutive failures
 * of the deployment; after `freeFailures` of them the next start waits `backoffDelayMs(failures)`
 * after the last one. The streak ends at a task that proved itself: RUNNING for `stableAfterMs`, or
 * stopped by the scheduler or a user after it ran.
 */
import type { TaskRecord } from '../domain/ecs/records.js';
import type { StartBackoffOptions } from './service-plan.js';

/** Stopped before it ever reached RUNNING. */
export function failedToStart(t: TaskRecord): boolean {
  if (t.lastStatus !== 'STOPPED') return false;
  if (t.stopCode === 'TaskFailedToStart') return true;
  return t.startedAt === undefined && t.stopCode === 'EssentialContainerExited';
}

/** Reached RUNNING, then an essential container exited on its own (not a stop the scheduler or a user asked for). */
export function exitedAfterRunning(t: TaskRecord): boolean {
  return t.lastStatus === 'STOPPED' && t.startedAt !== undefined && t.stopCode === 'EssentialContainerExited';
}

export const isLaunchFailure = (t: TaskRecord) => failedToStart(t) || exitedAfterRunning(t);

/**
 * The pure backoff: how long after the last of `failures` consecutive failures the next start waits.
 * 0 while the failures are free; then base x 2^(n - free - 1), capped (ECS caps its throttle at 15 min).
 */
export function backoffDelayMs(failures: number, options: StartBackoffOptions): number {
  if (failures <= options.freeFailures) return 0;
  return Math.min(options.maxMs, options.baseMs * 2 ** Math.min(30, failures - options.freeFailures - 1));
}

/** Whether a start is allowed at `now` after `failures` consecutive failures, the last at `lastFailureAt`. */
export function throttledUntil(failures: number, lastFailureAt: number, now: number, options: StartBackoffOptions): number | undefined {
  const until = lastFailureAt + backoffDelayMs(failures, options);
  return failures > options.freeFailures && now < until ? until : undefined;
}

export interface BackoffState {
  failures: number;
  /** Epoch ms before which no task may start; undefined when not throttled. */
  until?: number;
}

/** `tasks`: the deployment's tasks (a new deployment starts a fresh streak, so a rollback is not held back). */
export function startBackoff(tasks: readonly TaskRecord[], options: StartBackoffOptions, now: number): BackoffState {
  // Newest first, a streak of launch failures ends at the first task that proved itself. Linear (a
  // service of 100,000 tasks is not sorted each pass): find that task, then count the failures
  // newer than it; among tasks created at the same instant, the earlier in `tasks` comes first.
  let stop = -1;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    if (isLaunchFailure(t) || t.startedAt === undefined || !provedItself(t, now, options.stableAfterMs)) continue;
    if (stop < 0 || t.createdAt > tasks[stop]!.createdAt) stop = i;
  }
  const cut = stop < 0 ? undefined : tasks[stop]!.createdAt;
  let failures = 0;
  let lastFailureAt = 0;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    if (!isLaunchFailure(t)) continue;
    if (cut !== undefined && (t.createdAt < cut || (t.createdAt === cut && i > stop))) continue;
    failures++;
    lastFailureAt = Math.max(lastFailureAt, t.stoppedAt ?? t.createdAt);
  }
  const until = throttledUntil(failures, lastFailureAt, now, options);
  return until === undefined ? { failures } : { failures, until };
}

function provedItself(t: TaskRecord, now: number, stableAfterMs: number): boolean {
  if (t.lastStatus === 'STOPPED') return true;
  return t.lastStatus === 'RUNNING' && now - t.startedAt! >= stableAfterMs;
}
