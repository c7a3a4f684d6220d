import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, found, rejects } from './fixture.test-support.js';
import { defaultNetwork } from '../../domain/ec2/default-network.js';

const net = defaultNetwork('000000000000', 'us-east-1');
const subnets = net.Subnets.map((s) => s.SubnetId);

describe('load balancers', () => {
  test('create: provisioning, then active after a second; DNS, VPC, zones', async () => {
    const f = fixture();
    const lb = await f.lb('web', { Subnets: subnets });
    assert.match(lb.LoadBalancerArn, /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/web\/[0-9a-f]{16}$/);
    assert.match(lb.DNSName, /^web-[0-9a-f]{10}\.elb\.localhost$/);
    assert.deepEqual(lb.State, { Code: 'provisioning' });
    assert.equal(lb.Scheme, 'internet-facing');
    assert.equal(lb.Type, 'application');
    assert.equal(lb.VpcId, net.VpcId);
    assert.deepEqual(
      lb.AvailabilityZones.map((z) => z.ZoneName),
      ['us-east-1a', 'us-east-1b'],
    );
    f.clock.advance(1000);
    const [d] = (await f.elb('DescribeLoadBalancers', { Names: ['web'] })).LoadBalancers;
    assert.deepEqual(d.State, { Code: 'active' });
  });
  test('internal DNS name', async () => {
    const lb = await fixture().lb('api', { Scheme: 'internal' });
    assert.match(lb.DNSName, /^internal-api-/);
  });
  test('idempotent by name and settings', async () => {
    const f = fixture();
    const a = await f.lb('web');
    const b = await f.lb('web', { Subnets: subnets });
    assert.equal(a.LoadBalancerArn, b.LoadBalancerArn);
    await rejects(f.lb('web', { Scheme: 'internal' }), 'DuplicateLoadBalancerName');
  });
  test('subnets and security groups are checked', async () => {
    const f = fixture();
    await rejects(f.lb('a', { Subnets: [subnets[0]] }), 'InvalidConfigurationRequest');
    await rejects(f.lb('b', { Subnets: [subnets[0], 'subnet-00000000000000000'] }), 'SubnetNotFound');
    await rejects(f.lb('c', { SecurityGroups: ['sg-nope'] }), 'InvalidSecurityGroup');
    await rejects(f.lb('internal-x'), 'ValidationError');
    await rejects(f.lb('d', { Scheme: 'public' }), 'InvalidScheme');
    const { GroupId } = await f.ec2('CreateSecurityGroup', { GroupName: 'lb', Description: 'lb' });
    const lb = await f.lb('e', { SecurityGroups: [GroupId] });
    assert.deepEqual(lb.SecurityGroups, [GroupId]);
  });
  test('describe: by name, by ARN, all, paged; missing names fail', async () => {
    const f = fixture();
    for (const n of ['a', 'b', 'c']) await f.lb(n);
    await rejects(f.elb('DescribeLoadBalancers', { Names: ['a', 'zzz'] }), 'LoadBalancerNotFound');
    const p1 = await f.elb('DescribeLoadBalancers', { PageSize: 2 });
    assert.deepEqual(
      p1.LoadBalancers.map((l) => l.LoadBalancerName),
      ['a', 'b'],
    );
    assert.ok(p1.NextMarker);
    const p2 = await f.elb('DescribeLoadBalancers', { PageSize: 2, Marker: p1.NextMarker });
    assert.deepEqual(
      p2.LoadBalancers.map((l) => l.LoadBalancerName),
      ['c'],
    );
    assert.equal(p2.NextMarker, undefined);
    const byArn = await f.elb('DescribeLoadBalancers', { LoadBalancerArns: [p1.LoadBalancers[1].LoadBalancerArn] });
    assert.equal(byArn.LoadBalancers[0].LoadBalancerName, 'b');
  });
  test('delete: succeeds when missing, removes listeners and rules, detaches target groups, frees the name', async () => {
    const f = fixture();
    const lb = await f.lb();
    const tg = await f.tg();
    const l = await f.listener(lb.LoadBalancerArn, tg.TargetGroupArn);
    await f.elb('CreateRule', {
      ListenerArn: l.ListenerArn,
      Priority: 5,
      Conditions: [{ Field: 'path-pattern', Values: ['/a'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
    });
    await f.elb('DeleteLoadBalancer', { LoadBalancerArn: lb.LoadBalancerArn });
    await f.elb('DeleteLoadBalancer', { LoadBalancerArn: lb.LoadBalancerArn });
    await rejects(f.elb('DescribeListeners', { ListenerArns: [l.ListenerArn] }), 'ListenerNotFound');
    assert.equal((await f.store.list('/berth/elbv2/rules/')).records.length, 0);
    const [t] = (await f.elb('DescribeTargetGroups', { TargetGroupArns: [tg.TargetGroupArn] })).TargetGroups;
    assert.deepEqual(t.LoadBalancerArns, []);
    await f.elb('DeleteTargetGroup', { TargetGroupArn: tg.TargetGroupArn });
    const again = await f.lb();
    assert.notEqual(again.LoadBalancerArn, lb.LoadBalancerArn);
  });
  test('deletion protection', async () => {
    const f = fixture();
    const lb = await f.lb();
    await f.elb('ModifyLoadBalancerAttributes', { LoadBalancerArn: lb.LoadBalancerArn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] });
    await rejects(f.elb('DeleteLoadBalancer', { LoadBalancerArn: lb.LoadBalancerArn }), 'OperationNotPermitted');
  });
  test('attributes: full list back, validated', async () => {
    const f = fixture();
    const lb = await f.lb();
    const out = await f.elb('ModifyLoadBalancerAttributes', {
      LoadBalancerArn: lb.LoadBalancerArn,
      Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '120' }],
    });
    assert.ok(out.Attributes.length > 10);
    const d = await f.elb('DescribeLoadBalancerAttributes', { LoadBalancerArn: lb.LoadBalancerArn });
    assert.equal(
      found(
        d.Attributes.find((a) => a.Key === 'idle_timeout.timeout_seconds'),
        'idle_timeout.timeout_seconds',
      ).Value,
      '120',
    );
    await rejects(f.elb('ModifyLoadBalancerAttributes', { LoadBalancerArn: lb.LoadBalancerArn, Attributes: [{ Key: 'x', Value: '1' }] }), 'ValidationError');
    await rejects(
      f.elb('DescribeLoadBalancerAttributes', { LoadBalancerArn: lb.LoadBalancerArn.replace(/[0-9a-f]{16}$/, '0'.repeat(16)) }),
      'LoadBalancerNotFound',
    );
  });
  test('SetSecurityGroups', async () => {
    const f = fixture();
    const lb = await f.lb();
    const { GroupId } = await f.ec2('CreateSecurityGroup', { GroupName: 'g', Description: 'd' });
    assert.deepEqual((await f.elb('SetSecurityGroups', { LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: [GroupId] })).SecurityGroupIds, [GroupId]);
    await rejects(f.elb('SetSecurityGroups', { LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: ['sg-x'] }), 'InvalidSecurityGroup');
  });
});
