import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskDescription } from './task-description.js';
import { storedRecords } from './descriptions.fixture.test-support.js';

test("taskDescription: the agent's report times, never the scheduler's internal fields", async () => {
  const { task } = await storedRecords();
  const d = taskDescription({ ...task, pullStartedAt: 10, connectivityAt: 20, executionStoppedAt: 30 });
  for (const k of ['taskId', 'clusterName', 'family', 'containerInstanceId', 'ec2InstanceId', 'reservation', 'tags']) assert.ok(!(k in d), k);
  assert.equal(d.pullStartedAt, 10);
  assert.equal(d.connectivityAt, 20);
  assert.equal(d.executionStoppedAt, 30);
  assert.ok(!('pullStoppedAt' in d), 'absent members stay absent');
  assert.equal(d.containers?.[0]?.name, 'app');
});
