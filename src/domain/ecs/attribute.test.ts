import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeProblem, reregisteredAttributes, withAttributes, withoutAttributes } from './attribute.js';

test("names and values as the model documents them; ECS's own names are not the API's", () => {
  assert.equal(attributeProblem({ name: 'stack/blue.v1', value: 'a b:c@d' }), undefined);
  assert.match(attributeProblem({ name: 'has space' })!, /attribute name/);
  assert.match(attributeProblem({ name: 'x'.repeat(129) })!, /attribute name/);
  assert.match(attributeProblem({ name: 'ok', value: 'trailing ' })!, /value/);
  assert.match(attributeProblem({ name: 'ok', value: 'semi;colon' })!, /value/);
  assert.match(attributeProblem({ name: 'ecs.os-type', value: 'linux' })!, /only custom attributes can be put/);
  assert.match(attributeProblem({ name: 'com.amazonaws.ecs.capability.x' }, true)!, /can be deleted/);
});

test('put replaces by name, delete removes, a re-registration keeps what the API put', () => {
  const cur = [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'rack', value: '1' },
  ];
  assert.deepEqual(withAttributes(cur, [{ name: 'rack', value: '2' }, { name: 'gpu' }]), [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'rack', value: '2' },
    { name: 'gpu' },
  ]);
  assert.deepEqual(withoutAttributes(cur, ['rack']), [{ name: 'ecs.os-type', value: 'linux' }]);
  const previous = [{ name: 'ecs.os-type', value: 'linux' }, { name: 'gpu' }, { name: 'rack', value: 'api' }];
  assert.deepEqual(reregisteredAttributes([{ name: 'rack', value: 'agent' }], previous, ['gpu', 'rack']), [{ name: 'rack', value: 'agent' }, { name: 'gpu' }]);
});
