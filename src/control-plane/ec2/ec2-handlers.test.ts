import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, rejects } from '../elbv2/fixture.test-support.js';
import { keys } from '../../domain/keys.js';
import type { SecurityGroupRecord } from '../../domain/ec2/security-group.js';

describe('EC2 security groups', () => {
  test('create, authorize, describe, revoke; the record holds what the data plane reads', async () => {
    const f = fixture();
    const { GroupId } = await f.ec2('CreateSecurityGroup', { GroupName: 'web', Description: 'web' });
    assert.match(GroupId, /^sg-[0-9a-f]{17}$/);
    await rejects(f.ec2('CreateSecurityGroup', { GroupName: 'web', Description: 'again' }), 'InvalidGroup.Duplicate');
    await f.ec2('AuthorizeSecurityGroupIngress', {
      GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '127.0.0.0/8' }] }],
    });
    await f.ec2('AuthorizeSecurityGroupIngress', { GroupName: 'web', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' });
    await rejects(
      f.ec2('AuthorizeSecurityGroupIngress', { GroupId, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' }),
      'InvalidPermission.Duplicate',
    );
    await rejects(
      f.ec2('AuthorizeSecurityGroupIngress', { GroupId, IpProtocol: 'tcp', FromPort: 90, ToPort: 80, CidrIp: '1.0.0.0/8' }),
      'InvalidParameterValue',
    );
    await rejects(f.ec2('AuthorizeSecurityGroupIngress', { GroupId, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '1.0.0/8' }), 'InvalidParameterValue');
    await rejects(
      f.ec2('AuthorizeSecurityGroupIngress', { GroupId: 'sg-nope', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '1.0.0.0/8' }),
      'InvalidGroup.NotFound',
    );
    // Sources the data plane cannot check are refused by name, not dropped.
    await rejects(
      f.ec2('AuthorizeSecurityGroupIngress', {
        GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '1.0.0.0/8' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
      }),
      'UnsupportedOperation',
    );
    await rejects(
      f.ec2('AuthorizeSecurityGroupIngress', { GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId }] }] }),
      'UnsupportedOperation',
    );
    await rejects(
      f.ec2('AuthorizeSecurityGroupIngress', { GroupId, SourceSecurityGroupName: 'web', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }),
      'UnsupportedOperation',
    );
    const [sg] = (await f.ec2('DescribeSecurityGroups', { GroupIds: [GroupId] })).SecurityGroups;
    assert.deepEqual(sg.IpPermissions[0].IpRanges, [{ CidrIp: '127.0.0.0/8' }, { CidrIp: '10.0.0.0/8' }]);
    const rec = (await f.store.get<SecurityGroupRecord>(keys.securityGroup(GroupId)))!.value;
    // What the load balancer reduces to ingress blocks (routing-source.ts ingressOf).
    assert.deepEqual(rec.IpPermissions, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '127.0.0.0/8' }, { CidrIp: '10.0.0.0/8' }] }]);
    await f.ec2('RevokeSecurityGroupIngress', { GroupId, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '127.0.0.0/8' });
    await rejects(
      f.ec2('RevokeSecurityGroupIngress', { GroupId, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '127.0.0.0/8' }),
      'InvalidPermission.NotFound',
    );
    const rec2 = (await f.store.get<SecurityGroupRecord>(keys.securityGroup(GroupId)))!.value;
    assert.deepEqual(rec2.IpPermissions, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]);
  });
  test('describe filters and missing groups', async () => {
    const f = fixture();
    const a = await f.ec2('CreateSecurityGroup', { GroupName: 'a', Description: 'a' });
    await f.ec2('CreateSecurityGroup', { GroupName: 'b', Description: 'b' });
    // The default VPC's `default` group is always there, as on AWS.
    assert.deepEqual(
      (await f.ec2('DescribeSecurityGroups', {})).SecurityGroups.map((g) => g.GroupName),
      ['default', 'a', 'b'],
    );
    assert.deepEqual(
      (await f.ec2('DescribeSecurityGroups', { Filters: [{ Name: 'group-name', Values: ['b'] }] })).SecurityGroups.map((g) => g.GroupName),
      ['b'],
    );
    assert.deepEqual(
      (await f.ec2('DescribeSecurityGroups', { Filters: [{ Name: 'group-id', Values: [a.GroupId] }] })).SecurityGroups.map((g) => g.GroupName),
      ['a'],
    );
    assert.deepEqual(
      (await f.ec2('DescribeSecurityGroups', { GroupNames: ['a'] })).SecurityGroups.map((g) => g.GroupId),
      [a.GroupId],
    );
    await rejects(f.ec2('DescribeSecurityGroups', { GroupIds: ['sg-0'] }), 'InvalidGroup.NotFound');
    await rejects(f.ec2('CreateSecurityGroup', { GroupName: 'c' }), 'MissingParameter');
    const tagged = await f.ec2('CreateSecurityGroup', {
      GroupName: 't',
      Description: 't',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: 'web' }] }],
    });
    assert.deepEqual(
      (await f.ec2('DescribeSecurityGroups', { Filters: [{ Name: 'tag:team', Values: ['web'] }] })).SecurityGroups.map((g) => g.GroupId),
      [tagged.GroupId],
    );
    const page1 = await f.ec2('DescribeSecurityGroups', { MaxResults: 5 });
    assert.deepEqual([page1.SecurityGroups.length, page1.NextToken], [4, undefined]);
    await rejects(
      f.ec2('AuthorizeSecurityGroupIngress', {
        GroupId: a.GroupId,
        IpProtocol: 'tcp',
        FromPort: 1,
        ToPort: 1,
        CidrIp: '1.0.0.0/8',
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [] }],
      }),
      'UnsupportedOperation',
    );
  });
  test('delete: DependencyViolation while a load balancer uses it', async () => {
    const f = fixture();
    const { GroupId } = await f.ec2('CreateSecurityGroup', { GroupName: 'a', Description: 'a' });
    const lb = await f.lb('web', { SecurityGroups: [GroupId] });
    await rejects(f.ec2('DeleteSecurityGroup', { GroupId }), 'DependencyViolation');
    await f.elb('DeleteLoadBalancer', { LoadBalancerArn: lb.LoadBalancerArn });
    await f.ec2('DeleteSecurityGroup', { GroupId });
    await rejects(f.ec2('DeleteSecurityGroup', { GroupId }), 'InvalidGroup.NotFound');
    await f.ec2('CreateSecurityGroup', { GroupName: 'a', Description: 'name free again' });
  });
});

describe('EC2 default network', () => {
  test('one default VPC, two default subnets, stable', async () => {
    const f = fixture();
    const [vpc] = (await f.ec2('DescribeVpcs', {})).Vpcs;
    assert.match(vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
    assert.equal(vpc.CidrBlock, '172.31.0.0/16');
    assert.equal(vpc.IsDefault, true);
    assert.deepEqual((await fixture(99).ec2('DescribeVpcs', {})).Vpcs[0].VpcId, vpc.VpcId);
    const subnets = (await f.ec2('DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId] }] })).Subnets;
    assert.deepEqual(
      subnets.map((s) => s.AvailabilityZone),
      ['us-east-1a', 'us-east-1b'],
    );
    const lb = await f.lb('web', { Subnets: subnets.map((s) => s.SubnetId) });
    assert.equal(lb.VpcId, vpc.VpcId);
    await rejects(f.ec2('DescribeVpcs', { VpcIds: ['vpc-1'] }), 'InvalidVpcID.NotFound');
    await rejects(f.ec2('DescribeSubnets', { SubnetIds: ['subnet-1'] }), 'InvalidSubnetID.NotFound');
    assert.deepEqual((await f.ec2('DescribeInstances', {})).Reservations, []);
  });
});
