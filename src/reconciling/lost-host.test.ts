import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLost, lostAt, lostInstances } from './lost-host.js';
import { instance } from './scenario.js';

test('lost: silent for longer than lostAfterMs; never without the option or a heartbeat', () => {
  const heard = instance(1, { lastSeenAt: 1000 });
  assert.equal(isLost(heard, 1000 + 500, 500), false, 'exactly lostAfterMs is not yet lost');
  assert.equal(isLost(heard, 1000 + 501, 500), true);
  assert.equal(isLost(heard, 1e12, undefined), false);
  assert.equal(isLost(instance(2), 1e12, 500), false, 'no heartbeat known');
  assert.deepEqual([...lostInstances([heard, instance(2, { lastSeenAt: 1400 })], 1600, 500)], [heard.containerInstanceArn]);
  const [when] = lostAt([heard], 500);
  assert.equal(isLost(heard, when! - 1, 500), false);
  assert.equal(isLost(heard, when!, 500), true, 'lostAt is the first moment it holds');
  assert.deepEqual(lostAt([heard], undefined), []);
});
