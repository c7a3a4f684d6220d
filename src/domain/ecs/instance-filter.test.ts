import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilter, parseInstanceFilter } from './instance-filter.js';
import { AwsError } from '../aws-error.js';

const instance = {
  ec2InstanceId: 'i-1',
  agentConnected: true,
  attributes: [
    { name: 'ecs.availability-zone', value: 'us-east-1a' },
    { name: 'stack', value: 'prod' },
  ],
};

describe('instance filter', () => {
  const cases: [string, boolean][] = [
    ['attribute:stack == prod', true],
    ['attribute:stack == dev', false],
    ['attribute:stack != dev', true],
    ['attribute:ecs.availability-zone == us-east-1a and ec2InstanceId == i-1', true],
    ['attribute:stack == prod and ec2InstanceId == i-2', false],
    ['attribute:stack exists', true],
    ['attribute:gpu exists', false],
    ['agentConnected == false', false],
    ['ec2InstanceId != i-2', true],
  ];
  for (const [expr, want] of cases) test(expr, () => assert.equal(matchesFilter(parseInstanceFilter(expr), instance), want));
  // The full cluster query language is tested in cluster-query.test.ts.
  const more: [string, boolean][] = [
    ['attribute:stack in [dev, prod]', true],
    ['not(attribute:stack == prod) or agentConnected == true', true],
  ];
  for (const [expr, want] of more) test(expr, () => assert.equal(matchesFilter(parseInstanceFilter(expr), instance), want));
  test('task terms need a caller that supplies the tasks', () => {
    const withTasks = { ...instance, runningTasksCount: 2, groupCounts: new Map([['service:web', 1]]) };
    assert.equal(matchesFilter(parseInstanceFilter('runningTasksCount > 1 and task:group == service:web', { withTasks: true }), withTasks), true);
  });
  for (const expr of ['attribute:x ==', 'garbage', 'attribute:x ~= y', 'runningTasksCount > 1', 'task:group == service:web'])
    test(`refuses ${expr}`, () =>
      assert.throws(
        () => parseInstanceFilter(expr),
        (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException',
      ));
});
