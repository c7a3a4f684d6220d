import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDescription } from './cluster-description.js';
import { storedRecords } from './descriptions.fixture.test-support.js';

test('clusterDescription: counts from what the cluster holds, no createdAt, tags only when given', async () => {
  const r = await storedRecords();
  const running: typeof r.task = { ...r.task, lastStatus: 'RUNNING' };
  const d = clusterDescription(r.cluster, { instances: [r.instance], services: [r.service], tasks: [r.task, running] });
  assert.equal(d.registeredContainerInstancesCount, 1);
  assert.equal(d.activeServicesCount, 1);
  assert.equal(d.pendingTasksCount, 1);
  assert.equal(d.runningTasksCount, 1);
  assert.ok(!('createdAt' in d));
  assert.ok(!('tags' in d));
  assert.deepEqual(clusterDescription(r.cluster, { instances: [], services: [], tasks: [] }, [{ key: 'a' }]).tags, [{ key: 'a' }]);
});
