import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilter, parseInstanceFilter } from './instance-filter.js';
import { AwsError } from '../aws-error.js';

const instance = {
  ec2InstanceId: 'i-1',
  agentConnected: true,
  attributes: [{ name: 'ecs.availability-zone', value: 'us-east-1a' }, { name: 'stack', value: 'prod' }],
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
  for (const expr of ['runningTasksCount > 1', 'attribute:x in [a,b]', 'attribute:x ==', 'garbage'])
    test(`refuses ${expr}`, () => assert.throws(() => parseInstanceFilter(expr), (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException'));
});
