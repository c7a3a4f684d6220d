import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClusterQuery, type QuerySubject } from './cluster-query.js';
import { AwsError } from '../aws-error.js';

const subject: QuerySubject = {
  ec2InstanceId: 'i-0abc',
  agentConnected: true,
  attributes: new Map<string, string | undefined>([
    ['ecs.availability-zone', 'us-east-1a'],
    ['ecs.instance-type', 't2.medium'],
    ['stack', 'prod'],
    ['gpu', undefined],
    ['slots', '12'],
  ]),
  runningTasksCount: 3,
  registeredAt: Date.parse('2024-06-01T00:00:00Z') / 1000,
  groupCounts: new Map([
    ['service:web', 2],
    ['family:batch', 0],
  ]),
};

describe('cluster query language', () => {
  const cases: [string, boolean][] = [
    ['attribute:stack == prod', true],
    ['attribute:stack equals prod', true],
    ['attribute:stack == dev', false],
    ['attribute:stack != dev', true],
    ['attribute:missing != dev', true],
    ['attribute:missing == dev', false],
    ['attribute:stack exists', true],
    ['attribute:gpu exists', true],
    ['attribute:gpu == x', false],
    ['attribute:nope exists', false],
    ['attribute:nope !exists', true],
    ['attribute:stack not_exists', false],
    ['attribute:ecs.instance-type in [t2.small, t2.medium]', true],
    ['attribute:ecs.instance-type in [t2.small,t2.large]', false],
    ['attribute:ecs.instance-type !in [t2.small, t2.large]', true],
    ['attribute:ecs.instance-type not_in (t2.medium)', false],
    ['attribute:ecs.instance-type =~ t2.*', true],
    ['attribute:ecs.instance-type =~ t2', false],
    ['attribute:ecs.instance-type !~ g2.*', true],
    ['attribute:ecs.instance-type matches "t2\\.(medium|large)"', true],
    ['attribute:slots > 9', true],
    ['attribute:slots <= 11', false],
    ['ec2InstanceId == i-0abc', true],
    ['ec2InstanceId != i-0abc', false],
    ['ec2InstanceId in [i-1, i-0abc]', true],
    ['ec2InstanceId =~ i-0.*', true],
    ['agentConnected == true', true],
    ['agentConnected == false', false],
    ['agentConnected != false', true],
    ['runningTasksCount == 3', true],
    ['runningTasksCount > 2', true],
    ['runningTasksCount >= 4', false],
    ['runningTasksCount < 4', true],
    ['runningTasksCount in [1, 3]', true],
    ['registeredAt < 2025-01-01', true],
    ['registeredAt > 2024-06-01T00:00:01Z', false],
    ['registeredAt >= 2024-06-01T00:00:00Z', true],
    ['task:group == service:web', true],
    ['task:group == family:batch', false],
    ['task:group != service:web', false],
    ['task:group in [service:api, service:web]', true],
    ['not(task:group == service:web)', false],
    ['not (attribute:stack == dev)', true],
    ['!(attribute:stack == dev)', true],
    ['attribute:ecs.availability-zone == us-east-1a and ec2InstanceId == i-0abc', true],
    ['attribute:stack == prod and ec2InstanceId == i-2', false],
    ['attribute:stack == dev or ec2InstanceId == i-0abc', true],
    ['attribute:stack == dev || attribute:stack == prod', true],
    ['attribute:stack == prod && agentConnected == false', false],
    // and binds tighter than or
    ['attribute:stack == prod or agentConnected == false and runningTasksCount > 100', true],
    ['(attribute:stack == prod or agentConnected == false) and runningTasksCount > 100', false],
    ['not((attribute:stack == dev or attribute:stack == qa)) and task:group exists', true],
    ['AND_is_a_value_here: attribute:x == and'.slice('AND_is_a_value_here: '.length), false],
  ];
  for (const [expr, want] of cases) test(expr, () => assert.equal(parseClusterQuery(expr)(subject), want));

  const bad = [
    '',
    'garbage',
    'attribute:x ==',
    'attribute: == a',
    'attribute:x ~~ a',
    'attribute:x == a b',
    'attribute:x in [a, b',
    'attribute:x == [a, b]',
    'attribute:x =~ (',
    'runningTasksCount > many',
    'runningTasksCount =~ 1.*',
    'agentConnected == maybe',
    'registeredAt < yesterday',
    'colour == red',
    'not attribute:x == a',
    '(attribute:x == a',
    'attribute:x == a and',
  ];
  for (const expr of bad)
    test(`refuses ${JSON.stringify(expr)}`, () =>
      assert.throws(
        () => parseClusterQuery(expr),
        (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException',
      ));
});

describe('cluster query subjects a caller can supply', () => {
  test('refuses subjects outside the allowed list, accepts the rest', () => {
    const only = { subjects: ['attribute', 'ec2InstanceId'] as const };
    assert.throws(
      () => parseClusterQuery('task:group == service:web', { subjects: [...only.subjects] }),
      (e: unknown) => e instanceof AwsError,
    );
    assert.equal(parseClusterQuery('attribute:stack == prod and ec2InstanceId == i-0abc', { subjects: [...only.subjects] })(subject), true);
  });
});
