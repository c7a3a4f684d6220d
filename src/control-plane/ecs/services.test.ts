import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsError, ecsKit } from './ecs-test-kit.js';
import { keys } from '../../domain/keys.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-tg/0123456789abcdef';
const LB = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/fedcba9876543210';

async function setup(tg: object | undefined = { TargetType: 'instance' }) {
  const k = ecsKit();
  await k.call('CreateCluster', { clusterName: 'c' });
  await k.taskDefinition('web');
  if (tg) {
    await k.store.put(keys.targetGroup('0123456789abcdef'), {
      TargetGroupArn: TG,
      TargetGroupName: 'web-tg',
      Port: 80,
      LoadBalancerArns: [LB],
      ...tg,
    });
  }
  return k;
}

const create = (extra: object = {}) => ({ cluster: 'c', serviceName: 'api', taskDefinition: 'web', desiredCount: 2, ...extra });

describe('services', () => {
  test('CreateService fills the ECS defaults and one PRIMARY deployment', async () => {
    const k = await setup();
    const { service: s } = await k.call('CreateService', create({ loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80 }] }));
    assert.equal(s.serviceArn, 'arn:aws:ecs:us-east-1:000000000000:service/c/api');
    assert.equal(s.clusterArn, 'arn:aws:ecs:us-east-1:000000000000:cluster/c');
    assert.equal(s.status, 'ACTIVE');
    assert.equal(s.taskDefinition, 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1');
    assert.deepEqual(s.deploymentConfiguration, {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    });
    assert.deepEqual([s.schedulingStrategy, s.launchType, s.deploymentController.type], ['REPLICA', 'EC2', 'ECS']);
    assert.deepEqual([s.runningCount, s.pendingCount, s.desiredCount], [0, 0, 2]);
    assert.deepEqual(s.events, []);
    assert.equal(s.deployments.length, 1);
    const d = s.deployments[0];
    assert.match(d.id, /^ecs-svc\/\d{19}$/);
    assert.deepEqual([d.status, d.desiredCount, d.runningCount, d.pendingCount, d.rolloutState], ['PRIMARY', 2, 0, 0, 'IN_PROGRESS']);
    assert.equal(d.createdAt, k.clock.now());
    assert.equal('clientToken' in s, false);
  });

  test('CreateService errors: cluster, task definition, idempotency', async () => {
    const k = await setup();
    await assert.rejects(k.call('CreateService', create({ cluster: 'nope' })), awsError('ClusterNotFoundException', 'Cluster not found.'));
    await assert.rejects(k.call('CreateService', create({ taskDefinition: 'nope' })), awsError('ClientException', 'Unable to describe task definition.'));
    await k.taskDefinition('old');
    await k.call('DeregisterTaskDefinition', { taskDefinition: 'old:1' });
    await assert.rejects(k.call('CreateService', create({ taskDefinition: 'old:1' })), awsError('ClientException', 'TaskDefinition is inactive'));
    await k.call('CreateService', create({ clientToken: 't1' }));
    const same = await k.call('CreateService', create({ clientToken: 't1' }));
    assert.equal(same.service.serviceName, 'api');
    await assert.rejects(k.call('CreateService', create()), awsError('InvalidParameterException', 'Creation of service was not idempotent.'));
  });

  test('loadBalancers are checked against the target group and the task definition', async () => {
    const k = await setup();
    const lb = (o: object) => create({ loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80, ...o }] });
    await assert.rejects(
      k.call('CreateService', lb({ targetGroupArn: TG.replace('0123456789abcdef', '1111111111111111') })),
      awsError(
        'InvalidParameterException',
        'Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.',
      ),
    );
    await assert.rejects(
      k.call('CreateService', lb({ containerName: 'db' })),
      awsError('InvalidParameterException', 'The container db does not exist in the task definition.'),
    );
    await assert.rejects(
      k.call('CreateService', lb({ containerPort: 81 })),
      awsError('InvalidParameterException', 'The container app did not have a container port 81 defined.'),
    );
    const ip = await setup({ TargetType: 'ip' });
    await assert.rejects(
      ip.call('CreateService', lb({})),
      awsError('InvalidParameterException', /has target type ip, which is incompatible with the bridge network mode/),
    );
    const orphan = await setup({ TargetType: 'instance', LoadBalancerArns: [] });
    await assert.rejects(orphan.call('CreateService', lb({})), awsError('InvalidParameterException', /does not have an associated load balancer/));
  });

  test('UpdateService: desiredCount resizes PRIMARY; new task definition or force adds a PRIMARY', async () => {
    const k = await setup();
    const { service: s0 } = await k.call('CreateService', create());
    const first = s0.deployments[0].id;
    const resized = (await k.call('UpdateService', { cluster: 'c', service: 'api', desiredCount: 5 })).service;
    assert.equal(resized.deployments.length, 1);
    assert.equal(resized.deployments[0].desiredCount, 5);
    assert.equal(resized.desiredCount, 5);
    await k.taskDefinition('web');
    k.clock.advance(10);
    const rolled = (await k.call('UpdateService', { cluster: 'c', service: s0.serviceArn, taskDefinition: 'web' })).service;
    assert.equal(rolled.taskDefinition.endsWith('web:2'), true);
    assert.deepEqual(
      rolled.deployments.map((d: { status: string }) => d.status),
      ['PRIMARY', 'ACTIVE'],
    );
    assert.equal(rolled.deployments[1].id, first);
    assert.equal(rolled.deployments[0].desiredCount, 5);
    const forced = (
      await k.call('UpdateService', { cluster: 'c', service: 'api', forceNewDeployment: true, deploymentConfiguration: { minimumHealthyPercent: 50 } })
    ).service;
    assert.deepEqual(
      forced.deployments.map((d: { status: string }) => d.status),
      ['PRIMARY', 'ACTIVE', 'ACTIVE'],
    );
    assert.equal(forced.deploymentConfiguration.minimumHealthyPercent, 50);
    assert.equal(forced.deploymentConfiguration.maximumPercent, 200);
    await assert.rejects(
      k.call('UpdateService', { cluster: 'c', service: 'nope', desiredCount: 1 }),
      awsError('ServiceNotFoundException', 'Service not found.'),
    );
  });

  test('DeleteService: needs desiredCount 0 unless force; DRAINING; then not ACTIVE', async () => {
    const k = await setup();
    await k.call('CreateService', create());
    await assert.rejects(
      k.call('DeleteService', { cluster: 'c', service: 'api' }),
      awsError('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.'),
    );
    const { service } = await k.call('DeleteService', { cluster: 'c', service: 'api', force: true });
    assert.equal(service.status, 'DRAINING');
    assert.equal(service.desiredCount, 0);
    await assert.rejects(
      k.call('UpdateService', { cluster: 'c', service: 'api', desiredCount: 1 }),
      awsError('ServiceNotActiveException', 'Service was not ACTIVE.'),
    );
    await assert.rejects(k.call('CreateService', create()), awsError('InvalidParameterException'));
    assert.deepEqual((await k.call('ListServices', { cluster: 'c' })).serviceArns, []);
    const d = await k.call('DescribeServices', { cluster: 'c', services: ['api'] });
    assert.equal(d.services[0].status, 'DRAINING');
    await assert.rejects(k.call('DeleteService', { cluster: 'c', service: 'zzz' }), awsError('ServiceNotFoundException'));
  });

  test('DescribeServices reports MISSING, caps at 10, includes TAGS; ListServices pages', async () => {
    const k = await setup();
    for (const n of ['a', 'b', 'c']) await k.call('CreateService', create({ serviceName: n, tags: [{ key: 'n', value: n }] }));
    const d = await k.call('DescribeServices', { cluster: 'c', services: ['a', 'x'], include: ['TAGS'] });
    assert.equal(d.services.length, 1);
    assert.deepEqual(d.services[0].tags, [{ key: 'n', value: 'a' }]);
    assert.deepEqual(d.failures, [{ arn: 'arn:aws:ecs:us-east-1:000000000000:service/c/x', reason: 'MISSING' }]);
    await assert.rejects(k.call('DescribeServices', { cluster: 'c', services: Array(11).fill('a') }), awsError('InvalidParameterException'));
    await assert.rejects(k.call('DescribeServices', { cluster: 'nope', services: ['a'] }), awsError('ClusterNotFoundException'));
    const p1 = await k.call('ListServices', { cluster: 'c', maxResults: 2 });
    const p2 = await k.call('ListServices', { cluster: 'c', maxResults: 2, nextToken: p1.nextToken });
    assert.deepEqual(
      [...p1.serviceArns, ...p2.serviceArns].map((a: string) => a.split('/').pop()),
      ['a', 'b', 'c'],
    );
  });
});

