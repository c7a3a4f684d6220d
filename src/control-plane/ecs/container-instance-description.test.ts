import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerInstanceDescription } from './container-instance-description.js';
import { storedRecords } from './descriptions.fixture.test-support.js';

test("containerInstanceDescription: remaining resources and counts from the instance's tasks, no internal fields", async () => {
  const { instance, task } = await storedRecords();
  const d = containerInstanceDescription(instance, [task]);
  for (const k of ['id', 'clusterName', 'advertiseAddress', 'placementVersion', 'lastSeenAt', 'putAttributeNames', 'tags']) assert.ok(!(k in d), k);
  assert.equal(d.pendingTasksCount, 1);
  assert.equal(d.runningTasksCount, 0);
  // The task definition's container takes 128 CPU and 128 MiB of the instance's 1024 each.
  assert.equal(d.remainingResources?.find((r) => r.name === 'CPU')?.integerValue, 1024 - 128);
  assert.equal(d.remainingResources?.find((r) => r.name === 'MEMORY')?.integerValue, 1024 - 128);
});
