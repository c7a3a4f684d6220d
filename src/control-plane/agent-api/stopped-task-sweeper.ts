/**
 * Stopped tasks stay describable for an hour (as in ECS), then their records are deleted. The
 * decision is pure; each delete is guarded by the modRevision it was decided on.
 */
import type { Store } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import type { TaskRecord } from '../../domain/ecs/records.js';

export const DEFAULT_STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;

export interface SweepCandidate {
  key: string;
  modRevision: number;
  task: Pick<TaskRecord, 'taskArn' | 'lastStatus' | 'stoppedAt' | 'createdAt'>;
}

/** The records to delete: STOPPED for at least `retentionMs` (by stoppedAt, else createdAt). */
export function decideSweep(candidates: readonly SweepCandidate[], now: number, retentionMs: number): { key: string; modRevision: number; taskArn: string }[] {
  return candidates
    .filter((c) => c.task.lastStatus === 'STOPPED' && now - (c.task.stoppedAt ?? c.task.createdAt) >= retentionMs)
    .map(({ key, modRevision, task }) => ({ key, modRevision, taskArn: task.taskArn }));
}

export interface StoppedTaskSweeper {
  sweep(): Promise<number>;
  stop(): void;
}

export function startStoppedTaskSweeper(deps: { store: Store; clock: Clock; retentionMs?: number; intervalMs?: number; logger?: Logger }): StoppedTaskSweeper {
  const retentionMs = deps.retentionMs ?? DEFAULT_STOPPED_TASK_RETENTION_MS;
  const sweep = async () => {
    const listed = await deps.store.list<TaskRecord>(keys.tasks());
    const doomed = decideSweep(
      listed.records.map((r) => ({ key: r.key, modRevision: r.modRevision, task: r.value })),
      deps.clock.now(),
      retentionMs,
    );
    let deleted = 0;
    for (const d of doomed) {
      // A record changed since the list (it cannot leave STOPPED, but be exact) is left for the next sweep.
      const r = await deps.store.txn({ compares: [{ key: d.key, modRevision: d.modRevision }], success: [{ type: 'delete', key: d.key }, { type: 'delete', key: keys.tags(d.taskArn) }] });
      if (r.succeeded) deleted++;
    }
    if (deleted > 0) deps.logger?.info({ deleted }, 'swept stopped tasks');
    return deleted;
  };
  const timer = setInterval(() => void sweep().catch((err) => deps.logger?.warn({ err }, 'stopped-task sweep failed')), deps.intervalMs ?? 60_000);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
