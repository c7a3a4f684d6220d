/**
 * PutAttributes, ListAttributes, DeleteAttributes through @aws-sdk/client-ecs, with bad input; and
 * placement's memberOf sees the custom attributes put this way.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import { rejectsWith, startEcsSdkServer, type EcsSdkServer } from '../support/ecs-sdk-server.js';

const register = (client: ecs.ECSClient, ec2Id: string, containerInstanceArn?: string) =>
  client.send(
    new ecs.RegisterContainerInstanceCommand({
      cluster: 'attrs',
      instanceIdentityDocument: JSON.stringify({ instanceId: ec2Id }),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
      ],
      attributes: [
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'rack', value: ec2Id },
      ],
      ...(containerInstanceArn ? { containerInstanceArn } : {}),
    }),
  );

describe('ECS attributes through the AWS SDK v3', () => {
  let server: EcsSdkServer;
  let client: ecs.ECSClient;
  let a: string;
  let b: string;
  before(async () => {
    server = await startEcsSdkServer();
    client = server.client();
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'attrs' }));
    a = (await register(client, 'i-a')).containerInstance!.containerInstanceArn!;
    b = (await register(client, 'i-b')).containerInstance!.containerInstanceArn!;
    await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'pinned', containerDefinitions: [{ name: 'c', image: 'x', memory: 32 }] }));
  });
  after(() => server?.close());

  test('put, list with filters, delete; memberOf places by them; a re-registration keeps them', async () => {
    const bId = b.split('/').pop()!;
    const put = await client.send(
      new ecs.PutAttributesCommand({
        cluster: 'attrs',
        attributes: [
          { name: 'stack', value: 'blue', targetId: bId, targetType: 'container-instance' },
          { name: 'gpu', targetId: b },
        ],
      }),
    );
    assert.deepEqual(put.attributes, [
      { name: 'stack', value: 'blue', targetType: 'container-instance', targetId: b },
      { name: 'gpu', targetType: 'container-instance', targetId: b },
    ]);

    // memberOf sees them, over and over (the random strategy alone would pick i-a about half the time).
    for (let i = 0; i < 6; i++) {
      const run = await client.send(
        new ecs.RunTaskCommand({
          cluster: 'attrs',
          taskDefinition: 'pinned',
          placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == blue and attribute:gpu exists' }],
        }),
      );
      assert.equal(run.tasks?.[0]?.containerInstanceArn, b);
    }
    const none = await client.send(
      new ecs.RunTaskCommand({
        cluster: 'attrs',
        taskDefinition: 'pinned',
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == green' }],
      }),
    );
    assert.deepEqual(
      [none.tasks, none.failures?.map((f) => f.reason)],
      [[], ['MemberOf placement constraint unsatisfied.', 'MemberOf placement constraint unsatisfied.']],
    );
    assert.deepEqual(
      (await client.send(new ecs.ListContainerInstancesCommand({ cluster: 'attrs', filter: 'attribute:stack == blue' }))).containerInstanceArns,
      [b],
    );

    const all = await client.send(new ecs.ListAttributesCommand({ cluster: 'attrs', targetType: 'container-instance' }));
    assert.equal(all.attributes?.length, 6, 'two built-in/registered on each, two put on b');
    const stack = await client.send(
      new ecs.ListAttributesCommand({ cluster: 'attrs', targetType: 'container-instance', attributeName: 'stack', attributeValue: 'blue' }),
    );
    assert.deepEqual(stack.attributes, [{ name: 'stack', value: 'blue', targetType: 'container-instance', targetId: b }]);
    const linux: string[] = [];
    for await (const p of ecs.paginateListAttributes(
      { client, pageSize: 1 },
      { cluster: 'attrs', targetType: 'container-instance', attributeName: 'ecs.os-type' },
    )) {
      linux.push(...p.attributes!.map((x) => x.targetId!));
    }
    assert.deepEqual(linux.sort(), [a, b].sort());

    // The agent re-registers (a restart): what it registers is refreshed, what the API put stays.
    const again = await register(client, 'i-b', b);
    assert.equal(again.containerInstance?.containerInstanceArn, b);
    assert.deepEqual(again.containerInstance?.attributes?.map((x) => x.name).sort(), ['ecs.os-type', 'gpu', 'rack', 'stack']);

    const del = await client.send(new ecs.DeleteAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'stack', targetId: b }] }));
    assert.deepEqual(del.attributes, [{ name: 'stack', targetType: 'container-instance', targetId: b }]);
    const left = await client.send(new ecs.DescribeContainerInstancesCommand({ cluster: 'attrs', containerInstances: [b] }));
    assert.deepEqual(left.containerInstances?.[0]?.attributes?.map((x) => x.name).sort(), ['ecs.os-type', 'gpu', 'rack']);
    const after = await register(client, 'i-b', b);
    assert.deepEqual(after.containerInstance?.attributes?.map((x) => x.name).sort(), ['ecs.os-type', 'gpu', 'rack'], 'a deleted one does not come back');
  });

  test('bad input is refused with the field named', async () => {
    const aId = a.split('/').pop()!;
    await rejectsWith(client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [] })), ecs.InvalidParameterException, /attributes/);
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'x', value: 'y', targetId: aId }] })),
      ecs.InvalidParameterException,
      /targetType is required/,
    );
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'x', value: 'y' }] })),
      ecs.InvalidParameterException,
      /targetId is required/,
    );
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'bad name', value: 'y', targetId: a }] })),
      ecs.InvalidParameterException,
      /attribute name bad name/,
    );
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'x', value: ' y', targetId: a }] })),
      ecs.InvalidParameterException,
      /value  y/,
    );
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'ecs.os-type', value: 'windows', targetId: a }] })),
      ecs.InvalidParameterException,
      /only custom attributes/,
    );
    await rejectsWith(
      client.send(
        new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'x', value: 'y', targetId: 'f'.repeat(32), targetType: 'container-instance' }] }),
      ),
      ecs.TargetNotFoundException,
    );
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'x', value: 'y', targetId: a.replace('/attrs/', '/other/') }] })),
      ecs.TargetNotFoundException,
    );
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'ghost', attributes: [{ name: 'x', value: 'y', targetId: a }] })),
      ecs.ClusterNotFoundException,
    );
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `k${i}`, value: 'v', targetId: a }));
    await rejectsWith(client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: eleven })), ecs.InvalidParameterException, /at most 10/);
    // `rack` is custom too: nine more make eleven custom attributes on one instance.
    await rejectsWith(
      client.send(new ecs.PutAttributesCommand({ cluster: 'attrs', attributes: eleven.slice(0, 10) })),
      ecs.AttributeLimitExceededException,
      /You can apply up to 10 custom attributes for each resource/,
    );
    await rejectsWith(
      client.send(new ecs.ListAttributesCommand({ cluster: 'attrs', targetType: 'container-instance', attributeValue: 'blue' })),
      ecs.InvalidParameterException,
      /attributeValue/,
    );
    await rejectsWith(
      client.send(new ecs.ListAttributesCommand({ cluster: 'attrs', targetType: 'task' as ecs.TargetType })),
      ecs.InvalidParameterException,
      /targetType/,
    );
    await rejectsWith(
      client.send(new ecs.DeleteAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'ecs.os-type', targetId: a }] })),
      ecs.InvalidParameterException,
      /only custom attributes can be deleted/,
    );
  });
});
