/** The two commit points that guard shared state, on the SQLite store the embedded server uses. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../store/sqlite-store.js';
import { ecsKit } from './ecs-test-kit.js';

describe('ECS handlers on SqliteStore', () => {
  test('concurrent registrations and RunTasks stay consistent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-ecs-'));
    const store = SqliteStore.open(join(dir, 'berth.db'));
    try {
      const k = ecsKit(9, store);
      await k.call('CreateCluster', { clusterName: 'c' });
      const regs = await Promise.all(Array.from({ length: 10 }, () => k.taskDefinition('web', { cpu: 100, memory: 10 })));
      assert.deepEqual(
        regs.map((r) => r.revision).sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      await k.instance({ cluster: 'c' });
      const runs = await Promise.all(Array.from({ length: 6 }, () => k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 4 })));
      assert.equal(
        runs.reduce((n, r) => n + r.tasks.length, 0),
        10,
        '1024 CPU holds ten 100-CPU tasks, no more',
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
