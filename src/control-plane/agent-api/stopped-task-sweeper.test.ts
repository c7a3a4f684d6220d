import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { keys } from '../../domain/keys.js';
import { decideSweep, startStoppedTaskSweeper } from './stopped-task-sweeper.js';

test('decideSweep keeps stopped tasks for the retention, and never touches live ones', () => {
  const c = (key: string, lastStatus: 'STOPPED' | 'RUNNING', stoppedAt?: number) => ({
    key,
    modRevision: 1,
    task: { taskArn: key, lastStatus, createdAt: 0, ...(stoppedAt !== undefined ? { stoppedAt } : {}) },
  });
  const out = decideSweep([c('old', 'STOPPED', 1_000), c('new', 'STOPPED', 50_000), c('live', 'RUNNING'), c('nostamp', 'STOPPED')], 61_000, {
    retentionMs: 60_000,
    maxStoppedPerGroup: 100,
  });
  assert.deepEqual(
    out.map((d) => d.key),
    ['old', 'nostamp'],
  );
});

test('decideSweep keeps at most maxStoppedPerGroup stopped tasks of a group, the newest; other groups and live tasks untouched', () => {
  const c = (key: string, group: string, lastStatus: 'STOPPED' | 'RUNNING', stoppedAt: number) => ({
    key,
    modRevision: 1,
    task: { taskArn: key, lastStatus, createdAt: 0, stoppedAt, clusterArn: 'c', group },
  });
  const loop = Array.from({ length: 6 }, (_, i) => c(`s${i}`, 'service:web', 'STOPPED', 100 + i));
  const out = decideSweep([...loop, c('live', 'service:web', 'RUNNING', 0), c('other', 'service:api', 'STOPPED', 1)], 1_000, {
    retentionMs: 60_000,
    maxStoppedPerGroup: 4,
  });
  assert.deepEqual(
    out.map((d) => d.key),
    ['s0', 's1'],
  );
});

test('the sweeper deletes old STOPPED task records (and their tags) from the store', async () => {
  const store = new MemoryStore();
  const clock = new ManualClock(3_700_000);
  const arn = 'arn:aws:ecs:us-east-1:000000000000:task/c/old';
  await store.put(keys.task('c', 'old'), { taskArn: arn, lastStatus: 'STOPPED', stoppedAt: 0, createdAt: 0 });
  await store.put(keys.tags(arn), { a: 'b' });
  await store.put(keys.task('c', 'live'), { taskArn: 'x', lastStatus: 'RUNNING', createdAt: 0 });
  const sweeper = startStoppedTaskSweeper({ store, clock, intervalMs: 60_000 });
  try {
    assert.equal(await sweeper.sweep(), 1);
    assert.equal(await store.get(keys.task('c', 'old')), undefined);
    assert.equal(await store.get(keys.tags(arn)), undefined);
    assert.ok(await store.get(keys.task('c', 'live')));
  } finally {
    sweeper.stop();
  }
});
