/**
 * The model check of test/support/sdk-clients.ts against a stand-in server: a body with a member the
 * model lacks, a wrong type or an unknown enum value fails the SDK call; a body the model allows
 * passes; an error answer needs its protocol's envelope and only its exception's members.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClustersCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { checkedResponses, ec2Client, ecsClient, elbv2Client, ModelMismatch } from './sdk-clients.js';

describe('SDK clients check every answer against the model', () => {
  let server: Server;
  let url: string;
  let reply: { status: number; type: string; body: string };
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(reply.status, { 'content-type': reply.type, 'x-amzn-requestid': 'r1' }).end(reply.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  const json = (body: unknown, status = 200) => (reply = { status, type: 'application/x-amz-json-1.1', body: JSON.stringify(body) });
  const xml = (body: string) => (reply = { status: 200, type: 'text/xml', body });

  test('ECS JSON: what the model allows passes, and is deserialized as usual', async () => {
    const ecs = ecsClient(url, { maxAttempts: 1 });
    const before = checkedResponses();
    json({
      clusters: [{ clusterName: 'a', status: 'ACTIVE', runningTasksCount: 2, statistics: [], settings: [{ name: 'containerInsights', value: 'disabled' }] }],
      failures: [],
    });
    const r = await ecs.send(new DescribeClustersCommand({ clusters: ['a'] }));
    assert.equal(r.clusters?.[0]?.runningTasksCount, 2);
    assert.equal(checkedResponses(), before + 1);
    ecs.destroy();
  });

  test('ECS JSON: an unknown member, a wrong type, an enum value outside the set, null: each named', async () => {
    const ecs = ecsClient(url, { maxAttempts: 1 });
    json({ clusters: [{ clusterName: 'a', runningTasksCount: '2', bogus: 1, settings: [{ name: 'nope' }], tags: null }] });
    await assert.rejects(ecs.send(new DescribeClustersCommand({})), (e: Error) => {
      assert.ok(e instanceof ModelMismatch, e.message);
      assert.match(e.message, /clusters\[0\]\.runningTasksCount: "2" is not an integer/);
      assert.match(e.message, /clusters\[0\]\.bogus: no such member of Cluster/);
      assert.match(e.message, /settings\[0\]\.name: "nope" is not one of \[containerInsights\]/);
      assert.match(e.message, /tags: null/);
      return true;
    });
    json({ __type: 'ClientException', message: 'no' }, 400);
    await assert.rejects(ecs.send(new ListClustersCommand({})), (e: Error) => e.name === 'ClientException');
    json({ __type: 'ClientException', message: 'no', stack: 'at x.ts:1' }, 400);
    await assert.rejects(ecs.send(new ListClustersCommand({})), /ClientException\.stack: no such member of ClientException/);
    json({ message: 'no type' }, 400);
    await assert.rejects(ecs.send(new ListClustersCommand({})), /no __type/);
    ecs.destroy();
  });

  test('ELBv2 Query XML and EC2 XML: element names, list items, numbers and enums', async () => {
    const elb = elbv2Client(url, { maxAttempts: 1 });
    const ok =
      '<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult><TargetGroups><member><TargetGroupName>web</TargetGroupName><Port>80</Port><Protocol>HTTP</Protocol><LoadBalancerArns/></member></TargetGroups></DescribeTargetGroupsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeTargetGroupsResponse>';
    xml(ok);
    assert.equal((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.[0]?.Port, 80);
    xml(ok.replace('<Port>80</Port>', '<Port>eighty</Port>').replace('HTTP<', 'GOPHER<').replace('<LoadBalancerArns/>', '<Extra>1</Extra>'));
    await assert.rejects(elb.send(new DescribeTargetGroupsCommand({})), (e: Error) => {
      assert.ok(e instanceof ModelMismatch, e.message);
      assert.match(e.message, /TargetGroups\[0\]\.Port: "eighty" is not an integer/);
      assert.match(e.message, /Protocol: "GOPHER" is not one of/);
      assert.match(e.message, /TargetGroups\[0\]\.Extra: no such member of TargetGroup/);
      return true;
    });
    xml(ok.replace('<member>', '<item>').replace('</member>', '</item>'));
    await assert.rejects(elb.send(new DescribeTargetGroupsCommand({})), /list items of TargetGroups are <member>/);
    elb.destroy();

    const ec2 = ec2Client(url, { maxAttempts: 1 });
    const vpcs =
      '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r1</requestId><vpcSet><item><vpcId>vpc-1</vpcId><state>available</state><isDefault>true</isDefault></item></vpcSet></DescribeVpcsResponse>';
    xml(vpcs);
    assert.equal((await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.IsDefault, true);
    xml(vpcs.replace('<isDefault>true', '<isDefault>yes'));
    await assert.rejects(ec2.send(new DescribeVpcsCommand({})), /vpcSet\[0\]\.isDefault: "yes" is not true\/false/);
    ec2.destroy();
  });
});
