import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import { seededRandom } from '../../platform/random.js';
import { service as serviceRecord, taskDefinition, TD1, T0 } from '../../reconciling/scenario.js';
import { daemonInstancesOf, placeStarts } from './service-placement.js';
import type { ServiceSnapshot } from './service-snapshot.js';

const ci = (id: string, rack: string, over: Partial<ContainerInstanceRecord> = {}): ContainerInstanceRecord => ({
  containerInstanceArn: `arn:aws:ecs:us-east-1:000000000000:container-instance/default/${id}`,
  ec2InstanceId: `i-${id}`,
  version: 1,
  versionInfo: {},
  registeredResources: [
    { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
  ],
  status: 'ACTIVE',
  agentConnected: true,
  attributes: [{ name: 'rack', value: rack }],
  registeredAt: T0,
  id,
  clusterName: 'default',
  placementVersion: 0,
  ...over,
});

// 512 MiB per task, so an instance without registered memory cannot take one.
const td = { ...taskDefinition(TD1), containerDefinitions: [{ ...taskDefinition(TD1).containerDefinitions[0]!, memory: 512 }] };

function snapshot(instances: ContainerInstanceRecord[], constraints: { type: string; expression?: string }[] = []): ServiceSnapshot {
  const svc = serviceRecord({ lb: false, desired: 0 }, { schedulingStrategy: 'DAEMON', placementConstraints: constraints });
  return {
    key: '/berth/ecs/services/default/web',
    service: { key: '/berth/ecs/services/default/web', value: svc, modRevision: 1, createRevision: 1 },
    clusterName: 'default',
    clusterTasks: [],
    tasks: [],
    targets: new Map(),
    targetGroups: new Map(),
    taskDefinitions: { [TD1]: td },
    instances: instances.map((value, i) => ({ key: `/i/${i}`, value, modRevision: 1, createRevision: 1 })),
  };
}

describe('daemonInstancesOf', () => {
  test('ACTIVE instances matching the memberOf constraints, whatever their free capacity', () => {
    const snap = snapshot([ci('a', 'x'), ci('b', 'y'), ci('c', 'x', { status: 'DRAINING' }), ci('d', 'x', { registeredResources: [] })], [
      { type: 'memberOf', expression: 'attribute:rack == x' },
    ]);
    assert.deepEqual(daemonInstancesOf(snap).map((a) => a.split('/').pop()), ['a', 'd']);
    assert.deepEqual(daemonInstancesOf(snapshot([ci('a', 'x'), ci('b', 'y')])).length, 2, 'no constraint: every ACTIVE instance');
  });
});

describe('placeStarts with an instance named', () => {
  test('places there, or nowhere: a full instance is an "unable to place" event, not a task elsewhere', () => {
    const snap = snapshot([ci('a', 'x'), ci('b', 'x', { registeredResources: [] })]);
    const start = (instance: string) => ({ deploymentId: 'ecs-svc/1', taskDefinition: TD1, count: 1, taskIds: [`t-${instance}`], startedBy: 'ecs-svc/1', group: 'service:web', instanceArn: snap.instances.find((r) => r.value.id === instance)!.value.containerInstanceArn });
    const placed = placeStarts(snap, [start('a'), start('b')], T0, seededRandom(1));
    assert.deepEqual(placed.tasks.map((t) => [t.taskId, t.containerInstanceId]), [['t-a', 'a']]);
    assert.equal(placed.failures.length, 1);
    assert.match(placed.failures[0]!, /was unable to place a task/);
  });
});
