import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsError, ecsKit } from './ecs-test-kit.js';
import { keys } from '../../domain/keys.js';
import { registerContainerInstance } from './container-instances.js';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';

async function setup() {
  const k = ecsKit();
  await k.call('CreateCluster', { clusterName: 'c' });
  return k;
}

describe('container instances', () => {
  test('registerContainerInstance keeps the Berth extras in the record, not on the wire', async () => {
    const k = await setup();
    const rec = await k.instance({
      cluster: 'c',
      ec2InstanceId: 'i-0abc',
      advertiseAddress: '127.0.0.1',
      attributes: [{ name: 'stack', value: 'prod' }],
      versionInfo: { agentVersion: '0.1.0' },
    });
    assert.match(rec.containerInstanceArn, /^arn:aws:ecs:us-east-1:000000000000:container-instance\/c\/[0-9a-f]{32}$/);
    assert.equal(rec.advertiseAddress, '127.0.0.1');
    const stored = await k.store.get<ContainerInstanceRecord>(keys.containerInstance('c', rec.id));
    assert.equal(stored?.value.advertiseAddress, '127.0.0.1');
    const d = (await k.call('DescribeContainerInstances', { cluster: 'c', containerInstances: [rec.containerInstanceArn] })).containerInstances[0];
    assert.deepEqual([d.ec2InstanceId, d.status, d.agentConnected, d.runningTasksCount, d.pendingTasksCount], ['i-0abc', 'ACTIVE', true, 0, 0]);
    for (const internal of ['advertiseAddress', 'id', 'clusterName', 'placementVersion']) assert.equal(internal in d, false);
    assert.deepEqual(d.registeredResources, d.remainingResources);
  });

  test('re-registration by ec2InstanceId or ARN keeps the id', async () => {
    const k = await setup();
    const a = await k.instance({ cluster: 'c', ec2InstanceId: 'i-1' });
    const again = await k.instance({ cluster: 'c', ec2InstanceId: 'i-1' });
    assert.equal(again.id, a.id);
    assert.equal(again.version, a.version + 1);
    const byArn = await k.instance({ cluster: 'c', ec2InstanceId: 'i-1', containerInstanceArn: a.containerInstanceArn });
    assert.equal(byArn.id, a.id);
    await assert.rejects(registerContainerInstance(k.store, { cluster: 'x' }, k.ctx(), k.random), awsError('ClusterNotFoundException'));
  });

  test('RegisterContainerInstance over the handler: identity document, default PORTS', async () => {
    const k = await setup();
    const r = await k.call('RegisterContainerInstance', {
      cluster: 'c',
      instanceIdentityDocument: JSON.stringify({ instanceId: 'i-doc' }),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
      ],
      advertiseAddress: '10.9.9.9',
    });
    assert.equal(r.containerInstance.ec2InstanceId, 'i-doc');
    const ports = r.containerInstance.registeredResources.find((x: { name: string }) => x.name === 'PORTS');
    assert.deepEqual(ports.stringSetValue, ['22', '2375', '2376', '51678', '51679']);
    const id = r.containerInstance.containerInstanceArn.split('/').pop();
    const stored = await k.store.get<ContainerInstanceRecord>(keys.containerInstance('c', id));
    assert.equal(stored?.value.advertiseAddress, undefined, 'the wire cannot set Berth extras');
  });

  test('remainingResources and counts follow the tasks; dynamic ports are never listed', async () => {
    const k = await setup();
    const ci = await k.instance({ cluster: 'c' });
    await k.taskDefinition('web', { cpu: 100, memory: 200, portMappings: [{ containerPort: 80 }, { containerPort: 81, hostPort: 9001 }] });
    const t = (await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' })).tasks[0];
    const id = t.taskArn.split('/').pop();
    const rec = await k.store.get<Record<string, unknown>>(keys.task('c', id));
    await k.store.put(keys.task('c', id), { ...rec!.value, lastStatus: 'RUNNING' });
    const d = await k.call('DescribeContainerInstances', { cluster: 'c', containerInstances: [ci.id, 'nope'] });
    const r = Object.fromEntries(
      d.containerInstances[0].remainingResources.map((x: { name: string; integerValue?: number; stringSetValue?: string[] }) => [
        x.name,
        x.integerValue ?? x.stringSetValue,
      ]),
    );
    assert.deepEqual(r, { CPU: 924, MEMORY: 824, PORTS: ['22', '2375', '2376', '9001', '51678', '51679'], PORTS_UDP: [] });
    assert.equal(d.containerInstances[0].runningTasksCount, 1);
    assert.deepEqual(d.failures, [{ arn: 'arn:aws:ecs:us-east-1:000000000000:container-instance/c/nope', reason: 'MISSING' }]);
  });

  test('ListContainerInstances: status and filter', async () => {
    const k = await setup();
    const a = await k.instance({ cluster: 'c', ec2InstanceId: 'i-a', attributes: [{ name: 'stack', value: 'prod' }] });
    const b = await k.instance({ cluster: 'c', ec2InstanceId: 'i-b' });
    await k.call('UpdateContainerInstancesState', { cluster: 'c', containerInstances: [b.id], status: 'DRAINING' });
    const list = async (f: object) => (await k.call('ListContainerInstances', { cluster: 'c', ...f })).containerInstanceArns.sort();
    assert.deepEqual(await list({}), [a.containerInstanceArn, b.containerInstanceArn].sort());
    assert.deepEqual(await list({ status: 'DRAINING' }), [b.containerInstanceArn]);
    assert.deepEqual(await list({ filter: 'attribute:stack == prod' }), [a.containerInstanceArn]);
    assert.deepEqual(await list({ filter: 'ec2InstanceId == i-b' }), [b.containerInstanceArn]);
    await assert.rejects(list({ filter: 'task:group == x' }), awsError('InvalidParameterException'));
    const first = await k.call('ListContainerInstances', { cluster: 'c', maxResults: 1 });
    assert.equal(first.containerInstanceArns.length, 1);
    const second = await k.call('ListContainerInstances', { cluster: 'c', maxResults: 1, nextToken: first.nextToken });
    assert.equal(second.nextToken, undefined);
    assert.deepEqual([...first.containerInstanceArns, ...second.containerInstanceArns].sort(), [a.containerInstanceArn, b.containerInstanceArn].sort());
  });

  test('UpdateContainerInstancesState: DRAINING takes no new tasks; back to ACTIVE does', async () => {
    const k = await setup();
    const a = await k.instance({ cluster: 'c' });
    await k.taskDefinition();
    const r = await k.call('UpdateContainerInstancesState', { cluster: 'c', containerInstances: [a.containerInstanceArn, 'zz'], status: 'DRAINING' });
    assert.equal(r.containerInstances[0].status, 'DRAINING');
    assert.deepEqual(r.failures, [{ arn: 'arn:aws:ecs:us-east-1:000000000000:container-instance/c/zz', reason: 'MISSING' }]);
    assert.equal((await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' })).tasks.length, 0);
    await k.call('UpdateContainerInstancesState', { cluster: 'c', containerInstances: [a.id], status: 'ACTIVE' });
    assert.equal((await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' })).tasks.length, 1);
    await assert.rejects(
      k.call('UpdateContainerInstancesState', { cluster: 'c', containerInstances: [a.id], status: 'INACTIVE' }),
      awsError('InvalidParameterException'),
    );
  });

  test('DeregisterContainerInstance needs force while tasks run', async () => {
    const k = await setup();
    const a = await k.instance({ cluster: 'c' });
    await k.taskDefinition();
    await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' });
    await assert.rejects(k.call('DeregisterContainerInstance', { cluster: 'c', containerInstance: a.id }), awsError('InvalidParameterException'));
    const d = await k.call('DeregisterContainerInstance', { cluster: 'c', containerInstance: a.containerInstanceArn, force: true });
    assert.equal(d.containerInstance.status, 'INACTIVE');
    assert.deepEqual((await k.call('ListContainerInstances', { cluster: 'c' })).containerInstanceArns, []);
    await assert.rejects(k.call('DeregisterContainerInstance', { cluster: 'c', containerInstance: a.id, force: true }), awsError('InvalidParameterException'));
  });
});
