import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../../domain/ecs/records.js';
import { stoppedTask } from './plan-commit.js';

const task = {
  taskArn: 't',
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  version: 3,
  containers: [{ name: 'app', lastStatus: 'RUNNING' }],
} as unknown as TaskRecord;
const why = { taskArn: 't', stopCode: 'ServiceSchedulerInitiated' as const, stoppedReason: 'Scaling activity initiated by (deployment d)' };

test('deregister first: DEACTIVATING, reason and stoppingAt written, desiredStatus kept RUNNING', () => {
  const t = stoppedTask(task, { ...why, deregisterFirst: true }, 100);
  assert.equal(t.desiredStatus, 'RUNNING');
  assert.equal(t.lastStatus, 'DEACTIVATING', 'as ECS shows a task whose targets deregister');
  assert.equal(t.stoppingAt, 100);
  assert.equal(t.stoppedReason, why.stoppedReason);
  assert.equal(t.version, 4);
});

test('the final stop keeps the first reason and stoppingAt; a lost host is STOPPED outright', () => {
  const draining = stoppedTask(task, { ...why, deregisterFirst: true }, 100);
  const final = stoppedTask(draining, { ...why, stoppedReason: 'other', deregisterFirst: false }, 200);
  assert.equal(final.desiredStatus, 'STOPPED');
  assert.equal(final.stoppingAt, 100);
  assert.equal(final.stoppedReason, why.stoppedReason);
  const lost = stoppedTask(task, { ...why, stoppedReason: 'Host EC2 (instance i-1) lost.', deregisterFirst: false, markStopped: true }, 300);
  assert.equal(lost.lastStatus, 'STOPPED');
  assert.equal(lost.stoppedAt, 300);
  assert.deepEqual(
    lost.containers.map((c) => c.lastStatus),
    ['STOPPED'],
  );
});
