import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keys } from '../../domain/keys.js';
import { changeOf, changesOf } from './change.js';

test('every record kind the console shows maps to its change', () => {
  assert.deepEqual(changeOf(keys.service('default', 'web')), { kind: 'service', id: 'default/web' });
  assert.deepEqual(changeOf(keys.task('default', 'abc')), { kind: 'task', id: 'default/abc' });
  assert.deepEqual(changeOf(keys.target('tg1', 'i-1', 32768)), { kind: 'target', id: 'tg1/i-1:32768' });
  assert.deepEqual(changeOf(keys.taskDefinition('web', 3)), { kind: 'task-definition', id: 'web/0000000003' });
  assert.deepEqual(changeOf(keys.loadBalancer('lb1')), { kind: 'load-balancer', id: 'lb1' });
  assert.deepEqual(changeOf(keys.containerInstance('default', 'ci1')), { kind: 'container-instance', id: 'default/ci1' });
});

test('keys the console does not show, and bare prefixes, are no change', () => {
  assert.equal(changeOf(keys.tags('arn:aws:ecs:x')), undefined);
  assert.equal(changeOf(keys.securityGroup('sg-1')), undefined);
  assert.equal(changeOf(keys.services()), undefined);
});

test('a batch collapses repeated keys into one change each', () => {
  const got = changesOf([keys.service('c', 's'), keys.service('c', 's'), keys.task('c', 't'), keys.tags('x')]);
  assert.deepEqual(got, [
    { kind: 'service', id: 'c/s' },
    { kind: 'task', id: 'c/t' },
  ]);
});
