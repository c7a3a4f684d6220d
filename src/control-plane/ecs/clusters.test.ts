import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsError, ecsKit } from './ecs-test-kit.js';

describe('clusters', () => {
  test('CreateCluster is idempotent by name and defaults to "default"', async () => {
    const k = ecsKit();
    const a = await k.call('CreateCluster', { clusterName: 'prod', tags: [{ key: 'team', value: 'a' }] });
    assert.equal(a.cluster.clusterArn, 'arn:aws:ecs:us-east-1:000000000000:cluster/prod');
    assert.equal(a.cluster.status, 'ACTIVE');
    assert.deepEqual(a.cluster.tags, [{ key: 'team', value: 'a' }]);
    assert.equal(a.cluster.registeredContainerInstancesCount, 0);
    const b = await k.call('CreateCluster', { clusterName: 'prod' });
    assert.equal(b.cluster.clusterArn, a.cluster.clusterArn);
    const d = await k.call('CreateCluster', {});
    assert.equal(d.cluster.clusterName, 'default');
    await assert.rejects(k.call('CreateCluster', { clusterName: 'bad name' }), awsError('InvalidParameterException'));
  });

  test('DescribeClusters reports MISSING and counts', async () => {
    const k = ecsKit();
    await k.call('CreateCluster', { clusterName: 'c1' });
    await k.instance({ cluster: 'c1' });
    const td = await k.taskDefinition();
    await k.call('RunTask', { cluster: 'c1', taskDefinition: td.taskDefinitionArn, count: 2 });
    await k.call('CreateService', { cluster: 'c1', serviceName: 's', taskDefinition: 'web', desiredCount: 0 });
    const r = await k.call('DescribeClusters', { clusters: ['c1', 'nope', 'arn:aws:ecs:us-east-1:000000000000:cluster/zzz'], include: ['TAGS'] });
    assert.equal(r.clusters.length, 1);
    const c = r.clusters[0];
    assert.deepEqual([c.registeredContainerInstancesCount, c.pendingTasksCount, c.runningTasksCount, c.activeServicesCount], [1, 2, 0, 1]);
    assert.deepEqual(r.failures, [
      { arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/nope', reason: 'MISSING' },
      { arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/zzz', reason: 'MISSING' },
    ]);
  });

  test('ListClusters pages and hides deleted clusters', async () => {
    const k = ecsKit();
    for (const n of ['a', 'b', 'c']) await k.call('CreateCluster', { clusterName: n });
    await k.call('DeleteCluster', { cluster: 'b' });
    const p1 = await k.call('ListClusters', { maxResults: 1 });
    assert.equal(p1.clusterArns.length, 1);
    assert.ok(p1.nextToken);
    const p2 = await k.call('ListClusters', { maxResults: 1, nextToken: p1.nextToken });
    assert.deepEqual(
      [...p1.clusterArns, ...p2.clusterArns].map((a: string) => a.split('/')[1]),
      ['a', 'c'],
    );
    assert.equal(p2.nextToken, undefined);
    await assert.rejects(k.call('ListClusters', { nextToken: 'garbage' }), awsError('InvalidParameterException'));
  });

  test('DeleteCluster refuses while instances, services or tasks remain, with ECS messages', async () => {
    const k = ecsKit();
    await k.call('CreateCluster', { clusterName: 'c' });
    const ci = await k.instance({ cluster: 'c' });
    await assert.rejects(
      k.call('DeleteCluster', { cluster: 'c' }),
      awsError('ClusterContainsContainerInstancesException', 'The Cluster cannot be deleted while Container Instances are active or draining.'),
    );
    const td = await k.taskDefinition();
    const run = await k.call('RunTask', { cluster: 'c', taskDefinition: td.taskDefinitionArn });
    await k.call('DeregisterContainerInstance', { cluster: 'c', containerInstance: ci.containerInstanceArn, force: true });
    await k.call('CreateService', { cluster: 'c', serviceName: 's', taskDefinition: 'web' });
    await assert.rejects(
      k.call('DeleteCluster', { cluster: 'c' }),
      awsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.'),
    );
    await k.call('DeleteService', { cluster: 'c', service: 's' });
    await assert.rejects(k.call('DeleteCluster', { cluster: 'c' }), awsError('ClusterContainsServicesException'), 'a DRAINING service still holds the cluster');
    // Let the (absent) scheduler finish the service and the agent stop the task.
    const { keys } = await import('../../domain/keys.js');
    const svc = await k.store.get<Record<string, unknown>>(keys.service('c', 's'));
    await k.store.put(keys.service('c', 's'), { ...svc!.value, status: 'INACTIVE' });
    await assert.rejects(
      k.call('DeleteCluster', { cluster: 'c' }),
      awsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.'),
    );
    const taskId = run.tasks[0].taskArn.split('/').pop();
    const t = await k.store.get<Record<string, unknown>>(keys.task('c', taskId));
    await k.store.put(keys.task('c', taskId), { ...t!.value, lastStatus: 'STOPPED' });
    const del = await k.call('DeleteCluster', { cluster: 'c' });
    assert.equal(del.cluster.status, 'INACTIVE');
    await assert.rejects(k.call('DeleteCluster', { cluster: 'c' }), awsError('ClusterNotFoundException', 'Cluster not found.'));
    const again = await k.call('DescribeClusters', { clusters: ['c'] });
    assert.equal(again.clusters[0].status, 'INACTIVE');
    const revived = await k.call('CreateCluster', { clusterName: 'c' });
    assert.equal(revived.cluster.status, 'ACTIVE');
  });
});
