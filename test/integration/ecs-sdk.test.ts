/**
 * Every ECS operation Berth serves, driven through the real @aws-sdk/client-ecs against the real API
 * server on 127.0.0.1, backed by a MemoryStore. No agent runs here: tasks stay PROVISIONING, and
 * where the scheduler would move a record on, the test writes that record itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import * as ecs from '@aws-sdk/client-ecs';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { ManualClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { keys } from '../../src/domain/keys.js';
import { ecsClient } from '../support/sdk-clients.js';

const TG_ID = '0123456789abcdef';
const TG = `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-tg/${TG_ID}`;
const LB = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/fedcba9876543210';

describe('ECS through the AWS SDK v3', () => {
  let app: FastifyInstance;
  let client: ecs.ECSClient;
  const store = new MemoryStore();
  const clock = new ManualClock(1_700_000_000_000);

  before(async () => {
    app = await createApiServer({ handlers: { ecs: createEcsHandlers({ store, clock, random: seededRandom(42) }), elbv2: {}, ec2: {} }, clock });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    client = ecsClient(address);
  });
  after(async () => {
    client?.destroy();
    await app?.close();
    await store.close();
  });

  test('clusters', async () => {
    const created = await client.send(new ecs.CreateClusterCommand({ clusterName: 'sdk', tags: [{ key: 'env', value: 'test' }] }));
    assert.equal(created.cluster?.clusterArn, 'arn:aws:ecs:us-east-1:000000000000:cluster/sdk');
    const again = await client.send(new ecs.CreateClusterCommand({ clusterName: 'sdk' }));
    assert.equal(again.cluster?.clusterArn, created.cluster?.clusterArn);
    const d = await client.send(new ecs.DescribeClustersCommand({ clusters: ['sdk', 'ghost'], include: ['TAGS'] }));
    assert.deepEqual(d.clusters?.[0]?.tags, [{ key: 'env', value: 'test' }]);
    assert.deepEqual(d.failures, [{ arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/ghost', reason: 'MISSING' }]);
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'doomed' }));
    const list = await client.send(new ecs.ListClustersCommand({}));
    assert.deepEqual(list.clusterArns?.map((a) => a.split('/')[1]).sort(), ['doomed', 'sdk']);
    const del = await client.send(new ecs.DeleteClusterCommand({ cluster: 'doomed' }));
    assert.equal(del.cluster?.status, 'INACTIVE');
    await assert.rejects(client.send(new ecs.DeleteClusterCommand({ cluster: 'doomed' })), (e: unknown) => {
      assert.ok(e instanceof ecs.ClusterNotFoundException);
      assert.equal(e.message, 'Cluster not found.');
      return true;
    });
    // The paginator follows nextToken until the end.
    const pages: string[] = [];
    for await (const p of ecs.paginateListClusters({ client, pageSize: 1 }, {})) pages.push(...(p.clusterArns ?? []));
    assert.deepEqual(
      pages.map((a) => a.split('/')[1]),
      ['sdk'],
    );
  });

  test('task definitions', async () => {
    const input = {
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'nginx', memory: 64, cpu: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
      tags: [{ key: 'team', value: 'a' }],
    };
    const r1 = await client.send(new ecs.RegisterTaskDefinitionCommand(input));
    assert.equal(r1.taskDefinition?.revision, 1);
    assert.ok(r1.taskDefinition?.registeredAt instanceof Date);
    assert.equal(r1.taskDefinition?.registeredAt?.getTime(), clock.now());
    const r2 = await client.send(new ecs.RegisterTaskDefinitionCommand(input));
    assert.equal(r2.taskDefinition?.revision, 2);
    const d = await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'web', include: ['TAGS'] }));
    assert.equal(d.taskDefinition?.revision, 2);
    assert.equal(d.taskDefinition?.containerDefinitions?.[0]?.essential, true);
    assert.deepEqual(d.tags, [{ key: 'team', value: 'a' }]);
    const dereg = await client.send(new ecs.DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }));
    assert.equal(dereg.taskDefinition?.status, 'INACTIVE');
    assert.ok(dereg.taskDefinition?.deregisteredAt instanceof Date);
    const list = await client.send(new ecs.ListTaskDefinitionsCommand({ familyPrefix: 'web', sort: 'DESC' }));
    assert.deepEqual(
      list.taskDefinitionArns?.map((a) => a.split('/')[1]),
      ['web:1'],
    );
    const fams = await client.send(new ecs.ListTaskDefinitionFamiliesCommand({}));
    assert.deepEqual(fams.families, ['web']);
    await assert.rejects(
      client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'bad', containerDefinitions: [{ name: 'x', image: 'nginx' }] })),
      (e: unknown) => e instanceof ecs.ClientException && /At least one of 'memory' or 'memoryReservation'/.test(e.message),
    );
    await assert.rejects(
      client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })),
      (e: unknown) => e instanceof ecs.ClientException && e.message === 'Unable to describe task definition.',
    );
  });

  test('container instances, tasks and placement', async () => {
    const reg = await client.send(
      new ecs.RegisterContainerInstanceCommand({
        cluster: 'sdk',
        instanceIdentityDocument: JSON.stringify({ instanceId: 'i-0sdk' }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 256 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 512 },
          { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22'] },
          { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
        ],
        versionInfo: { agentVersion: '0.1.0' },
        attributes: [{ name: 'stack', value: 'sdk' }],
      }),
    );
    const ciArn = reg.containerInstance!.containerInstanceArn!;
    assert.equal(reg.containerInstance?.agentConnected, true);
    const listed = await client.send(new ecs.ListContainerInstancesCommand({ cluster: 'sdk', filter: 'attribute:stack == sdk' }));
    assert.deepEqual(listed.containerInstanceArns, [ciArn]);

    const run = await client.send(new ecs.RunTaskCommand({ cluster: 'sdk', taskDefinition: 'web:1', count: 5, startedBy: 'sdk-test' }));
    assert.equal(run.tasks?.length, 4, '256 CPU / 64 per task');
    assert.deepEqual(run.failures, [{ arn: ciArn, reason: 'RESOURCE:CPU' }]);
    const t = run.tasks![0]!;
    assert.equal(t.lastStatus, 'PROVISIONING');
    assert.ok(t.createdAt instanceof Date);
    assert.equal(t.containers?.[0]?.cpu, '64');

    const ci = await client.send(new ecs.DescribeContainerInstancesCommand({ cluster: 'sdk', containerInstances: [ciArn, 'missing'] }));
    const remaining = Object.fromEntries(ci.containerInstances![0]!.remainingResources!.map((r) => [r.name, r.integerValue ?? r.stringSetValue]));
    assert.deepEqual(remaining, { CPU: 0, MEMORY: 256, PORTS: ['22'], PORTS_UDP: [] });
    assert.equal(ci.containerInstances?.[0]?.pendingTasksCount, 4);
    assert.deepEqual(ci.failures, [{ arn: 'arn:aws:ecs:us-east-1:000000000000:container-instance/sdk/missing', reason: 'MISSING' }]);

    const stop = await client.send(new ecs.StopTaskCommand({ cluster: 'sdk', task: t.taskArn!, reason: 'enough' }));
    assert.deepEqual([stop.task?.desiredStatus, stop.task?.stopCode, stop.task?.stoppedReason], ['STOPPED', 'UserInitiated', 'enough']);
    assert.ok(stop.task?.stoppingAt instanceof Date);
    const running = await client.send(new ecs.ListTasksCommand({ cluster: 'sdk', startedBy: 'sdk-test' }));
    assert.equal(running.taskArns?.length, 3);
    const stopped = await client.send(new ecs.ListTasksCommand({ cluster: 'sdk', desiredStatus: 'STOPPED' }));
    assert.deepEqual(stopped.taskArns, [t.taskArn]);
    const desc = await client.send(new ecs.DescribeTasksCommand({ cluster: 'sdk', tasks: [t.taskArn!, 'f'.repeat(32)] }));
    assert.equal(desc.tasks?.[0]?.desiredStatus, 'STOPPED');
    assert.deepEqual(desc.failures, [{ arn: `arn:aws:ecs:us-east-1:000000000000:task/sdk/${'f'.repeat(32)}`, reason: 'MISSING' }]);

    // StartTask on a full instance fails with the resource; after draining, UpdateContainerInstancesState works both ways.
    const start = await client.send(new ecs.StartTaskCommand({ cluster: 'sdk', taskDefinition: 'web:1', containerInstances: [ciArn] }));
    assert.deepEqual(start.failures, [{ arn: ciArn, reason: 'RESOURCE:CPU' }]);
    const drain = await client.send(new ecs.UpdateContainerInstancesStateCommand({ cluster: 'sdk', containerInstances: [ciArn], status: 'DRAINING' }));
    assert.equal(drain.containerInstances?.[0]?.status, 'DRAINING');
    await client.send(new ecs.UpdateContainerInstancesStateCommand({ cluster: 'sdk', containerInstances: [ciArn], status: 'ACTIVE' }));

    // The instance still has tasks: DeregisterContainerInstance needs force.
    await assert.rejects(client.send(new ecs.DeregisterContainerInstanceCommand({ cluster: 'sdk', containerInstance: ciArn })), ecs.InvalidParameterException);
    const gone = await client.send(new ecs.DeregisterContainerInstanceCommand({ cluster: 'sdk', containerInstance: ciArn, force: true }));
    assert.equal(gone.containerInstance?.status, 'INACTIVE');
  });

  test('services, load balancers and waiters', async () => {
    await store.put(keys.targetGroup(TG_ID), { TargetGroupArn: TG, TargetGroupName: 'web-tg', TargetType: 'instance', Port: 80, LoadBalancerArns: [LB] });
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'api',
        containerDefinitions: [{ name: 'app', image: 'nginx', memory: 64, portMappings: [{ containerPort: 8080 }] }],
      }),
    );
    const created = await client.send(
      new ecs.CreateServiceCommand({
        cluster: 'sdk',
        serviceName: 'api',
        taskDefinition: 'api',
        desiredCount: 0,
        loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
        tags: [{ key: 'svc', value: 'api' }],
      }),
    );
    const svc = created.service!;
    assert.equal(svc.deployments?.[0]?.status, 'PRIMARY');
    assert.match(svc.deployments?.[0]?.id ?? '', /^ecs-svc\/\d{19}$/);
    assert.ok(svc.createdAt instanceof Date);
    assert.equal(svc.deploymentConfiguration?.maximumPercent, 200);

    await assert.rejects(
      client.send(new ecs.CreateServiceCommand({ cluster: 'sdk', serviceName: 'api', taskDefinition: 'api', desiredCount: 0 })),
      (e: unknown) => e instanceof ecs.InvalidParameterException && e.message === 'Creation of service was not idempotent.',
    );
    await assert.rejects(
      client.send(
        new ecs.CreateServiceCommand({
          cluster: 'sdk',
          serviceName: 'bad',
          taskDefinition: 'api',
          loadBalancers: [{ targetGroupArn: TG.replace(TG_ID, 'ffffffffffffffff'), containerName: 'app', containerPort: 8080 }],
        }),
      ),
      (e: unknown) => e instanceof ecs.InvalidParameterException && /validate the specified targetGroupArn/.test(e.message),
    );
    await assert.rejects(
      client.send(new ecs.CreateServiceCommand({ cluster: 'ghost', serviceName: 'x', taskDefinition: 'api' })),
      ecs.ClusterNotFoundException,
    );

    // desiredCount 0 with one deployment and runningCount 0 is already stable.
    const stable = await ecs.waitUntilServicesStable({ client, maxWaitTime: 5, minDelay: 1, maxDelay: 1 }, { cluster: 'sdk', services: ['api'] });
    assert.equal(stable.state, 'SUCCESS');

    const updated = await client.send(new ecs.UpdateServiceCommand({ cluster: 'sdk', service: 'api', forceNewDeployment: true }));
    assert.deepEqual(
      updated.service?.deployments?.map((d) => d.status),
      ['PRIMARY', 'ACTIVE'],
    );
    const described = await client.send(new ecs.DescribeServicesCommand({ cluster: 'sdk', services: ['api', 'ghost'], include: ['TAGS'] }));
    assert.deepEqual(described.services?.[0]?.tags, [{ key: 'svc', value: 'api' }]);
    assert.equal(described.failures?.[0]?.reason, 'MISSING');
    assert.deepEqual((await client.send(new ecs.ListServicesCommand({ cluster: 'sdk' }))).serviceArns, [svc.serviceArn]);

    const deleted = await client.send(new ecs.DeleteServiceCommand({ cluster: 'sdk', service: 'api' }));
    assert.equal(deleted.service?.status, 'DRAINING');
    await assert.rejects(
      client.send(new ecs.UpdateServiceCommand({ cluster: 'sdk', service: 'api', desiredCount: 1 })),
      (e: unknown) => e instanceof ecs.ServiceNotActiveException && e.message === 'Service was not ACTIVE.',
    );
    await assert.rejects(client.send(new ecs.UpdateServiceCommand({ cluster: 'sdk', service: 'ghost', desiredCount: 1 })), ecs.ServiceNotFoundException);

    // The scheduler would finish the drain; do its part, then the ServicesInactive waiter passes.
    const rec = await store.get<Record<string, unknown>>(keys.service('sdk', 'api'));
    await store.put(keys.service('sdk', 'api'), { ...rec!.value, status: 'INACTIVE' });
    const inactive = await ecs.waitUntilServicesInactive({ client, maxWaitTime: 5, minDelay: 1, maxDelay: 1 }, { cluster: 'sdk', services: ['api'] });
    assert.equal(inactive.state, 'SUCCESS');
  });

  test('tags', async () => {
    const arn = 'arn:aws:ecs:us-east-1:000000000000:cluster/sdk';
    await client.send(new ecs.TagResourceCommand({ resourceArn: arn, tags: [{ key: 'k', value: 'v' }] }));
    await client.send(new ecs.UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }));
    const t = await client.send(new ecs.ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(t.tags, [{ key: 'k', value: 'v' }]);
    await assert.rejects(
      client.send(new ecs.TagResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:000000000000:service/sdk/ghost', tags: [{ key: 'a', value: 'b' }] })),
      ecs.ResourceNotFoundException,
    );
  });
});
