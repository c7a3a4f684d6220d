import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covers } from './covers.js';

test('a desired subset covers a current value with API defaults filled in', () => {
  assert.ok(
    covers({ name: 'web', portMappings: [{ containerPort: 80 }] }, { name: 'web', essential: true, portMappings: [{ containerPort: 80, protocol: 'tcp' }] }),
  );
});

test('a differing leaf, a missing element or an extra element does not cover', () => {
  assert.ok(!covers({ image: 'a:2' }, { image: 'a:1' }));
  assert.ok(!covers([{ a: 1 }, { a: 2 }], [{ a: 1 }]));
  assert.ok(!covers([{ a: 1 }], [{ a: 1 }, { a: 2 }]));
  assert.ok(!covers({ x: { y: 1 } }, { x: 5 }));
});

test('empty desired values match fields the API leaves out; non-empty ones do not', () => {
  assert.ok(covers({ hostPort: 0, environment: [], tags: {} }, {}));
  assert.ok(!covers({ hostPort: 8080 }, {}));
});

test('numbers and their string form are the same setting', () => {
  assert.ok(covers({ 'deregistration_delay.timeout_seconds': 5 }, { 'deregistration_delay.timeout_seconds': '5' }));
  assert.ok(!covers('5', 6));
});
