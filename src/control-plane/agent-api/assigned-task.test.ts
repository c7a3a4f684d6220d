import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignedContainer, DEFAULT_STOP_TIMEOUT_S } from './assigned-task.js';

test('dependsOn and startTimeout reach the agent; absent, neither is sent and stopTimeout is ECS\'s 30 s', () => {
  const c = assignedContainer(
    { name: 'app', image: 'x', stopTimeout: 4, startTimeout: 9, dependsOn: [{ containerName: 'side', condition: 'HEALTHY' }] },
    'bridge',
  );
  assert.deepEqual(c.dependsOn, [{ containerName: 'side', condition: 'HEALTHY' }]);
  assert.equal(c.startTimeoutS, 9);
  assert.equal(c.stopTimeoutS, 4);
  const plain = assignedContainer({ name: 'app', image: 'x', dependsOn: [] }, 'bridge');
  assert.equal('dependsOn' in plain, false);
  assert.equal('startTimeoutS' in plain, false);
  assert.equal(plain.stopTimeoutS, DEFAULT_STOP_TIMEOUT_S);
  assert.equal(DEFAULT_STOP_TIMEOUT_S, 30);
});
