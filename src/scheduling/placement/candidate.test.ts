import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { candidatesOf } from './candidate.js';
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';

const instance = (id: string): ContainerInstanceRecord =>
  ({
    containerInstanceArn: `arn:ci/${id}`,
    id,
    ec2InstanceId: `i-${id}`,
    status: 'ACTIVE',
    agentConnected: true,
    attributes: [{ name: 'ecs.availability-zone', value: 'us-east-1a' }, { name: 'flag' }],
    registeredAt: 1,
    registeredResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22'] },
    ],
  }) as ContainerInstanceRecord;
const task = (on: string, group: string, lastStatus: TaskRecord['lastStatus'], desiredStatus: TaskRecord['desiredStatus'] = 'RUNNING') =>
  ({ containerInstanceId: on, group, lastStatus, desiredStatus, reservation: { cpu: 100, memory: 200, ports: [80], portsUdp: [] } }) as unknown as TaskRecord;

describe('candidatesOf', () => {
  test('capacity, group counts and running count come from the live tasks on each instance', () => {
    const [a, b] = candidatesOf(
      [instance('a'), instance('b')],
      [
        task('a', 'service:web', 'RUNNING'),
        task('a', 'service:web', 'PENDING'),
        task('a', 'service:web', 'STOPPED'),
        task('a', 'family:x', 'RUNNING', 'STOPPED'),
        task('b', 'family:x', 'PROVISIONING'),
      ],
    );
    assert.deepEqual([a!.capacity.cpu, a!.capacity.memory, [...a!.capacity.ports].sort()], [1024 - 300, 2048 - 600, [22, 80]]);
    assert.deepEqual([...a!.groupCounts], [['service:web', 2]], 'stopped or stopping tasks do not count');
    assert.equal(a!.runningTasksCount, 2);
    assert.deepEqual([...b!.groupCounts], [['family:x', 1]]);
    assert.equal(b!.runningTasksCount, 0);
    assert.deepEqual(
      [...a!.attributes],
      [
        ['ecs.availability-zone', 'us-east-1a'],
        ['flag', undefined],
      ],
    );
  });
});
