import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsError, ecsKit } from './ecs-test-kit.js';

describe('tags', () => {
  test('tag, list and untag every kind of resource', async () => {
    const k = ecsKit();
    const cluster = (await k.call('CreateCluster', { clusterName: 'c' })).cluster.clusterArn;
    const td = (await k.taskDefinition()).taskDefinitionArn;
    const svc = (await k.call('CreateService', { cluster: 'c', serviceName: 's', taskDefinition: 'web' })).service.serviceArn;
    const ci = (await k.instance({ cluster: 'c' })).containerInstanceArn;
    const task = (await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' })).tasks[0].taskArn;
    for (const arn of [cluster, td, svc, ci, task]) {
      await k.call('TagResource', {
        resourceArn: arn,
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      });
      await k.call('TagResource', { resourceArn: arn, tags: [{ key: 'a', value: '3' }] });
      await k.call('UntagResource', { resourceArn: arn, tagKeys: ['b', 'zz'] });
      assert.deepEqual((await k.call('ListTagsForResource', { resourceArn: arn })).tags, [{ key: 'a', value: '3' }], arn);
    }
  });

  test('missing resources get the right errors', async () => {
    const k = ecsKit();
    await k.call('CreateCluster', { clusterName: 'c' });
    const a = 'arn:aws:ecs:us-east-1:000000000000';
    const tags = [{ key: 'a', value: '1' }];
    await assert.rejects(k.call('TagResource', { resourceArn: `${a}:cluster/nope`, tags }), awsError('ClusterNotFoundException', 'Cluster not found.'));
    await assert.rejects(k.call('TagResource', { resourceArn: `${a}:service/c/nope`, tags }), awsError('ResourceNotFoundException'));
    await assert.rejects(k.call('TagResource', { resourceArn: `${a}:task/nope/abc`, tags }), awsError('ClusterNotFoundException'));
    await assert.rejects(k.call('UntagResource', { resourceArn: `${a}:task-definition/x:1`, tagKeys: ['a'] }), awsError('ResourceNotFoundException'));
    await assert.rejects(k.call('ListTagsForResource', { resourceArn: `${a}:container-instance/c/abc` }), awsError('InvalidParameterException'));
    await assert.rejects(k.call('ListTagsForResource', { resourceArn: 'nonsense' }), awsError('InvalidParameterException'));
    await assert.rejects(k.call('TagResource', { resourceArn: `${a}:cluster/c`, tags: [{ key: 'aws:x', value: '1' }] }), awsError('InvalidParameterException'));
  });
});
