import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStrategies, RUN_TASK_DEFAULT_STRATEGIES, SERVICE_DEFAULT_STRATEGIES } from './strategy.js';
import { parseConstraints } from './constraint.js';
import { AwsError } from '../../domain/aws-error.js';

const invalid = (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException';

describe('placement strategies', () => {
  test('defaults: spread by zone then instance for services, random for RunTask', () => {
    assert.deepEqual(parseStrategies(undefined, SERVICE_DEFAULT_STRATEGIES), [
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'spread', field: 'instanceId' },
    ]);
    assert.deepEqual(parseStrategies([], RUN_TASK_DEFAULT_STRATEGIES), [{ type: 'random' }]);
  });
  const good: [object, object][] = [
    [
      { type: 'binpack', field: 'memory' },
      { type: 'binpack', field: 'memory' },
    ],
    [
      { type: 'binpack', field: 'CPU' },
      { type: 'binpack', field: 'cpu' },
    ],
    [
      { type: 'spread', field: 'host' },
      { type: 'spread', field: 'instanceId' },
    ],
    [
      { type: 'spread', field: 'attribute:ecs.instance-type' },
      { type: 'spread', field: 'attribute:ecs.instance-type' },
    ],
    [{ type: 'random' }, { type: 'random' }],
  ];
  for (const [raw, want] of good) test(JSON.stringify(raw), () => assert.deepEqual(parseStrategies([raw], []), [want]));
  const bad: object[] = [
    { type: 'binpack' },
    { type: 'binpack', field: 'disk' },
    { type: 'spread' },
    { type: 'spread', field: 'zone' },
    { type: 'random', field: 'cpu' },
    { type: 'roundrobin' },
  ];
  for (const raw of bad) test(`refuses ${JSON.stringify(raw)}`, () => assert.throws(() => parseStrategies([raw], []), invalid));
  test('at most five', () => assert.throws(() => parseStrategies(Array(6).fill({ type: 'random' }), []), invalid));
});

describe('placement constraints', () => {
  test('distinctInstance and memberOf', () => {
    const [d, m] = parseConstraints([{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:stack == prod' }]);
    assert.deepEqual(d, { type: 'distinctInstance' });
    assert.equal(m?.type, 'memberOf');
    if (m?.type !== 'memberOf') return;
    assert.equal(m.query({ ec2InstanceId: 'i', agentConnected: true, attributes: new Map([['stack', 'prod']]) }), true);
  });
  const bad: object[] = [
    { type: 'memberOf' },
    { type: 'memberOf', expression: 'nonsense' },
    { type: 'distinctInstance', expression: 'x == y' },
    { type: 'sameHost' },
  ];
  for (const raw of bad) test(`refuses ${JSON.stringify(raw)}`, () => assert.throws(() => parseConstraints([raw]), invalid));
  test('at most ten', () => assert.throws(() => parseConstraints(Array(11).fill({ type: 'distinctInstance' })), invalid));
});