describe('DAEMON services', () => {
  const daemon = (extra: object = {}) => ({ cluster: 'c', serviceName: 'd', taskDefinition: 'web', schedulingStrategy: 'DAEMON', ...extra });
  const INVALID = 'InvalidParameterException';

  test('CreateService: no desiredCount, no placement strategy, maximumPercent at most 100; defaults 100/0', async () => {
    const k = await setup();
    await assert.rejects(
      k.call('CreateService', daemon({ desiredCount: 1 })),
      awsError(INVALID, 'The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again'),
    );
    await assert.rejects(
      k.call('CreateService', daemon({ placementStrategy: [{ type: 'binpack', field: 'memory' }] })),
      awsError(INVALID, /does not support placement strategies\. Remove the placement strategy and try again$/),
    );
    await assert.rejects(
      k.call('CreateService', daemon({ deploymentConfiguration: { maximumPercent: 150 } })),
      awsError(
        INVALID,
        'The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again',
      ),
    );
    const { service: s } = await k.call('CreateService', daemon({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:rack == a' }] }));
    assert.equal(s.schedulingStrategy, 'DAEMON');
    assert.deepEqual([s.deploymentConfiguration.maximumPercent, s.deploymentConfiguration.minimumHealthyPercent], [100, 0]);
    assert.equal(s.desiredCount, 0, 'derived by the scheduler, from the instances');
  });

  test('UpdateService refuses a desiredCount and placement strategies; DeleteService needs no force', async () => {
    const k = await setup();
    await k.call('CreateService', daemon());
    await assert.rejects(
      k.call('UpdateService', { cluster: 'c', service: 'd', desiredCount: 3 }),
      awsError(INVALID, /^The daemon scheduling strategy does not support a desired count/),
    );
    await assert.rejects(
      k.call('UpdateService', { cluster: 'c', service: 'd', placementStrategy: [{ type: 'random' }] }),
      awsError(INVALID, /placement strategies/),
    );
    await assert.rejects(
      k.call('UpdateService', { cluster: 'c', service: 'd', deploymentConfiguration: { maximumPercent: 200 } }),
      awsError(INVALID, /maximumPercent/),
    );
    const { service: u } = await k.call('UpdateService', {
      cluster: 'c',
      service: 'd',
      deploymentConfiguration: { minimumHealthyPercent: 50 },
      forceNewDeployment: true,
    });
    assert.equal(u.deployments.length, 2);
    assert.deepEqual([u.deploymentConfiguration.maximumPercent, u.deploymentConfiguration.minimumHealthyPercent], [100, 50]);
    // A daemon's desiredCount is the scheduler's: a service with tasks still deletes without force.
    await k.store.put(keys.service('c', 'd'), { ...(await k.store.get<{ desiredCount: number }>(keys.service('c', 'd')))!.value, desiredCount: 2 });
    const { service: deleted } = await k.call('DeleteService', { cluster: 'c', service: 'd' });
    assert.equal(deleted.status, 'DRAINING');
  });
});
