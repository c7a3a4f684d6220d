/**
 * ELBv2 answers exactly as AWS gives them (issue 10), through the real AWS SDK v3 client against the
 * real API server on 127.0.0.1: names per region, HealthCheckPort, NotFound codes, protocol and
 * content-type refusals.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';

const code = (name: string) => (e: unknown) => {
  assert.equal((e as { name?: string }).name, name, String((e as Error).message));
  return true;
};

describe('ELBv2 answers as AWS gives them (SDK)', () => {
  let app: FastifyInstance;
  let east: elb.ElasticLoadBalancingV2Client;
  let west: elb.ElasticLoadBalancingV2Client;
  const store = new MemoryStore();

  before(async () => {
    const deps = { store, clock: systemClock, random: seededRandom(11) };
    app = await createApiServer({ handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) } });
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    const cfg = { endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 };
    east = new elb.ElasticLoadBalancingV2Client({ ...cfg, region: 'us-east-1' });
    west = new elb.ElasticLoadBalancingV2Client({ ...cfg, region: 'eu-west-1' });
  });
  after(async () => {
    east?.destroy();
    west?.destroy();
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
    assert.deepEqual((await west.send(new elb.DescribeLoadBalancersCommand({}))).LoadBalancers!.map((l) => l.LoadBalancerArn), [b.LoadBalancerArn]);
    assert.deepEqual((await east.send(new elb.DescribeLoadBalancersCommand({ Names: ['same'] }))).LoadBalancers!.map((l) => l.LoadBalancerArn), [a.LoadBalancerArn]);
    assert.deepEqual((await west.send(new elb.DescribeTargetGroupsCommand({}))).TargetGroups!.map((t) => t.Port), [81]);
    assert.deepEqual((await east.send(new elb.DescribeTargetGroupsCommand({ Names: ['same'] }))).TargetGroups!.map((t) => t.TargetGroupArn), [ta.TargetGroupArn]);
    // Deleting one region's load balancer frees its name there only.
    await west.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: b.LoadBalancerArn }));
    await assert.rejects(west.send(new elb.DescribeLoadBalancersCommand({ Names: ['same'] })), code('LoadBalancerNotFoundException'));
    assert.equal((await east.send(new elb.DescribeLoadBalancersCommand({ Names: ['same'] }))).LoadBalancers!.length, 1);
    await west.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: tb.TargetGroupArn }));
    assert.equal((await west.send(new elb.CreateTargetGroupCommand({ Name: 'same', Protocol: 'HTTP', Port: 82 }))).TargetGroups![0]!.Port, 82);
  });

  test('DescribeTargetHealth shows HealthCheckPort; a target leaves an unused group at once', async () => {
    const tg = (await east.send(new elb.CreateTargetGroupCommand({ Name: 'hcp', Protocol: 'HTTP', Port: 80 }))).TargetGroups![0]!;
    const fixed = (await east.send(new elb.CreateTargetGroupCommand({ Name: 'hcp-fixed', Protocol: 'HTTP', Port: 80, HealthCheckPort: '8081' }))).TargetGroups![0]!;
    await east.send(new elb.RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] }));
    await east.send(new elb.RegisterTargetsCommand({ TargetGroupArn: fixed.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] }));
    const [unused] = (await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!;
    assert.equal(unused!.TargetHealth!.Reason, 'Target.NotInUse');
    assert.equal(unused!.TargetHealth!.Description, 'Given target group is not configured to receive traffic from ELB');
    assert.equal(unused!.HealthCheckPort, '32768');
    assert.equal((await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: fixed.TargetGroupArn }))).TargetHealthDescriptions![0]!.HealthCheckPort, '8081');
    const [ghost] = (await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-9', Port: 9000 }] }))).TargetHealthDescriptions!;
    assert.deepEqual([ghost!.TargetHealth!.Reason, ghost!.HealthCheckPort], ['Target.NotRegistered', '9000']);

    await east.send(new elb.DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] }));
    assert.deepEqual((await east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions, []);
    const waited = await elb.waitUntilTargetDeregistered({ client: east, maxWaitTime: 5, minDelay: 1, maxDelay: 1 }, { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] });
    assert.equal(waited.state, 'SUCCESS');
  });

  test('unknown rule, target group and listener ARNs: their NotFound codes; a non-ARN: ValidationError', async () => {
    const lb = (await east.send(new elb.CreateLoadBalancerCommand({ Name: 'arns' }))).LoadBalancers![0]!;
    const prefix = 'arn:aws:elasticloadbalancing:us-east-1:000000000000';
    await assert.rejects(east.send(new elb.DescribeRulesCommand({ RuleArns: [`${prefix}:listener-rule/app/arns/1/2/3`] })), code('RuleNotFoundException'));
    await assert.rejects(east.send(new elb.DeleteRuleCommand({ RuleArn: `${prefix}:listener-rule/app/arns/0123456789abcdef/0123456789abcdef/0123456789abcdef` })), code('RuleNotFoundException'));
    await assert.rejects(east.send(new elb.DescribeTargetGroupsCommand({ TargetGroupArns: [`${prefix}:targetgroup/nope/123`] })), code('TargetGroupNotFoundException'));
    await assert.rejects(east.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: `${prefix}:targetgroup/nope/0123456789abcdef` })), code('TargetGroupNotFoundException'));
    await assert.rejects(east.send(new elb.DescribeListenersCommand({ ListenerArns: [`${prefix}:listener/app/arns/1/2`] })), code('ListenerNotFoundException'));
    await assert.rejects(
      east.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: `${prefix}:targetgroup/nope/123` }] })),
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
      await assert.rejects(east.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol, Port: 80, DefaultActions: fixed })), code('IncompatibleProtocolsException'));
    }
    await assert.rejects(
      east.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'image/png' } }] })),
      (e: Error) => {
        assert.equal(e.name, 'InvalidConfigurationRequestException');
        assert.match(e.message, /ContentType/);
        return true;
      },
    );
    const listener = (await east.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: fixed }))).Listeners![0]!;
    await assert.rejects(east.send(new elb.ModifyListenerCommand({ ListenerArn: listener.ListenerArn, Protocol: 'TCP' })), code('IncompatibleProtocolsException'));
  });
});
