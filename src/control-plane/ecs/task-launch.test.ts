import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsError, ecsKit } from './ecs-test-kit.js';

async function setup() {
  const k = ecsKit(11);
  await k.call('CreateCluster', { clusterName: 'c' });
  const a = await k.instance({ cluster: 'c', attributes: [{ name: 'stack', value: 'prod' }] });
  const b = await k.instance({ cluster: 'c', attributes: [{ name: 'stack', value: 'dev' }] });
  await k.taskDefinition('web', { cpu: 64, memory: 64 });
  return { k, a, b };
}

describe('RunTask through the placement pipeline', () => {
  test('distinctInstance: one task per instance, then ECS’s failure reason per instance', async () => {
    const { k, a, b } = await setup();
    const r = await k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 3, placementConstraints: [{ type: 'distinctInstance' }] });
    assert.deepEqual(
      r.tasks.map((t: { containerInstanceArn: string }) => t.containerInstanceArn).sort(),
      [a.containerInstanceArn, b.containerInstanceArn].sort(),
    );
    assert.deepEqual(
      r.failures.map((f: { arn: string; reason: string }) => f.reason),
      ['DistinctInstance placement constraint unsatisfied.', 'DistinctInstance placement constraint unsatisfied.'],
    );
  });

  test('memberOf from the request and from the task definition', async () => {
    const { k, a, b } = await setup();
    const r = await k.call('RunTask', {
      cluster: 'c',
      taskDefinition: 'web',
      count: 2,
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == dev' }],
    });
    assert.deepEqual(
      r.tasks.map((t: { containerInstanceArn: string }) => t.containerInstanceArn),
      [b.containerInstanceArn, b.containerInstanceArn],
    );
    await k.taskDefinition('prod-only', { cpu: 64, memory: 64 }, { placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == prod' }] });
    const p = await k.call('RunTask', { cluster: 'c', taskDefinition: 'prod-only', count: 3 });
    assert.deepEqual(new Set(p.tasks.map((t: { containerInstanceArn: string }) => t.containerInstanceArn)), new Set([a.containerInstanceArn]));
    const none = await k.call('RunTask', {
      cluster: 'c',
      taskDefinition: 'prod-only',
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == dev' }],
    });
    assert.deepEqual(none.tasks, []);
    assert.deepEqual(
      none.failures.map((f: { reason: string }) => f.reason),
      ['MemberOf placement constraint unsatisfied.', 'MemberOf placement constraint unsatisfied.'],
    );
  });

  test('binpack(memory) keeps filling the instance already in use', async () => {
    const { k } = await setup();
    const first = await k.call('RunTask', { cluster: 'c', taskDefinition: 'web', placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    const more = await k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 5, placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    for (const t of more.tasks) assert.equal(t.containerInstanceArn, first.tasks[0].containerInstanceArn);
  });

  test('spread(instanceId) balances the group', async () => {
    const { k, a, b } = await setup();
    const r = await k.call('RunTask', {
      cluster: 'c',
      taskDefinition: 'web',
      count: 6,
      group: 'batch',
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    });
    const on = (arn: string) => r.tasks.filter((t: { containerInstanceArn: string }) => t.containerInstanceArn === arn).length;
    assert.deepEqual([on(a.containerInstanceArn), on(b.containerInstanceArn)], [3, 3]);
    assert.equal(r.tasks[0].group, 'batch');
  });

  test('bad constraints and strategies are refused before anything is placed', async () => {
    const { k } = await setup();
    await assert.rejects(
      k.call('RunTask', { cluster: 'c', taskDefinition: 'web', placementStrategy: [{ type: 'binpack', field: 'disk' }] }),
      awsError('InvalidParameterException'),
    );
    await assert.rejects(
      k.call('RunTask', { cluster: 'c', taskDefinition: 'web', placementConstraints: [{ type: 'memberOf', expression: 'attribute:x ~~ y' }] }),
      awsError('InvalidParameterException'),
    );
    assert.deepEqual((await k.call('ListTasks', { cluster: 'c' })).taskArns, []);
  });
});
