import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceDescription } from './service-description.js';
import { storedRecords } from './descriptions.fixture.test-support.js';

test("serviceDescription: none of the reconciler's bookkeeping, in the service or its deployments", async () => {
  const { service } = await storedRecords();
  const primary = service.deployments[0];
  assert.ok(primary);
  const kept = {
    ...service,
    lastCompletedTaskDefinition: service.taskDefinition,
    pastDeployments: [primary],
    deployments: [{ ...primary, failuresCounted: { through: 1, atMark: [] }, rollbackOf: 'ecs-svc/1', rollbackReason: 'why' }],
  };
  const d = serviceDescription(kept);
  for (const k of ['clientToken', 'lastCompletedTaskDefinition', 'lastCompletedRevision', 'pastDeployments', 'tags']) assert.ok(!(k in d), k);
  for (const k of ['failuresCounted', 'rollbackOf', 'rollbackReason']) assert.ok(!(k in (d.deployments?.[0] ?? {})), k);
  assert.equal(d.deployments?.[0]?.id, primary.id);
  assert.equal(d.serviceName, 's');
});
