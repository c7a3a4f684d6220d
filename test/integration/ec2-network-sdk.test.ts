/**
 * The EC2 network operations through the real AWS SDK v3 clients against the real API server on
 * 127.0.0.1: VPCs, subnets, default security groups, zones, account attributes and instances, and load
 * balancers built on created subnets. Bad input gets AWS's codes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import * as ec2 from '@aws-sdk/client-ec2';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { keys } from '../../src/domain/keys.js';
import type { ContainerInstanceRecord } from '../../src/domain/ecs/records.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';

const code = (name: string, message?: RegExp) => (e: unknown) => {
  assert.equal((e as { name?: string }).name, name, String((e as Error).message));
  if (message) assert.match((e as Error).message, message);
  return true;
};

describe('EC2 networks through the AWS SDK v3', () => {
  let app: FastifyInstance;
  let ec2c: ec2.EC2Client;
  let west: ec2.EC2Client;
  let lbc: elb.ElasticLoadBalancingV2Client;
  const store = new MemoryStore();

  before(async () => {
    const deps = { store, clock: systemClock, random: seededRandom(5) };
    app = await createApiServer({ handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) } });
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    const cfg = { endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 };
    ec2c = new ec2.EC2Client({ ...cfg, region: 'us-east-1' });
    west = new ec2.EC2Client({ ...cfg, region: 'eu-west-1' });
    lbc = new elb.ElasticLoadBalancingV2Client({ ...cfg, region: 'us-east-1' });
  });
  after(async () => {
    ec2c?.destroy();
    west?.destroy();
    lbc?.destroy();
    await app?.close();
    await store.close();
  });

  test('account attributes and zones describe the default network', async () => {
    const attrs = (await ec2c.send(new ec2.DescribeAccountAttributesCommand({}))).AccountAttributes!;
    const defaultVpc = attrs.find((a) => a.AttributeName === 'default-vpc')!.AttributeValues![0]!.AttributeValue!;
    assert.equal(attrs.find((a) => a.AttributeName === 'supported-platforms')!.AttributeValues![0]!.AttributeValue, 'VPC');
    const vpcs = (await ec2c.send(new ec2.DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
    assert.deepEqual(
      vpcs.map((v) => v.VpcId),
      [defaultVpc],
    );
    const only = (await ec2c.send(new ec2.DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] }))).AccountAttributes!;
    assert.deepEqual(
      only.map((a) => a.AttributeName),
      ['default-vpc'],
    );

    const zones = (await ec2c.send(new ec2.DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    assert.deepEqual(
      zones.map((z) => `${z.ZoneName} ${z.ZoneId} ${z.State}`),
      ['us-east-1a use1-az1 available', 'us-east-1b use1-az2 available', 'us-east-1c use1-az3 available'],
    );
    assert.deepEqual(
      (await west.send(new ec2.DescribeAvailabilityZonesCommand({ ZoneNames: ['eu-west-1b'] }))).AvailabilityZones!.map((z) => z.ZoneId),
      ['euw1-az2'],
    );
    assert.equal(
      (await ec2c.send(new ec2.DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-name', Values: ['*c'] }] }))).AvailabilityZones!.length,
      1,
    );
    await assert.rejects(ec2c.send(new ec2.DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })), code('InvalidParameterValue', /us-east-1z/));
    await assert.rejects(
      ec2c.send(new ec2.DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })),
      code('InvalidParameterValue', /colour/),
    );

    // The default VPC has its `default` group, which lets in only its own members.
    const [def] = (
      await ec2c.send(
        new ec2.DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [defaultVpc] },
            { Name: 'group-name', Values: ['default'] },
          ],
        }),
      )
    ).SecurityGroups!;
    assert.equal(def!.IpPermissions![0]!.UserIdGroupPairs![0]!.GroupId, def!.GroupId);
    await assert.rejects(ec2c.send(new ec2.DeleteSecurityGroupCommand({ GroupId: def!.GroupId })), code('CannotDelete'));
    await assert.rejects(ec2c.send(new ec2.CreateSecurityGroupCommand({ GroupName: 'default', Description: 'x' })), code('InvalidGroup.Reserved'));
    await assert.rejects(ec2c.send(new ec2.DeleteVpcCommand({ VpcId: defaultVpc })), code('OperationNotPermitted'));
  });

  test('a VPC and two subnets carry a load balancer; dependencies block deletes; then everything goes', async () => {
    const vpc = (
      await ec2c.send(
        new ec2.CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'apps' }] }] }),
      )
    ).Vpc!;
    assert.match(vpc.VpcId!, /^vpc-[0-9a-f]{17}$/);
    assert.deepEqual([vpc.IsDefault, vpc.State, vpc.CidrBlock], [false, 'available', '10.1.0.0/16']);
    assert.deepEqual(
      (await ec2c.send(new ec2.DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['apps'] }] }))).Vpcs!.map((v) => v.VpcId),
      [vpc.VpcId],
    );
    assert.deepEqual(
      (await west.send(new ec2.DescribeVpcsCommand({}))).Vpcs!.map((v) => v.IsDefault),
      [true],
      'another region sees only its own default VPC',
    );
    await assert.rejects(west.send(new ec2.DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] })), code('InvalidVpcID.NotFound'));
    const [vpcDefaultGroup] = (await ec2c.send(new ec2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).SecurityGroups!;
    assert.equal(vpcDefaultGroup!.GroupName, 'default');

    // Attributes: one per call, read back by DescribeVpcAttribute.
    const dns = async () =>
      (await ec2c.send(new ec2.DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames!.Value;
    assert.equal(await dns(), false);
    await ec2c.send(new ec2.ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsHostnames: { Value: true } }));
    assert.equal(await dns(), true);
    await assert.rejects(
      ec2c.send(new ec2.ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsHostnames: { Value: true }, EnableDnsSupport: { Value: true } })),
      code('InvalidParameterCombination'),
    );
    await assert.rejects(
      ec2c.send(new ec2.ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsSupport: { Value: false } })),
      code('InvalidParameterCombination'),
    );
    await assert.rejects(
      ec2c.send(new ec2.ModifyVpcAttributeCommand({ VpcId: 'vpc-0000000000000000a', EnableDnsSupport: { Value: true } })),
      code('InvalidVpcID.NotFound'),
    );

    const a = (await ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
    const b = (await ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.2.0/24', AvailabilityZoneId: 'use1-az2' }))).Subnet!;
    assert.deepEqual([a.AvailabilityZone, b.AvailabilityZone, a.AvailableIpAddressCount, a.DefaultForAz], ['us-east-1a', 'us-east-1b', 251, false]);
    const c = (await ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.3.0/24' }))).Subnet!;
    assert.equal(c.AvailabilityZone, 'us-east-1c', 'no zone asked: the emptiest one');
    await assert.rejects(ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.1.128/25' })), code('InvalidSubnet.Conflict'));
    await assert.rejects(ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.2.0.0/24' })), code('InvalidSubnet.Range'));
    await assert.rejects(
      ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.9.0/29', AvailabilityZone: 'us-east-1z' })),
      code('InvalidParameterValue', /availabilityZone/),
    );
    await assert.rejects(ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.9.1/24' })), code('InvalidParameterValue', /cidrBlock/));
    await assert.rejects(ec2c.send(new ec2.CreateSubnetCommand({ VpcId: 'vpc-0000000000000000a', CidrBlock: '10.1.9.0/24' })), code('InvalidVpcID.NotFound'));
    await assert.rejects(ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.9.0/24', DryRun: true })), code('DryRunOperation'));
    const inVpc = (await ec2c.send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).Subnets!;
    assert.deepEqual(
      inVpc.map((s) => s.SubnetId),
      [a.SubnetId, b.SubnetId, c.SubnetId],
    );
    const paged = await ec2c.send(new ec2.DescribeSubnetsCommand({ MaxResults: 5 }));
    assert.deepEqual([paged.Subnets!.length, paged.NextToken], [5, undefined], 'two default subnets and three made: one page');
    await assert.rejects(ec2c.send(new ec2.DescribeSubnetsCommand({ SubnetIds: ['subnet-0000000000000000a'] })), code('InvalidSubnetID.NotFound'));

    // A load balancer on the created subnets is in the new VPC; groups must be in that VPC too.
    const sg = (await ec2c.send(new ec2.CreateSecurityGroupCommand({ GroupName: 'lb', Description: 'lb', VpcId: vpc.VpcId }))).GroupId!;
    const defaultSubnet = (await ec2c.send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets![0]!.SubnetId!;
    await assert.rejects(
      lbc.send(new elb.CreateLoadBalancerCommand({ Name: 'mixed', Subnets: [a.SubnetId!, defaultSubnet] })),
      code('InvalidConfigurationRequestException', /same VPC/),
    );
    await assert.rejects(
      lbc.send(new elb.CreateLoadBalancerCommand({ Name: 'one-zone', Subnets: [a.SubnetId!] })),
      code('InvalidConfigurationRequestException'),
    );
    await assert.rejects(
      lbc.send(new elb.CreateLoadBalancerCommand({ Name: 'ghost', Subnets: [a.SubnetId!, 'subnet-0000000000000000a'] })),
      code('SubnetNotFoundException'),
    );
    await assert.rejects(
      lbc.send(
        new elb.CreateLoadBalancerCommand({
          Name: 'wrong-sg',
          Subnets: [a.SubnetId!, b.SubnetId!],
          SecurityGroups: [vpcDefaultGroup!.GroupId!, 'sg-0000000000000000a'],
        }),
      ),
      code('InvalidSecurityGroupException'),
    );
    const lb = (await lbc.send(new elb.CreateLoadBalancerCommand({ Name: 'apps', Subnets: [a.SubnetId!, b.SubnetId!], SecurityGroups: [sg] })))
      .LoadBalancers![0]!;
    assert.equal(lb.VpcId, vpc.VpcId);
    assert.deepEqual(
      lb.AvailabilityZones!.map((z) => z.SubnetId),
      [a.SubnetId, b.SubnetId],
    );
    const tg = (await lbc.send(new elb.CreateTargetGroupCommand({ Name: 'apps', Protocol: 'HTTP', Port: 80, VpcId: vpc.VpcId }))).TargetGroups![0]!;
    assert.equal(tg.VpcId, vpc.VpcId);
    await assert.rejects(
      lbc.send(new elb.CreateTargetGroupCommand({ Name: 'nowhere', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-0000000000000000a' })),
      code('ValidationError'),
    );

    await assert.rejects(ec2c.send(new ec2.DeleteSubnetCommand({ SubnetId: a.SubnetId })), code('DependencyViolation', /has dependencies/));
    await assert.rejects(ec2c.send(new ec2.DeleteVpcCommand({ VpcId: vpc.VpcId })), code('DependencyViolation', /has dependencies/));
    await lbc.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    for (const s of [a, b, c]) await ec2c.send(new ec2.DeleteSubnetCommand({ SubnetId: s.SubnetId }));
    await assert.rejects(ec2c.send(new ec2.DeleteSubnetCommand({ SubnetId: a.SubnetId })), code('InvalidSubnetID.NotFound'));
    await assert.rejects(ec2c.send(new ec2.DeleteSubnetCommand({ SubnetId: defaultSubnet })), code('OperationNotPermitted'));
    await assert.rejects(ec2c.send(new ec2.DeleteVpcCommand({ VpcId: vpc.VpcId })), code('DependencyViolation'), 'its own group is still there');
    await ec2c.send(new ec2.DeleteSecurityGroupCommand({ GroupId: sg }));
    await ec2c.send(new ec2.DeleteVpcCommand({ VpcId: vpc.VpcId }));
    await assert.rejects(ec2c.send(new ec2.DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] })), code('InvalidVpcID.NotFound'));
    assert.equal(
      (await ec2c.send(new ec2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).SecurityGroups!.length,
      0,
      'its default group went with it',
    );
  });

  test('CreateVpc refuses what Berth cannot do, by name', async () => {
    await assert.rejects(ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), code('InvalidVpc.Range'));
    await assert.rejects(ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/33' })), code('InvalidParameterValue', /cidrBlock/));
    await assert.rejects(ec2c.send(new ec2.CreateVpcCommand({})), code('MissingParameter'));
    await assert.rejects(
      ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true })),
      code('UnsupportedOperation', /AmazonProvidedIpv6CidrBlock/),
    );
    await assert.rejects(
      ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16', InstanceTenancy: 'dedicated' })),
      code('UnsupportedOperation', /InstanceTenancy/),
    );
    await assert.rejects(
      ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'a', Value: 'b' }] }] })),
      code('InvalidParameterValue'),
    );
    await assert.rejects(ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16', DryRun: true })), code('DryRunOperation'));
    assert.equal((await ec2c.send(new ec2.DescribeVpcsCommand({}))).Vpcs!.length, 1, 'none of them made a VPC');
  });

  test("DescribeInstances shows the container instances' hosts", async () => {
    const host = (id: string, cluster: string, region: string, extra: Partial<ContainerInstanceRecord>): ContainerInstanceRecord => ({
      containerInstanceArn: `arn:aws:ecs:${region}:000000000000:container-instance/${cluster}/${id.slice(2)}`,
      ec2InstanceId: id,
      version: 1,
      versionInfo: {},
      registeredResources: [],
      status: 'ACTIVE',
      agentConnected: true,
      attributes: [{ name: 'ecs.availability-zone', value: `${region}b` }],
      registeredAt: 1_700_000_000_000,
      id: id.slice(2),
      clusterName: cluster,
      placementVersion: 0,
      ...extra,
    });
    const up = host('i-0123456789abcdef0', 'web', 'us-east-1', { advertiseAddress: '127.0.0.7' });
    const down = host('i-0123456789abcdef1', 'web', 'us-east-1', { agentConnected: false, registeredAt: 1_700_000_001_000 });
    const elsewhere = host('i-0123456789abcdef2', 'web', 'eu-west-1', {});
    await store.txn({
      compares: [],
      success: [up, down, elsewhere].map((ci) => ({ type: 'put' as const, key: keys.containerInstance(ci.clusterName, ci.id), value: ci })),
    });

    const all = (await ec2c.send(new ec2.DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
    assert.deepEqual(
      all.map((i) => `${i.InstanceId} ${i.State!.Name} ${i.State!.Code} ${i.PrivateIpAddress}`),
      ['i-0123456789abcdef0 running 16 127.0.0.7', 'i-0123456789abcdef1 stopped 80 127.0.0.1'],
    );
    assert.equal(all[0]!.Placement!.AvailabilityZone, 'us-east-1b');
    assert.equal(all[0]!.LaunchTime!.getTime(), 1_700_000_000_000);
    const running = await ec2c.send(new ec2.DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }));
    assert.deepEqual(
      running.Reservations!.map((r) => r.Instances![0]!.InstanceId),
      [up.ec2InstanceId],
    );
    assert.equal((await ec2c.send(new ec2.DescribeInstancesCommand({ InstanceIds: [down.ec2InstanceId] }))).Reservations!.length, 1);
    await assert.rejects(
      ec2c.send(new ec2.DescribeInstancesCommand({ InstanceIds: [elsewhere.ec2InstanceId] })),
      code('InvalidInstanceID.NotFound', /does not exist/),
    );
    await assert.rejects(ec2c.send(new ec2.DescribeInstancesCommand({ InstanceIds: ['web-1'] })), code('InvalidInstanceID.Malformed'));
    await assert.rejects(ec2c.send(new ec2.DescribeInstancesCommand({ MaxResults: 2 })), code('InvalidParameterValue', /maxResults/));
    const west1 = (await west.send(new ec2.DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
    assert.deepEqual(
      west1.map((i) => i.InstanceId),
      [elsewhere.ec2InstanceId],
    );
  });
});
