/**
 * ELBv2 answers exactly as AWS gives them (issue 10), through the real AWS SDK v3 client against the
 * real API server on 127.0.0.1: names per region, HealthCheckPort, NotFound codes, protocol and
 * content-type refusals.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import * as ec2 from '@aws-sdk/client-ec2';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';

const code = (name: string, message?: RegExp) => (e: unknown) => {
  assert.equal((e as { name?: string }).name, name, String((e as Error).message));
  if (message) assert.match((e as Error).message, message);
  return true;
};

describe('ELBv2 answers as AWS gives them (SDK)', () => {
  let app: FastifyInstance;
  let east: elb.ElasticLoadBalancingV2Client;
  let west: elb.ElasticLoadBalancingV2Client;
  let ec2c: ec2.EC2Client;
  const store = new MemoryStore();

  before(async () => {
    const deps = { store, clock: systemClock, random: seededRandom(11) };
    app = await createApiServer({ handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) } });
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    const cfg = { endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 };
    east = new elb.ElasticLoadBalancingV2Client({ ...cfg, region: 'us-east-1' });
    west = new elb.ElasticLoadBalancingV2Client({ ...cfg, region: 'eu-west-1' });
    ec2c = new ec2.EC2Client({ ...cfg, region: 'us-east-1' });
  });
  after(async () => {
    east?.destroy();
    west?.destroy();
    ec2c?.destroy();
    await app?.close();
    await store.close();
  });

  test('load balancer and target group names are unique per region; Describe sees its own region only', async () => {
    const a = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'same' }))).LoadBalancers![0]!;
    const b = (await west.send(new elb.CreateLoadBalancerCommand({ Name: 'same' }))).LoadBalancers![0]!;
    assert.notEqual(a.LoadBalancerArn, b.LoadBalancerArn);
    assert.match(b.LoadBalancerArn!, /^arn:aws:elasticloadbalancing:eu-west-1:/);
    await assert.rejects(east.send(new elb.CreateLoadBalancerCommand({ Name: 'same', Scheme: 'internal' })), code('DuplicateLoadBalancerNameException'));
    const ta = (await east.send(new elb.CreateTargetGroupCommand({ Name: 'same', Protocol: 'HTTP', Port: 80 }))).TargetGroups![0]!;
    const tb = (await west.send(new elb.CreateTargetGroupCommand({ Name: 'same', Protocol: 'HTTP', Port: 81 }))).TargetGroups![0]!;
    assert.match(tb.TargetGroupArn!, /:eu-west-1:/);
    assert.deepEqual(
      (await west.send(new elb.DescribeLoadBalancersCommand({}))).LoadBalancers!.map((l) => l.LoadBalancerArn),
      [b.LoadBalancerArn],
    );
    assert.deepEqual(
      (await east.send(new elb.DescribeLoadBalancersCommand({ Names: ['same'] }))).LoadBalancers!.map((l) => l.LoadBalancerArn),
      [a.LoadBalancerArn],
    );
    assert.deepEqual(
      (await west.send(new elb.DescribeTargetGroupsCommand({}))).TargetGroups!.map((t) => t.Port),
      [81],
    );
    assert.deepEqual(
      (await east.send(new elb.DescribeTargetGroupsCommand({ Names: ['same'] }))).TargetGroups!.map((t) => t.TargetGroupArn),
      [ta.TargetGroupArn],
    );
    // Deleting one region's load balancer frees its name there only.
    await west.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: b.LoadBalancerArn }));
    await assert.rejects(west.send(new elb.DescribeLoadBalancersCommand({ Names: ['same'] })), code('LoadBalancerNotFoundException'));
    assert.equal((await east.send(new elb.DescribeLoadBalancersCommand({ Names: ['same'] }))).LoadBalancers!.length, 1);
    await west.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: tb.TargetGroupArn }));
    assert.equal((await west.send(new elb.CreateTargetGroupCommand({ Name: 'same', Protocol: 'HTTP', Port: 82 }))).TargetGroups![0]!.Port, 82);
  });

  test('DescribeTargetHealth shows HealthCheckPort; a target leaves an unused group at once', async () => {
    const tg = (await east.send(new elb.CreateTargetGroupCommand({ Name: 'hcp', Protocol: 'HTTP', Port: 80 }))).TargetGroups![0]!;
    const fixed = (await east.send(new elb.CreateTargetGroupCommand({ Name: 'hcp-fixed', Protocol: 'HTTP', Port: 80, HealthCheckPort: '8081' })))
      .TargetGroups![0]!;
    await east.send(new elb.RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] }));
    await east.send(new elb.RegisterTargetsCommand({ TargetGroupArn: fixed.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] }));
    const [unused] = (await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!;
    assert.equal(unused!.TargetHealth!.Reason, 'Target.NotInUse');
    assert.equal(unused!.TargetHealth!.Description, 'Given target group is not configured to receive traffic from ELB');
    assert.equal(unused!.HealthCheckPort, '32768');
    assert.equal(
      (await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: fixed.TargetGroupArn }))).TargetHealthDescriptions![0]!.HealthCheckPort,
      '8081',
    );
    const [ghost] = (await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-9', Port: 9000 }] })))
      .TargetHealthDescriptions!;
    assert.deepEqual([ghost!.TargetHealth!.Reason, ghost!.HealthCheckPort], ['Target.NotRegistered', '9000']);

    await east.send(new elb.DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] }));
    assert.deepEqual((await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions, []);
    const waited = await elb.waitUntilTargetDeregistered(
      { client: east, maxWaitTime: 5, minDelay: 1, maxDelay: 1 },
      { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] },
    );
    assert.equal(waited.state, 'SUCCESS');
  });

  test('unknown rule, target group and listener ARNs: their NotFound codes; a non-ARN: ValidationError', async () => {
    const lb = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'arns' }))).LoadBalancers![0]!;
    const prefix = 'arn:aws:elasticloadbalancing:us-east-1:000000000000';
    await assert.rejects(east.send(new elb.DescribeRulesCommand({ RuleArns: [`${prefix}:listener-rule/app/arns/1/2/3`] })), code('RuleNotFoundException'));
    await assert.rejects(
      east.send(new elb.DeleteRuleCommand({ RuleArn: `${prefix}:listener-rule/app/arns/0123456789abcdef/0123456789abcdef/0123456789abcdef` })),
      code('RuleNotFoundException'),
    );
    await assert.rejects(
      east.send(new elb.DescribeTargetGroupsCommand({ TargetGroupArns: [`${prefix}:targetgroup/nope/123`] })),
      code('TargetGroupNotFoundException'),
    );
    await assert.rejects(
      east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: `${prefix}:targetgroup/nope/0123456789abcdef` })),
      code('TargetGroupNotFoundException'),
    );
    await assert.rejects(east.send(new elb.DescribeListenersCommand({ ListenerArns: [`${prefix}:listener/app/arns/1/2`] })), code('ListenerNotFoundException'));
    await assert.rejects(
      east.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: `${prefix}:targetgroup/nope/123` }],
        }),
      ),
      code('TargetGroupNotFoundException'),
    );
    await assert.rejects(east.send(new elb.DescribeTargetGroupsCommand({ TargetGroupArns: ['not-an-arn'] })), (e: Error) => {
      assert.equal(e.name, 'ValidationError');
      assert.equal(e.message, "'not-an-arn' is not a valid target group ARN");
      return true;
    });
    // Deleting a load balancer that does not exist still succeeds, as on AWS.
    await east.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: `${prefix}:loadbalancer/app/ghost/123` }));
  });

  test('protocols an application load balancer does not take: IncompatibleProtocols; a bad content type: InvalidConfigurationRequest', async () => {
    const lb = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'protocols' }))).LoadBalancers![0]!;
    const fixed = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '200' } }];
    for (const Protocol of ['TCP', 'TLS', 'UDP', 'GENEVE'] as const) {
      await assert.rejects(
        east.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol, Port: 80, DefaultActions: fixed })),
        code('IncompatibleProtocolsException'),
      );
    }
    await assert.rejects(
      east.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'image/png' } }],
        }),
      ),
      (e: Error) => {
        assert.equal(e.name, 'InvalidConfigurationRequestException');
        assert.match(e.message, /ContentType/);
        return true;
      },
    );
    const listener = (
      await east.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: fixed }))
    ).Listeners![0]!;
    await assert.rejects(
      east.send(new elb.ModifyListenerCommand({ ListenerArn: listener.ListenerArn, Protocol: 'TCP' })),
      code('IncompatibleProtocolsException'),
    );
  });

  test('SetSubnets and SetIpAddressType', async () => {
    const vpc = (await ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const sub = async (cidr: string, zone: string) =>
      (await ec2c.send(new ec2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!;
    const [a, b, c] = [await sub('10.9.1.0/24', 'us-east-1a'), await sub('10.9.2.0/24', 'us-east-1b'), await sub('10.9.3.0/24', 'us-east-1c')];
    const lb = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'moves', Subnets: [a, b] }))).LoadBalancers![0]!;
    const set = await east.send(new elb.SetSubnetsCommand({ LoadBalancerArn: lb.LoadBalancerArn, Subnets: [a, b, c] }));
    assert.deepEqual(
      set.AvailabilityZones!.map((z) => `${z.ZoneName} ${z.SubnetId}`),
      [`us-east-1a ${a}`, `us-east-1b ${b}`, `us-east-1c ${c}`],
    );
    assert.equal(set.IpAddressType, 'ipv4');
    const described = (await east.send(new elb.DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn!] }))).LoadBalancers![0]!;
    assert.deepEqual(
      described.AvailabilityZones!.map((z) => z.SubnetId),
      [a, b, c],
    );
    // A subnet in use cannot go; once SetSubnets drops it, it can.
    await assert.rejects(ec2c.send(new ec2.DeleteSubnetCommand({ SubnetId: c })), code('DependencyViolation'));
    await east.send(new elb.SetSubnetsCommand({ LoadBalancerArn: lb.LoadBalancerArn, SubnetMappings: [{ SubnetId: a }, { SubnetId: b }] }));
    await ec2c.send(new ec2.DeleteSubnetCommand({ SubnetId: c }));

    const defaults = (await ec2c.send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets!.map(
      (s) => s.SubnetId!,
    );
    await assert.rejects(
      east.send(new elb.SetSubnetsCommand({ LoadBalancerArn: lb.LoadBalancerArn, Subnets: defaults })),
      code('InvalidConfigurationRequestException', /VPC/),
    );
    await assert.rejects(
      east.send(new elb.SetSubnetsCommand({ LoadBalancerArn: lb.LoadBalancerArn, Subnets: [a] })),
      code('InvalidConfigurationRequestException'),
    );
    await assert.rejects(
      east.send(new elb.SetSubnetsCommand({ LoadBalancerArn: lb.LoadBalancerArn, Subnets: [a, 'subnet-0000000000000000a'] })),
      code('SubnetNotFoundException'),
    );
    await assert.rejects(east.send(new elb.SetSubnetsCommand({ LoadBalancerArn: lb.LoadBalancerArn })), code('ValidationError'));
    await assert.rejects(
      east.send(
        new elb.SetSubnetsCommand({ LoadBalancerArn: lb.LoadBalancerArn, SubnetMappings: [{ SubnetId: a, AllocationId: 'eipalloc-1' }, { SubnetId: b }] }),
      ),
      code('InvalidConfigurationRequestException', /AllocationId/),
    );

    assert.equal((await east.send(new elb.SetIpAddressTypeCommand({ LoadBalancerArn: lb.LoadBalancerArn, IpAddressType: 'ipv4' }))).IpAddressType, 'ipv4');
    await assert.rejects(
      east.send(new elb.SetIpAddressTypeCommand({ LoadBalancerArn: lb.LoadBalancerArn, IpAddressType: 'dualstack' })),
      code('InvalidSubnetException', /IpAddressType/),
    );
    await assert.rejects(east.send(new elb.CreateLoadBalancerCommand({ Name: 'dual', IpAddressType: 'dualstack' })), code('InvalidSubnetException'));
    await assert.rejects(
      east.send(new elb.CreateLoadBalancerCommand({ Name: 'pool', IpamPools: { Ipv4IpamPoolId: 'ipam-pool-1' } })),
      code('InvalidConfigurationRequestException', /IpamPools/),
    );
    await assert.rejects(
      east.send(
        new elb.SetSecurityGroupsCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          SecurityGroups: [],
          EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'on',
        }),
      ),
      code('InvalidConfigurationRequestException', /EnforceSecurityGroup/),
    );
    await assert.rejects(
      east.send(new elb.SetIpAddressTypeCommand({ LoadBalancerArn: lb.LoadBalancerArn, IpAddressType: 'ipv6' as elb.IpAddressType })),
      code('ValidationError'),
    );
    await assert.rejects(
      east.send(
        new elb.SetIpAddressTypeCommand({
          LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/x/0123456789abcdef',
          IpAddressType: 'ipv4',
        }),
      ),
      code('LoadBalancerNotFoundException'),
    );
  });

  test('DescribeAccountLimits lists the limits Berth enforces', async () => {
    const { Limits } = await east.send(new elb.DescribeAccountLimitsCommand({}));
    const byName = new Map(Limits!.map((l) => [l.Name, l.Max]));
    assert.equal(byName.get('listeners-per-application-load-balancer'), '50');
    assert.equal(byName.get('rules-per-application-load-balancer'), '100');
    assert.equal(byName.get('target-groups-per-action-on-application-load-balancer'), '5');
    const first = await east.send(new elb.DescribeAccountLimitsCommand({ PageSize: 2 }));
    assert.equal(first.Limits!.length, 2);
    const rest = await east.send(new elb.DescribeAccountLimitsCommand({ PageSize: 400, Marker: first.NextMarker }));
    assert.equal(first.Limits!.length + rest.Limits!.length, Limits!.length);
  });

  test('listener attributes: what Berth honours is shown and kept; anything else is refused by name', async () => {
    const lb = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'attrs' }))).LoadBalancers![0]!;
    const listener = (
      await east.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
        }),
      )
    ).Listeners![0]!;
    const described = await east.send(new elb.DescribeListenerAttributesCommand({ ListenerArn: listener.ListenerArn }));
    assert.deepEqual(described.Attributes, [{ Key: 'routing.http.response.server.enabled', Value: 'true' }]);
    const modified = await east.send(
      new elb.ModifyListenerAttributesCommand({
        ListenerArn: listener.ListenerArn,
        Attributes: [{ Key: 'routing.http.response.server.enabled', Value: 'true' }],
      }),
    );
    assert.deepEqual(modified.Attributes, described.Attributes);
    await assert.rejects(
      east.send(
        new elb.ModifyListenerAttributesCommand({
          ListenerArn: listener.ListenerArn,
          Attributes: [{ Key: 'routing.http.response.x_frame_options.header_value', Value: 'DENY' }],
        }),
      ),
      code('ValidationError', /routing\.http\.response\.x_frame_options\.header_value/),
    );
    await assert.rejects(
      east.send(
        new elb.ModifyListenerAttributesCommand({
          ListenerArn: listener.ListenerArn,
          Attributes: [{ Key: 'routing.http.response.server.enabled', Value: 'false' }],
        }),
      ),
      code('ValidationError', /routing\.http\.response\.server\.enabled/),
    );
    await assert.rejects(
      east.send(new elb.DescribeListenerAttributesCommand({ ListenerArn: `${listener.ListenerArn!.slice(0, -16)}0000000000000000` })),
      code('ListenerNotFoundException'),
    );
    // The listener itself is unchanged by its attributes.
    assert.equal((await east.send(new elb.DescribeListenersCommand({ ListenerArns: [listener.ListenerArn!] }))).Listeners![0]!.Port, 80);
  });

  test('an ARN of another region names nothing there; AWS wording on duplicates and in-use resources', async () => {
    const lb = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'wording' }))).LoadBalancers![0]!;
    const tg = (await east.send(new elb.CreateTargetGroupCommand({ Name: 'wording', Protocol: 'HTTP', Port: 80 }))).TargetGroups![0]!;
    await assert.rejects(west.send(new elb.DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn!] })), code('LoadBalancerNotFoundException'));
    await assert.rejects(west.send(new elb.DescribeTargetGroupsCommand({ TargetGroupArns: [tg.TargetGroupArn!] })), code('TargetGroupNotFoundException'));
    await assert.rejects(west.send(new elb.DescribeTagsCommand({ ResourceArns: [lb.LoadBalancerArn!] })), code('LoadBalancerNotFoundException'));
    await assert.rejects(west.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn })), code('TargetGroupNotFoundException'));
    const forward = [{ Type: 'forward' as const, TargetGroupArn: tg.TargetGroupArn }];
    const listener = (
      await east.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: forward }))
    ).Listeners![0]!;
    await assert.rejects(west.send(new elb.DescribeRulesCommand({ ListenerArn: listener.ListenerArn })), code('ListenerNotFoundException'));
    await assert.rejects(
      east.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      ),
      code('DuplicateListenerException', new RegExp(`^A listener already exists on this port for this load balancer '${lb.LoadBalancerArn}'$`)),
    );
    const cond = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/a'] } }];
    await east.send(new elb.CreateRuleCommand({ ListenerArn: listener.ListenerArn, Priority: 10, Conditions: cond, Actions: forward }));
    await assert.rejects(
      east.send(new elb.CreateRuleCommand({ ListenerArn: listener.ListenerArn, Priority: 10, Conditions: cond, Actions: forward })),
      code('PriorityInUseException', /^Priority '10' is currently in use$/),
    );
    await assert.rejects(
      east.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn })),
      code('ResourceInUseException', /^Target group '.*' is currently in use by a listener or a rule$/),
    );
    const other = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'wording-2' }))).LoadBalancers![0]!;
    await assert.rejects(
      east.send(new elb.CreateListenerCommand({ LoadBalancerArn: other.LoadBalancerArn, Protocol: 'HTTP', Port: 81, DefaultActions: forward })),
      code('TargetGroupAssociationLimitException', /^The following target groups cannot be associated with more than one load balancer: /),
    );
  });
});
