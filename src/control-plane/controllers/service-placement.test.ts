import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import { seededRandom } from '../../platform/random.js';
import { deployment, fleet, input, INSTANCE_ARN, service as serviceRecord, taskDefinition, TD1, T0 } from '../../reconciling/scenario.js';
import { reconcileService } from '../../reconciling/reconcile-service.js';
import { daemonInstancesOf, placeStarts, scaleInChooser } from './service-placement.js';
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
    const snap = snapshot(
      [ci('a', 'x'), ci('b', 'y'), ci('c', 'x', { status: 'DRAINING' }), ci('d', 'x', { registeredResources: [] })],
      [{ type: 'memberOf', expression: 'attribute:rack == x' }],
    );
    assert.deepEqual(
      daemonInstancesOf(snap).map((a) => a.split('/').pop()),
      ['a', 'd'],
    );
    assert.deepEqual(daemonInstancesOf(snapshot([ci('a', 'x'), ci('b', 'y')])).length, 2, 'no constraint: every ACTIVE instance');
  });
});

describe('placeStarts with an instance named', () => {
  test('places there, or nowhere: a full instance is an "unable to place" event, not a task elsewhere', () => {
    const snap = snapshot([ci('a', 'x'), ci('b', 'x', { registeredResources: [] })]);
    const start = (instance: string) => ({
      deploymentId: 'ecs-svc/1',
      taskDefinition: TD1,
      count: 1,
      taskIds: [`t-${instance}`],
      startedBy: 'ecs-svc/1',
      group: 'service:web',
      instanceArn: snap.instances.find((r) => r.value.id === instance)!.value.containerInstanceArn,
    });
    const placed = placeStarts(snap, [start('a'), start('b')], T0, seededRandom(1));
    assert.deepEqual(
      placed.tasks.map((t) => [t.taskId, t.containerInstanceId]),
      [['t-a', 'a']],
    );
    assert.equal(placed.failures.length, 1);
    assert.match(placed.failures[0]!, /was unable to place a task/);
  });
});

describe('scaleInChooser: the reconciler scales in in ECS order', () => {
  test('the zone with the most tasks first, though the binpack strategy alone would stop elsewhere', () => {
    const zone = (z: string) => [{ name: 'ecs.availability-zone', value: z }];
    const memory = (mib: number) => [
      { name: 'CPU', type: 'INTEGER' as const, integerValue: 1024 },
      { name: 'MEMORY', type: 'INTEGER' as const, integerValue: mib },
    ];
    const instances = [
      ci('inst1', 'x', { attributes: zone('us-east-1a'), registeredResources: memory(1024) }),
      ci('inst3', 'x', { attributes: zone('us-east-1b'), registeredResources: memory(8192) }),
    ];
    const completed = deployment('ecs-svc/1', TD1, 2, { rolloutState: 'COMPLETED', runningCount: 3 });
    const svc = serviceRecord({ desired: 2, deployments: [completed] }, { placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    const f = fleet('t', 3, 'ecs-svc/1', 'healthy');
    const tasks = [f.tasks[0]!, f.tasks[1]!, { ...f.tasks[2]!, containerInstanceArn: INSTANCE_ARN(3), containerInstanceId: 'inst3', ec2InstanceId: 'i-3' }];
    const targets = [f.targets[0]!, f.targets[1]!, { ...f.targets[2]!, Id: 'i-3' }];
    const snap: ServiceSnapshot = {
      ...snapshot(instances),
      service: { key: '/berth/ecs/services/default/web', value: svc, modRevision: 1, createRevision: 1 },
      clusterTasks: tasks.map((value, i) => ({ key: `/t/${i}`, value, modRevision: 1, createRevision: 1 })),
    };
    const plan = reconcileService({
      ...input(svc, tasks, targets, { now: T0 + 600_000, instances: instances.map((i) => ({ ...i, status: 'ACTIVE' })) }),
      options: { chooseScaleIn: scaleInChooser(snap, seededRandom(3)) },
    });
    assert.equal(plan.stop.length, 1);
    assert.match(plan.stop[0]!.taskArn, /\/t[01]$/, 'a task of zone a (two tasks), not zone b (one)');
  });
});
