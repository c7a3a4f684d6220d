import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskDefinitionDescription } from './task-definition-description.js';
import { storedRecords } from './descriptions.fixture.test-support.js';

test('taskDefinitionDescription: the defaults ECS fills in, and only members the model has', async () => {
  const { taskDefinition } = await storedRecords();
  const d = taskDefinitionDescription({ ...taskDefinition, somethingInternal: 1 });
  assert.ok(!('somethingInternal' in d));
  assert.equal(d.networkMode, 'bridge');
  assert.deepEqual(d.compatibilities, ['EXTERNAL', 'EC2']);
  assert.equal(d.containerDefinitions?.[0]?.essential, true);
  assert.equal(d.revision, 1);
});
