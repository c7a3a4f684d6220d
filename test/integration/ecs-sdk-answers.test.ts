/**
 * ECS's answers, exactly (issue 10): regional cluster names, ListTaskDefinitions' familyPrefix,
 * `tags` only when asked for or set, DescribeContainerInstances with nothing to describe. Through
 * @aws-sdk/client-ecs against the real API server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import { rejectsWith, startEcsSdkServer, type EcsSdkServer } from '../support/ecs-sdk-server.js';
import { keys } from '../../src/domain/keys.js';

const instance = (id: string) => ({
  instanceIdentityDocument: JSON.stringify({ instanceId: id }),
  totalResources: [
    { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
  ],
});

describe('ECS answers as AWS does', () => {
  let server: EcsSdkServer;
  let east: ecs.ECSClient;
  let west: ecs.ECSClient;
  before(async () => {
    server = await startEcsSdkServer();
    east = server.client('us-east-1');
    west = server.client('eu-west-1');
  });
  after(() => server?.close());

  test('the same cluster name in two regions is two clusters, each with its region in its ARNs', async () => {
    const a = await east.send(new ecs.CreateClusterCommand({ clusterName: 'same' }));
    const b = await west.send(new ecs.CreateClusterCommand({ clusterName: 'same', tags: [{ key: 'r', value: 'west' }] }));
    assert.equal(a.cluster?.clusterArn, 'arn:aws:ecs:us-east-1:000000000000:cluster/same');
    assert.equal(b.cluster?.clusterArn, 'arn:aws:ecs:eu-west-1:000000000000:cluster/same');
    assert.deepEqual((await east.send(new ecs.ListClustersCommand({}))).clusterArns, [a.cluster?.clusterArn]);
    assert.deepEqual((await west.send(new ecs.ListClustersCommand({}))).clusterArns, [b.cluster?.clusterArn]);
    // The server's own region keeps the bare name as its store key (agents, controllers, old data dirs).
    assert.ok(await server.store.get(keys.cluster('same')));
    assert.ok(await server.store.get(keys.cluster('same@eu-west-1')));

    // What is in one is not in the other.
    await east.send(new ecs.RegisterTaskDefinitionCommand({ family: 'r', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] }));
    const ci = await west.send(new ecs.RegisterContainerInstanceCommand({ cluster: 'same', ...instance('i-west') }));
    assert.match(ci.containerInstance?.containerInstanceArn ?? '', /^arn:aws:ecs:eu-west-1:000000000000:container-instance\/same\/[0-9a-f]{32}$/);
    assert.deepEqual((await east.send(new ecs.ListContainerInstancesCommand({ cluster: 'same' }))).containerInstanceArns, []);
    const run = await west.send(new ecs.RunTaskCommand({ cluster: 'same', taskDefinition: 'r' }));
    assert.match(run.tasks?.[0]?.taskArn ?? '', /^arn:aws:ecs:eu-west-1:000000000000:task\/same\/[0-9a-f]{32}$/);
    assert.equal(run.tasks?.[0]?.clusterArn, b.cluster?.clusterArn);
    await rejectsWith(
      east.send(new ecs.RunTaskCommand({ cluster: 'same', taskDefinition: 'r' })),
      ecs.InvalidParameterException,
      'No Container Instances were found in your cluster.',
    );
    assert.deepEqual((await east.send(new ecs.ListTasksCommand({ cluster: 'same' }))).taskArns, []);
    assert.equal((await west.send(new ecs.ListTasksCommand({ cluster: 'same' }))).taskArns?.length, 1);
    const west1 = (await west.send(new ecs.DescribeClustersCommand({ clusters: ['same'] }))).clusters?.[0];
    assert.deepEqual([west1?.registeredContainerInstancesCount, west1?.pendingTasksCount], [1, 1]);
    const east1 = (await east.send(new ecs.DescribeClustersCommand({ clusters: ['same'] }))).clusters?.[0];
    assert.deepEqual([east1?.registeredContainerInstancesCount, east1?.pendingTasksCount], [0, 0]);

    // Another region's ARN names no cluster here; tags follow the ARN's region.
    const d = await east.send(new ecs.DescribeClustersCommand({ clusters: [b.cluster!.clusterArn!] }));
    assert.deepEqual(d.failures, [{ arn: b.cluster?.clusterArn, reason: 'MISSING' }]);
    await rejectsWith(east.send(new ecs.ListServicesCommand({ cluster: b.cluster!.clusterArn! })), ecs.ClusterNotFoundException, 'Cluster not found.');
    assert.deepEqual((await east.send(new ecs.ListTagsForResourceCommand({ resourceArn: b.cluster!.clusterArn! }))).tags, [{ key: 'r', value: 'west' }]);
    assert.deepEqual((await east.send(new ecs.ListTagsForResourceCommand({ resourceArn: a.cluster!.clusterArn! }))).tags, []);
  });

  test('tags are in an answer only when the request set them or asked with include=TAGS', async () => {
    const plain = await east.send(new ecs.CreateClusterCommand({ clusterName: 'plain' }));
    assert.equal(plain.cluster?.tags, undefined);
    const tagged = await east.send(new ecs.CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'k', value: 'v' }] }));
    assert.deepEqual(tagged.cluster?.tags, [{ key: 'k', value: 'v' }]);
    const d = await east.send(new ecs.DescribeClustersCommand({ clusters: ['plain', 'tagged'] }));
    assert.deepEqual(
      d.clusters?.map((c) => c.tags),
      [undefined, undefined],
    );
    const withTags = await east.send(new ecs.DescribeClustersCommand({ clusters: ['tagged'], include: ['TAGS'] }));
    assert.deepEqual(withTags.clusters?.[0]?.tags, [{ key: 'k', value: 'v' }]);

    const td = await east.send(new ecs.RegisterTaskDefinitionCommand({ family: 'nt', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] }));
    assert.equal(td.tags, undefined);
    assert.equal((await east.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'nt' }))).tags, undefined);
    const tdt = await east.send(
      new ecs.RegisterTaskDefinitionCommand({ family: 'nt', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }], tags: [{ key: 't', value: '1' }] }),
    );
    assert.deepEqual(tdt.tags, [{ key: 't', value: '1' }]);

    const svc = await east.send(new ecs.CreateServiceCommand({ cluster: 'plain', serviceName: 's', taskDefinition: 'nt', desiredCount: 0 }));
    assert.equal(svc.service?.tags, undefined);
    const svct = await east.send(
      new ecs.CreateServiceCommand({ cluster: 'plain', serviceName: 't', taskDefinition: 'nt', desiredCount: 0, tags: [{ key: 's', value: '2' }] }),
    );
    assert.deepEqual(svct.service?.tags, [{ key: 's', value: '2' }]);
    assert.deepEqual(
      (await east.send(new ecs.DescribeServicesCommand({ cluster: 'plain', services: ['s', 't'] }))).services?.map((s) => s.tags),
      [undefined, undefined],
    );

    await east.send(new ecs.RegisterContainerInstanceCommand({ cluster: 'plain', ...instance('i-plain') }));
    const run = await east.send(new ecs.RunTaskCommand({ cluster: 'plain', taskDefinition: 'nt' }));
    assert.equal(run.tasks?.[0]?.tags, undefined);
    assert.equal((await east.send(new ecs.DescribeTasksCommand({ cluster: 'plain', tasks: [run.tasks![0]!.taskArn!] }))).tasks?.[0]?.tags, undefined);
  });

  test('ListTaskDefinitions familyPrefix is the full family name; ListTaskDefinitionFamilies takes a prefix', async () => {
    for (const family of ['web', 'webapp']) {
      await east.send(new ecs.RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] }));
    }
    const l = await east.send(new ecs.ListTaskDefinitionsCommand({ familyPrefix: 'web' }));
    assert.deepEqual(
      l.taskDefinitionArns?.map((a) => a.split('/')[1]),
      ['web:1'],
    );
    assert.deepEqual((await east.send(new ecs.ListTaskDefinitionsCommand({ familyPrefix: 'we' }))).taskDefinitionArns, []);
    assert.deepEqual((await east.send(new ecs.ListTaskDefinitionFamiliesCommand({ familyPrefix: 'web' }))).families, ['web', 'webapp']);
  });

  test('what the model leaves optional but ECS needs is refused with the member named: a tag key, a resource name and type', async () => {
    // Before, a key-less tag was stored under the key "undefined" and a resource of any type was kept.
    for (const send of [
      () => east.send(new ecs.CreateClusterCommand({ clusterName: 'keyless', tags: [{ value: 'v' }] })),
      () =>
        east.send(
          new ecs.RegisterTaskDefinitionCommand({ family: 'kl', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }], tags: [{ value: 'v' }] }),
        ),
    ]) {
      await rejectsWith(send(), ecs.InvalidParameterException, 'Each tag needs a key (tags.N.key).');
    }
    assert.deepEqual((await east.send(new ecs.DescribeClustersCommand({ clusters: ['keyless'] }))).failures?.[0]?.reason, 'MISSING');
    await rejectsWith(
      east.send(new ecs.RegisterContainerInstanceCommand({ cluster: 'plain', totalResources: [{ name: 'CPU', type: 'NUMBER', integerValue: 1 }] })),
      ecs.InvalidParameterException,
      'totalResources.1.type: must be one of INTEGER, LONG, DOUBLE, STRINGSET.',
    );
    await rejectsWith(
      east.send(new ecs.RegisterContainerInstanceCommand({ cluster: 'plain', totalResources: [{ type: 'INTEGER', integerValue: 1 }] })),
      ecs.InvalidParameterException,
      'totalResources.1.name: a resource needs a name.',
    );
  });

  test('DescribeContainerInstances with an empty list is an error', async () => {
    await rejectsWith(
      east.send(new ecs.DescribeContainerInstancesCommand({ cluster: 'plain', containerInstances: [] })),
      ecs.InvalidParameterException,
      'Container instances cannot be empty.',
    );
  });
});
