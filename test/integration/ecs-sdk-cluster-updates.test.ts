/** UpdateCluster, UpdateClusterSettings and DeleteTaskDefinitions through @aws-sdk/client-ecs, with bad input. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import { rejectsWith, startEcsSdkServer, type EcsSdkServer } from '../support/ecs-sdk-server.js';

describe('UpdateCluster, UpdateClusterSettings, DeleteTaskDefinitions through the AWS SDK v3', () => {
  let server: EcsSdkServer;
  let client: ecs.ECSClient;
  before(async () => {
    server = await startEcsSdkServer();
    client = server.client();
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'up' }));
  });
  after(() => server?.close());

  test('UpdateClusterSettings and UpdateCluster change what DescribeClusters shows', async () => {
    const s = await client.send(new ecs.UpdateClusterSettingsCommand({ cluster: 'up', settings: [{ name: 'containerInsights', value: 'enabled' }] }));
    assert.deepEqual(s.cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
    const configuration = { executeCommandConfiguration: { logging: 'NONE' as const } };
    const u = await client.send(new ecs.UpdateClusterCommand({ cluster: 'arn:aws:ecs:us-east-1:000000000000:cluster/up', configuration }));
    assert.deepEqual(u.cluster?.configuration, configuration);
    assert.deepEqual(u.cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }], 'settings left alone');
    const d = await client.send(new ecs.DescribeClustersCommand({ clusters: ['up'] }));
    assert.deepEqual([d.clusters?.[0]?.settings, d.clusters?.[0]?.configuration], [[{ name: 'containerInsights', value: 'enabled' }], configuration]);
  });

  test('bad cluster updates are refused with the field named', async () => {
    await rejectsWith(
      client.send(new ecs.UpdateClusterSettingsCommand({ cluster: 'ghost', settings: [{ name: 'containerInsights', value: 'enabled' }] })),
      ecs.ClusterNotFoundException,
      'Cluster not found.',
    );
    await rejectsWith(
      client.send(new ecs.UpdateClusterSettingsCommand({ cluster: 'up', settings: [{ name: 'containerInsights', value: 'loud' }] })),
      ecs.InvalidParameterException,
      /'loud' for the cluster setting containerInsights/,
    );
    await rejectsWith(
      client.send(new ecs.UpdateClusterCommand({ cluster: 'up', settings: [{ name: 'x' as ecs.ClusterSettingName, value: 'enabled' }] })),
      ecs.InvalidParameterException,
      /settings/,
    );
    await rejectsWith(
      client.send(new ecs.UpdateClusterCommand({ cluster: 'up', serviceConnectDefaults: { namespace: 'ns' } })),
      ecs.NamespaceNotFoundException,
      /serviceConnectDefaults/,
    );
    await rejectsWith(
      client.send(new ecs.CreateClusterCommand({ clusterName: 'bad', settings: [{ name: 'containerInsights', value: 'on' }] })),
      ecs.InvalidParameterException,
      /'on'/,
    );
    await rejectsWith(
      client.send(new ecs.CreateClusterCommand({ clusterName: 'cp', capacityProviders: ['FARGATE'] })),
      ecs.InvalidParameterException,
      /capacityProviders/,
    );
    await rejectsWith(
      client.send(new ecs.CreateClusterCommand({ clusterName: 'cp', defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] })),
      ecs.InvalidParameterException,
      /defaultCapacityProviderStrategy/,
    );
    await rejectsWith(
      client.send(new ecs.CreateClusterCommand({ clusterName: 'cp', serviceConnectDefaults: { namespace: 'ns' } })),
      ecs.NamespaceNotFoundException,
      /serviceConnectDefaults/,
    );
    await client.send(new ecs.DeleteClusterCommand({ cluster: 'up' }));
    await rejectsWith(client.send(new ecs.UpdateClusterCommand({ cluster: 'up', settings: [] })), ecs.ClusterNotFoundException);
  });

  test('DeleteTaskDefinitions moves INACTIVE revisions to DELETE_IN_PROGRESS; nothing new starts from them', async () => {
    const def = { family: 'gone', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] };
    await client.send(new ecs.RegisterTaskDefinitionCommand(def));
    const r2 = await client.send(new ecs.RegisterTaskDefinitionCommand(def));
    await client.send(new ecs.DeregisterTaskDefinitionCommand({ taskDefinition: 'gone:1' }));
    const del = await client.send(
      new ecs.DeleteTaskDefinitionsCommand({ taskDefinitions: ['gone:1', r2.taskDefinition!.taskDefinitionArn!, 'gone:9', 'gone'] }),
    );
    assert.deepEqual(
      del.taskDefinitions?.map((t) => [t.revision, t.status]),
      [[1, 'DELETE_IN_PROGRESS']],
    );
    // ECS's deleteRequestedAt: the request's time (the server's clock), a timestamp the SDK reads as a Date.
    assert.equal(del.taskDefinitions?.[0]?.deleteRequestedAt?.getTime(), server.clock.now());
    assert.deepEqual(del.failures, [
      {
        arn: r2.taskDefinition?.taskDefinitionArn,
        reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
      },
      { arn: 'gone:9', reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.' },
      { arn: 'gone', reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.' },
    ]);
    assert.equal((await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'gone:1' }))).taskDefinition?.status, 'DELETE_IN_PROGRESS');
    const listed = await client.send(new ecs.ListTaskDefinitionsCommand({ familyPrefix: 'gone', status: 'DELETE_IN_PROGRESS' }));
    assert.deepEqual(
      listed.taskDefinitionArns?.map((a) => a.split('/')[1]),
      ['gone:1'],
    );
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'run' }));
    await rejectsWith(
      client.send(new ecs.CreateServiceCommand({ cluster: 'run', serviceName: 's', taskDefinition: 'gone:1' })),
      ecs.ClientException,
      /inactive/,
    );
    // The revision number is kept: the next registration is 3.
    assert.equal((await client.send(new ecs.RegisterTaskDefinitionCommand(def))).taskDefinition?.revision, 3);
    await rejectsWith(client.send(new ecs.DeleteTaskDefinitionsCommand({ taskDefinitions: [] })), ecs.InvalidParameterException, /taskDefinitions/);
    await rejectsWith(
      client.send(new ecs.DeleteTaskDefinitionsCommand({ taskDefinitions: Array.from({ length: 11 }, (_, i) => `gone:${i + 1}`) })),
      ecs.InvalidParameterException,
      /at most 10/,
    );
  });
});
