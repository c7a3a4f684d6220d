/**
 * Stopped tasks stay describable for an hour (as in ECS), then their records are deleted; and a group
 * (a service's tasks, or a RunTask group) keeps at most `maxStoppedPerGroup` of them, the newest, so
 * a crash loop cannot grow the store however long it runs. The decision is pure; each delete is
 * guarded by the modRevision it was decided on.
 */
import type { Store } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import type { TaskRecord } from '../../domain/ecs/records.js';

export const DEFAULT_STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;
/** Enough for the start backoff's streak (it saturates at ten) and for DescribeTasks of recent history. */
export const DEFAULT_MAX_STOPPED_PER_GROUP = 100;

export interface SweepCandidate {
  key: string;
  modRevision: number;
  task: Pick<TaskRecord, 'taskArn' | 'lastStatus' | 'stoppedAt' | 'createdAt'> & Partial<Pick<TaskRecord, 'clusterArn' | 'group'>>;
}

export interface SweepLimits {
  retentionMs: number;
  maxStoppedPerGroup: number;
}

const stoppedAtOf = (t: SweepCandidate['task']) => t.stoppedAt ?? t.createdAt;

/** The records to delete: STOPPED for at least `retentionMs` (by stoppedAt, else createdAt), or past the newest `maxStoppedPerGroup` of their group. */
export function decideSweep(candidates: readonly SweepCandidate[], now: number, limits: SweepLimits): { key: string; modRevision: number; taskArn: string }[] {
  const stopped = candidates.filter((c) => c.task.lastStatus === 'STOPPED');
  const doomed = new Set(stopped.filter((c) => now - stoppedAtOf(c.task) >= limits.retentionMs));
  const byGroup = new Map<string, SweepCandidate[]>();
  for (const c of stopped) {
    if (doomed.has(c)) continue;
    const g = `${c.task.clusterArn ?? ''}|${c.task.group ?? ''}`;
    const list = byGroup.get(g) ?? [];
    list.push(c);
    byGroup.set(g, list);
  }
  for (const list of byGroup.values()) {
    if (list.length <= limits.maxStoppedPerGroup) continue;
    list.sort((a, b) => stoppedAtOf(b.task) - stoppedAtOf(a.task) || (a.task.taskArn < b.task.taskArn ? -1 : 1));
    for (const c of list.slice(limits.maxStoppedPerGroup)) doomed.add(c);
  }
  return stopped.filter((c) => doomed.has(c)).map(({ key, modRevision, task }) => ({ key, modRevision, taskArn: task.taskArn }));
}

export interface StoppedTaskSweeper {
  sweep(): Promise<number>;
  stop(): void;
}

export function startStoppedTaskSweeper(deps: {
  store: Store;
  clock: Clock;
  retentionMs?: number;
  maxStoppedPerGroup?: number;
  intervalMs?: number;
  logger?: Logger;
}): StoppedTaskSweeper {
  const limits = {
    retentionMs: deps.retentionMs ?? DEFAULT_STOPPED_TASK_RETENTION_MS,
    maxStoppedPerGroup: deps.maxStoppedPerGroup ?? DEFAULT_MAX_STOPPED_PER_GROUP,
  };
  const sweep = async () => {
    const listed = await deps.store.list<TaskRecord>(keys.tasks());
    const doomed = decideSweep(
      listed.records.map((r) => ({ key: r.key, modRevision: r.modRevision, task: r.value })),
      deps.clock.now(),
      limits,
    );
    let deleted = 0;
    for (const d of doomed) {
      // A record changed since the list (it cannot leave STOPPED, but be exact) is left for the next sweep.
      const r = await deps.store.txn({
        compares: [{ key: d.key, modRevision: d.modRevision }],
        success: [
          { type: 'delete', key: d.key },
          { type: 'delete', key: keys.tags(d.taskArn) },
        ],
      });
      if (r.succeeded) deleted++;
    }
    if (deleted > 0) deps.logger?.info({ deleted }, 'swept stopped tasks');
    return deleted;
  };
  const timer = setInterval(() => void sweep().catch((err) => deps.logger?.warn({ err }, 'stopped-task sweep failed')), deps.intervalMs ?? 60_000);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
