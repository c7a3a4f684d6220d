import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsError, ecsKit } from './ecs-test-kit.js';

const def = (family: string, extra: object = {}) => ({
  family,
  containerDefinitions: [{ name: 'app', image: 'nginx', memory: 64 }],
  ...extra,
});

describe('task definitions', () => {
  test('revisions count from 1 per family, with defaults and tags', async () => {
    const k = ecsKit();
    const r1 = await k.call('RegisterTaskDefinition', def('web', { tags: [{ key: 'k', value: 'v' }] }));
    assert.equal(r1.taskDefinition.taskDefinitionArn, 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1');
    assert.equal(r1.taskDefinition.status, 'ACTIVE');
    assert.equal(r1.taskDefinition.networkMode, 'bridge');
    assert.equal(r1.taskDefinition.containerDefinitions[0].essential, true);
    assert.equal(r1.taskDefinition.registeredAt, k.clock.now());
    assert.deepEqual(r1.tags, [{ key: 'k', value: 'v' }]);
    assert.equal((await k.call('RegisterTaskDefinition', def('web'))).taskDefinition.revision, 2);
    assert.equal((await k.call('RegisterTaskDefinition', def('api'))).taskDefinition.revision, 1);
  });

  test('concurrent registrations never share a revision', async () => {
    const k = ecsKit();
    const results = await Promise.all(Array.from({ length: 20 }, () => k.call('RegisterTaskDefinition', def('race'))));
    const revisions = results.map((r) => r.taskDefinition.revision).sort((a, b) => a - b);
    assert.deepEqual(
      revisions,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  test('semantic validation surfaces ECS ClientException messages', async () => {
    const k = ecsKit();
    await assert.rejects(
      k.call('RegisterTaskDefinition', { family: 'x', containerDefinitions: [{ name: 'app', image: 'nginx' }] }),
      awsError('ClientException', "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."),
    );
  });

  test('DescribeTaskDefinition by family (latest ACTIVE), family:rev and ARN; include TAGS', async () => {
    const k = ecsKit();
    await k.call('RegisterTaskDefinition', def('web', { tags: [{ key: 'a', value: '1' }] }));
    await k.call('RegisterTaskDefinition', def('web'));
    await k.call('DeregisterTaskDefinition', { taskDefinition: 'web:2' });
    assert.equal((await k.call('DescribeTaskDefinition', { taskDefinition: 'web' })).taskDefinition.revision, 1);
    const two = await k.call('DescribeTaskDefinition', { taskDefinition: 'web:2' });
    assert.equal(two.taskDefinition.status, 'INACTIVE');
    assert.equal(two.tags, undefined);
    const byArn = await k.call('DescribeTaskDefinition', {
      taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      include: ['TAGS'],
    });
    assert.deepEqual(byArn.tags, [{ key: 'a', value: '1' }]);
    for (const ref of ['nope', 'web:9', 'web:0', 'arn:aws:ecs:us-east-1:000000000000:cluster/web']) {
      await assert.rejects(k.call('DescribeTaskDefinition', { taskDefinition: ref }), awsError('ClientException', 'Unable to describe task definition.'));
    }
  });

  test('DeregisterTaskDefinition sets INACTIVE and deregisteredAt, once', async () => {
    const k = ecsKit();
    await k.call('RegisterTaskDefinition', def('web'));
    k.clock.advance(1000);
    const d = await k.call('DeregisterTaskDefinition', { taskDefinition: 'web:1' });
    assert.equal(d.taskDefinition.status, 'INACTIVE');
    assert.equal(d.taskDefinition.deregisteredAt, k.clock.now());
    k.clock.advance(1000);
    const again = await k.call('DeregisterTaskDefinition', { taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1' });
    assert.equal(again.taskDefinition.deregisteredAt, k.clock.now() - 1000);
    await assert.rejects(k.call('DeregisterTaskDefinition', { taskDefinition: 'web' }), awsError('InvalidParameterException'));
    await assert.rejects(k.call('DeregisterTaskDefinition', { taskDefinition: 'web:5' }), awsError('ClientException'));
  });

  test('ListTaskDefinitions filters, sorts numerically and pages', async () => {
    const k = ecsKit();
    for (let i = 0; i < 11; i++) await k.call('RegisterTaskDefinition', def('web'));
    await k.call('RegisterTaskDefinition', def('api'));
    await k.call('DeregisterTaskDefinition', { taskDefinition: 'web:3' });
    const asc = await k.call('ListTaskDefinitions', { familyPrefix: 'web' });
    assert.deepEqual(
      asc.taskDefinitionArns.map((a: string) => a.split(':').pop()),
      ['1', '2', '4', '5', '6', '7', '8', '9', '10', '11'],
    );
    const desc = await k.call('ListTaskDefinitions', { sort: 'DESC', maxResults: 3 });
    assert.deepEqual(
      desc.taskDefinitionArns.map((a: string) => a.split('/').pop()),
      ['web:11', 'web:10', 'web:9'],
    );
    const next = await k.call('ListTaskDefinitions', { sort: 'DESC', maxResults: 3, nextToken: desc.nextToken });
    assert.deepEqual(
      next.taskDefinitionArns.map((a: string) => a.split('/').pop()),
      ['web:8', 'web:7', 'web:6'],
    );
    const inactive = await k.call('ListTaskDefinitions', { status: 'INACTIVE' });
    assert.deepEqual(
      inactive.taskDefinitionArns.map((a: string) => a.split('/').pop()),
      ['web:3'],
    );
  });

  test('ListTaskDefinitionFamilies by status and prefix', async () => {
    const k = ecsKit();
    await k.call('RegisterTaskDefinition', def('web'));
    await k.call('RegisterTaskDefinition', def('worker'));
    await k.call('RegisterTaskDefinition', def('api'));
    await k.call('DeregisterTaskDefinition', { taskDefinition: 'api:1' });
    assert.deepEqual((await k.call('ListTaskDefinitionFamilies', {})).families, ['web', 'worker']);
    assert.deepEqual((await k.call('ListTaskDefinitionFamilies', { familyPrefix: 'w', maxResults: 1 })).families, ['web']);
    assert.deepEqual((await k.call('ListTaskDefinitionFamilies', { status: 'INACTIVE' })).families, ['api']);
    assert.deepEqual((await k.call('ListTaskDefinitionFamilies', { status: 'ALL' })).families, ['api', 'web', 'worker']);
  });
});
