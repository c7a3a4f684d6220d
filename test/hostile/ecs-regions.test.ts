/**
 * Hostile input against regional clusters: a name or ARN that spells another region's store key
 * (`name@region`, the separator a real cluster name never holds) must not reach that region's
 * cluster, its services, its tags or its service deployments.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import { rejectsWith, startEcsSdkServer, type EcsSdkServer } from '../support/ecs-sdk-server.js';

describe('a cluster of another region cannot be reached by spelling its store key', () => {
  let server: EcsSdkServer;
  let east: ecs.ECSClient;
  let westArn: string;
  before(async () => {
    server = await startEcsSdkServer();
    east = server.client('us-east-1');
    const west = server.client('eu-west-1');
    westArn = (await west.send(new ecs.CreateClusterCommand({ clusterName: 'hidden', tags: [{ key: 'secret', value: 'west' }] }))).cluster!.clusterArn!;
    await west.send(new ecs.RegisterTaskDefinitionCommand({ family: 'h', containerDefinitions: [{ name: 'a', image: 'x', memory: 32 }] }));
    await west.send(new ecs.CreateServiceCommand({ cluster: 'hidden', serviceName: 'svc', taskDefinition: 'h', desiredCount: 0 }));
  });
  after(() => server?.close());

  test('by name, by ARN, through tags and service deployment ARNs', async () => {
    const spelled = 'hidden@eu-west-1';
    const d = await east.send(new ecs.DescribeClustersCommand({ clusters: [spelled, 'hidden%40eu-west-1'] }));
    assert.deepEqual(d.clusters, []);
    assert.deepEqual(
      d.failures?.map((f) => f.reason),
      ['MISSING', 'MISSING'],
    );
    await rejectsWith(east.send(new ecs.ListServicesCommand({ cluster: spelled })), ecs.ClusterNotFoundException);
    await rejectsWith(
      east.send(new ecs.DescribeServicesCommand({ cluster: `arn:aws:ecs:us-east-1:000000000000:cluster/${spelled}`, services: ['svc'] })),
      ecs.ClusterNotFoundException,
    );
    await rejectsWith(east.send(new ecs.DeleteClusterCommand({ cluster: spelled })), ecs.ClusterNotFoundException);
    await rejectsWith(
      east.send(new ecs.ListTagsForResourceCommand({ resourceArn: `arn:aws:ecs:us-east-1:000000000000:cluster/${spelled}` })),
      ecs.ClusterNotFoundException,
    );
    await rejectsWith(
      east.send(new ecs.UpdateClusterSettingsCommand({ cluster: spelled, settings: [{ name: 'containerInsights', value: 'enabled' }] })),
      ecs.ClusterNotFoundException,
    );
    await rejectsWith(east.send(new ecs.ListServiceDeploymentsCommand({ cluster: spelled, service: 'svc' })), ecs.ClusterNotFoundException);
    const sd = await east.send(
      new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [`arn:aws:ecs:us-east-1:000000000000:service-deployment/${spelled}/svc/x`] }),
    );
    assert.deepEqual(
      sd.failures?.map((f) => f.reason),
      ['MISSING'],
    );
    // A key-shaped name cannot be created either (the name rule has no '@').
    await rejectsWith(east.send(new ecs.CreateClusterCommand({ clusterName: spelled })), ecs.InvalidParameterException, /Cluster name/);
    // And the west cluster is untouched.
    const west = server.client('eu-west-1');
    const still = await west.send(new ecs.DescribeClustersCommand({ clusters: [westArn], include: ['TAGS'] }));
    assert.deepEqual([still.clusters?.[0]?.status, still.clusters?.[0]?.tags], ['ACTIVE', [{ key: 'secret', value: 'west' }]]);
  });

  test('ids with path separators name nothing', async () => {
    await east.send(new ecs.CreateClusterCommand({ clusterName: 'plain' }));
    await rejectsWith(
      east.send(
        new ecs.PutAttributesCommand({
          cluster: 'plain',
          attributes: [{ name: 'x', value: 'y', targetType: 'container-instance', targetId: '../../clusters/plain' }],
        }),
      ),
      ecs.TargetNotFoundException,
    );
    const d = await east.send(new ecs.DescribeClustersCommand({ clusters: ['plain/../hidden', '../clusters/plain'] }));
    assert.deepEqual(
      d.failures?.map((f) => f.reason),
      ['MISSING', 'MISSING'],
    );
  });
});
