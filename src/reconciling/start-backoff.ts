/**
 * Throttling of tasks that keep failing to start, derived from the retained STOPPED tasks alone (no
 * counter to drift): count the newest consecutive start failures; after `freeFailures` of them the next
 * start waits base x 2^(n - freeFailures - 1), capped (ECS caps at 15 min). A task that reached RUNNING
 * ends the streak: tasks that die after RUNNING are never throttled.
 */
import type { TaskRecord } from '../domain/ecs/records.js';
import type { StartBackoffOptions } from './service-plan.js';

export function failedToStart(t: TaskRecord): boolean {
  if (t.lastStatus !== 'STOPPED') return false;
  if (t.stopCode === 'TaskFailedToStart') return true;
  return t.startedAt === undefined && t.stopCode === 'EssentialContainerExited';
}

export interface BackoffState {
  failures: number;
  /** Epoch ms before which no task may start; undefined when not throttled. */
  until?: number;
}

export function startBackoff(tasks: readonly TaskRecord[], options: StartBackoffOptions): BackoffState {
  const newestFirst = tasks.slice().sort((a, b) => b.createdAt - a.createdAt);
  let failures = 0;
  let lastFailureAt = 0;
  for (const t of newestFirst) {
    if (failedToStart(t)) {
      failures++;
      lastFailureAt = Math.max(lastFailureAt, t.stoppedAt ?? t.createdAt);
    } else if (t.startedAt !== undefined) break;
  }
  if (failures <= options.freeFailures) return { failures };
  const delay = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(30, failures - options.freeFailures - 1));
  return { failures, until: lastFailureAt + delay };
}
