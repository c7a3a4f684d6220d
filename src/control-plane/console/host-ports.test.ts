import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DYNAMIC_RANGE_ATTRIBUTE } from '../../protocols/agent/index.js';
import { hostPortUsage } from './host-ports.js';

const instance = {
  containerInstanceArn: 'ci-1',
  attributes: [
    { name: 'ecs.os-type', value: 'linux' },
    { name: DYNAMIC_RANGE_ATTRIBUTE, value: '20000-20009' },
  ],
  registeredResources: [{ name: 'PORTS', stringSetValue: ['22', '20009'] }],
};
const task = (arn: string, lastStatus: string, ...ports: number[]) => ({
  containerInstanceArn: arn,
  lastStatus,
  containers: [{ networkBindings: ports.map((hostPort) => ({ hostPort })) }],
});

test('live tasks on this instance hold their ports; stopped ones and other instances do not', () => {
  const u = hostPortUsage(instance, [
    task('ci-1', 'RUNNING', 20003, 8080),
    task('ci-1', 'STOPPED', 20004),
    task('ci-2', 'RUNNING', 20005),
    task('ci-1', 'PENDING', 20001),
  ]);
  assert.deepEqual(u.inUse, [8080, 20001, 20003]);
  assert.deepEqual(u.dynamicRange, { low: 20000, high: 20009 });
  // 10 ports, less 20001 and 20003 (tasks) and 20009 (reserved); 8080 is outside the range.
  assert.equal(u.dynamicFree, 7);
});

test('an agent that reported no range: only the ports in use', () => {
  assert.deepEqual(hostPortUsage({ containerInstanceArn: 'ci-1' }, [task('ci-1', 'RUNNING', 80)]), { inUse: [80] });
});
