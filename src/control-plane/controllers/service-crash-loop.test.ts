/**
 * A crash loop through the whole controller on a SQLite data dir: every task reaches RUNNING and then
 * its essential container exits. The breaker counts every one (here disabled, so the loop goes on),
 * and the sweeper keeps the store bounded however many cycles run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../store/sqlite-store.js';
import { keys } from '../../domain/keys.js';
import type { TaskRecord } from '../../domain/ecs/records.js';
import { startStoppedTaskSweeper } from '../agent-api/stopped-task-sweeper.js';
import { createWorld, CLUSTER } from './service-world.test-support.js';

/** Bytes of the live records (the kv table); the watch history is the store's own, bounded by historyLimit. */
function recordBytes(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT sum(length(key) + length(value)) AS b FROM kv').get() as { b: number }).b;
  } finally {
    db.close();
  }
}

test('400 crash cycles: failedTasks counts all 400, the store keeps at most 100 stopped tasks, and its size levels off', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-crash-loop-'));
  const file = join(dir, 'berth.db');
  const store = SqliteStore.open(file, { historyLimit: 2000 });
  // No backoff so that the cycles run fast; the backoff itself is unit-tested (start-backoff.test.ts).
  const w = await createWorld({ store, desiredCount: 1, controller: { reconcile: { startBackoff: { freeFailures: 1e9 } } } });
  const sweeper = startStoppedTaskSweeper({ store: w.store, clock: w.clock, intervalMs: 3_600_000 });
  const sizes: number[] = [];
  try {
    const CYCLES = 400;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await w.settle();
      const live = (await w.tasks()).filter((t) => t.lastStatus !== 'STOPPED');
      assert.equal(live.length, 1, `cycle ${cycle}: one task at a time`);
      const t = live[0]!;
      const base = { cluster: CLUSTER, taskArn: t.taskArn };
      const containers = [
        {
          name: 'app',
          lastStatus: 'RUNNING',
          networkBindings: [{ bindIP: '127.0.0.1', containerPort: 80, hostPort: 30000 + (cycle % 1000), protocol: 'tcp' as const }],
        },
      ];
      await w.agent.submitTaskState({ ...base, lastStatus: 'RUNNING', containers, startedAt: w.clock.now() });
      w.clock.advance(1000);
      await w.agent.submitTaskState({
        ...base,
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 1 }],
      });
      w.clock.advance(10);
      if (cycle % 50 === 0) {
        await w.settle();
        await sweeper.sweep();
        sizes.push(recordBytes(file));
      }
    }
    await w.settle();
    await sweeper.sweep();
    const svc = await w.service();
    assert.equal(svc.deployments[0]!.failedTasks, CYCLES, 'every failed task counted, swept ones too');
    const all = (await w.store.list<TaskRecord>(keys.tasks(CLUSTER))).records.map((r) => r.value);
    const stopped = all.filter((t) => t.lastStatus === 'STOPPED').length;
    assert.ok(stopped <= 100, `stopped tasks kept: ${stopped}`);
    // Once the cap is reached (100 cycles), the records stop growing with the cycles.
    const [, , atSteady, ...later] = sizes;
    for (const s of later) assert.ok(s <= atSteady! * 1.1, `records grew: ${sizes.join(', ')}`);
    console.log(
      `crash-loop: ${CYCLES} cycles, failedTasks ${svc.deployments[0]!.failedTasks}, stopped tasks kept ${stopped}, record bytes every 50 cycles: ${sizes.join(', ')}; file ${statSync(file).size} bytes (watch history, historyLimit 2000)`,
    );
  } finally {
    sweeper.stop();
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
