/**
 * Every ELBv2 and EC2 operation Berth serves, driven through the real AWS SDK v3 clients against the
 * real API server on 127.0.0.1 (MemoryStore, real clock so the SDK waiters see time pass).
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
import { ec2Client, elbv2Client } from '../support/sdk-clients.js';
import { sealedBoxFromKey } from '../../src/platform/sealed-box.js';
import { createAcmService } from '../../src/control-plane/acm/acm-handlers.js';
import { ephemeralCertificateAuthority } from '../../src/control-plane/acm/certificate-authority.js';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext } from '../../src/control-plane/api/operation.js';
import { operationCaller } from '../../src/control-plane/api/handler-test-kit.js';

describe('ELBv2 and EC2 through the AWS SDK v3', () => {
  let app: FastifyInstance;
  let lbc: elb.ElasticLoadBalancingV2Client;
  let ec2c: ec2.EC2Client;
  const store = new MemoryStore();

  before(async () => {
    const deps = { store, clock: systemClock, random: seededRandom(7) };
    app = await createApiServer({ handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) } });
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    lbc = elbv2Client(endpoint, { maxAttempts: 1 });
    ec2c = ec2Client(endpoint, { maxAttempts: 1 });
  });
  after(async () => {
    lbc?.destroy();
    ec2c?.destroy();
    await app?.close();
    await store.close();
  });

  test('the whole lifecycle', async () => {
    // EC2: default network and a security group.
    const vpcs = await ec2c.send(new ec2.DescribeVpcsCommand({}));
    const vpcId = vpcs.Vpcs![0]!.VpcId!;
    assert.equal(vpcs.Vpcs![0]!.IsDefault, true);
    const subnets = (await ec2c.send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!;
    assert.equal(subnets.length, 2);
    const { GroupId } = await ec2c.send(new ec2.CreateSecurityGroupCommand({ GroupName: 'web-lb', Description: 'web', VpcId: vpcId }));
    await ec2c.send(
      new ec2.AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '127.0.0.0/8' }] }],
      }),
    );
    const sgs = await ec2c.send(new ec2.DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }));
    assert.equal(sgs.SecurityGroups![0]!.IpPermissions![0]!.IpRanges![0]!.CidrIp, '127.0.0.0/8');
    await assert.rejects(
      ec2c.send(new ec2.CreateSecurityGroupCommand({ GroupName: 'web-lb', Description: 'again' })),
      (e: Error) => e.name === 'InvalidGroup.Duplicate',
    );

    // Load balancer: provisioning, then the waiter sees it active.
    const created = await lbc.send(
      new elb.CreateLoadBalancerCommand({
        Name: 'web',
        Subnets: subnets.map((s) => s.SubnetId!),
        SecurityGroups: [GroupId!],
        Tags: [{ Key: 'env', Value: 'test' }],
      }),
    );
    const lb = created.LoadBalancers![0]!;
    assert.equal(lb.State?.Code, 'provisioning');
    assert.ok(lb.CreatedTime instanceof Date);
    const waited = await elb.waitUntilLoadBalancerAvailable(
      { client: lbc, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
      { LoadBalancerArns: [lb.LoadBalancerArn!] },
    );
    assert.equal(waited.state, 'SUCCESS');
    await assert.rejects(lbc.send(new elb.DescribeLoadBalancersCommand({ Names: ['ghost'] })), elb.LoadBalancerNotFoundException);
    const attrs = await lbc.send(
      new elb.ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '30' }] }),
    );
    assert.ok(attrs.Attributes!.some((a) => a.Key === 'idle_timeout.timeout_seconds' && a.Value === '30'));
    await lbc.send(new elb.DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    assert.deepEqual((await lbc.send(new elb.SetSecurityGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: [GroupId!] }))).SecurityGroupIds, [
      GroupId,
    ]);
    await assert.rejects(ec2c.send(new ec2.DeleteSecurityGroupCommand({ GroupId })), (e: Error) => e.name === 'DependencyViolation');

    // Target groups.
    const tg = (
      await lbc.send(
        new elb.CreateTargetGroupCommand({
          Name: 'web-tg',
          Protocol: 'HTTP',
          Port: 80,
          VpcId: vpcId,
          HealthCheckPath: '/health',
          Matcher: { HttpCode: '200-299' },
        }),
      )
    ).TargetGroups![0]!;
    const api = (await lbc.send(new elb.CreateTargetGroupCommand({ Name: 'api-tg', Protocol: 'HTTP', Port: 8080 }))).TargetGroups![0]!;
    await assert.rejects(lbc.send(new elb.CreateTargetGroupCommand({ Name: 'web-tg', Protocol: 'HTTP', Port: 81 })), elb.DuplicateTargetGroupNameException);
    await lbc.send(new elb.ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckIntervalSeconds: 10 }));
    await lbc.send(
      new elb.ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '1' }],
      }),
    );
    const tga = await lbc.send(new elb.DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn }));
    assert.ok(tga.Attributes!.some((a) => a.Key === 'deregistration_delay.timeout_seconds' && a.Value === '1'));

    // Listener and rules.
    const listener = (
      await lbc.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
        }),
      )
    ).Listeners![0]!;
    await assert.rejects(
      lbc.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      ),
      elb.DuplicateListenerException,
    );
    const rule = (
      await lbc.send(
        new elb.CreateRuleCommand({
          ListenerArn: listener.ListenerArn,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: api.TargetGroupArn }],
        }),
      )
    ).Rules![0]!;
    assert.equal(rule.Priority, '10');
    await assert.rejects(
      lbc.send(
        new elb.CreateRuleCommand({
          ListenerArn: listener.ListenerArn,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
        }),
      ),
      elb.PriorityInUseException,
    );
    await lbc.send(new elb.ModifyRuleCommand({ RuleArn: rule.RuleArn, Conditions: [{ Field: 'path-pattern', Values: ['/v2/*'] }] }));
    await lbc.send(new elb.SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: rule.RuleArn, Priority: 20 }] }));
    const rules = (await lbc.send(new elb.DescribeRulesCommand({ ListenerArn: listener.ListenerArn }))).Rules!;
    assert.deepEqual(
      rules.map((r) => [r.Priority, r.IsDefault]),
      [
        ['20', false],
        ['default', true],
      ],
    );
    assert.equal(rules[0]!.Conditions![0]!.Values![0], '/v2/*');
    await assert.rejects(lbc.send(new elb.DeleteRuleCommand({ RuleArn: rules[1]!.RuleArn })), elb.OperationNotPermittedException);
    await lbc.send(new elb.ModifyListenerCommand({ ListenerArn: listener.ListenerArn, Port: 8000 }));
    const ls = (await lbc.send(new elb.DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners!;
    assert.deepEqual(
      ls.map((l) => l.Port),
      [8000],
    );
    assert.equal(ls[0]!.DefaultActions![0]!.TargetGroupArn, tg.TargetGroupArn);
    const byLb = (await lbc.send(new elb.DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).TargetGroups!;
    assert.deepEqual(
      byLb.map((t) => t.TargetGroupName),
      ['api-tg', 'web-tg'],
    );
    await assert.rejects(lbc.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: api.TargetGroupArn })), elb.ResourceInUseException);

    // Targets on dynamic ports: one instance, two ports.
    await lbc.send(
      new elb.RegisterTargetsCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Targets: [
          { Id: 'i-0abc', Port: 32768 },
          { Id: 'i-0abc', Port: 32771 },
        ],
      }),
    );
    let health = (await lbc.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!;
    assert.deepEqual(health.map((h) => [h.Target!.Port, h.HealthCheckPort, h.TargetHealth!.State]).sort(), [
      [32768, '32768', 'initial'],
      [32771, '32771', 'initial'],
    ]);
    await lbc.send(new elb.DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0abc', Port: 32771 }] }));
    health = (await lbc.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0abc', Port: 32771 }] })))
      .TargetHealthDescriptions!;
    assert.equal(health[0]!.TargetHealth!.State, 'draining');
    const dereg = await elb.waitUntilTargetDeregistered(
      { client: lbc, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
      { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0abc', Port: 32771 }] },
    );
    assert.equal(dereg.state, 'SUCCESS');
    health = (await lbc.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!;
    assert.deepEqual(
      health.map((h) => h.Target!.Port),
      [32768],
    );

    // Tags.
    await lbc.send(new elb.AddTagsCommand({ ResourceArns: [tg.TargetGroupArn!], Tags: [{ Key: 'team', Value: 'a' }] }));
    await lbc.send(new elb.RemoveTagsCommand({ ResourceArns: [lb.LoadBalancerArn!], TagKeys: ['env'] }));
    const tags = (await lbc.send(new elb.DescribeTagsCommand({ ResourceArns: [lb.LoadBalancerArn!, tg.TargetGroupArn!] }))).TagDescriptions!;
    assert.deepEqual(
      tags.map((t) => t.Tags),
      [[], [{ Key: 'team', Value: 'a' }]],
    );

    // Tear down.
    await lbc.send(new elb.DeleteRuleCommand({ RuleArn: rule.RuleArn }));
    await lbc.send(new elb.DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    await lbc.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: api.TargetGroupArn }));
    await lbc.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    await lbc.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    await lbc.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn }));
    await ec2c.send(
      new ec2.RevokeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '127.0.0.0/8' }] }],
      }),
    );
    await ec2c.send(new ec2.DeleteSecurityGroupCommand({ GroupId }));
    assert.deepEqual((await lbc.send(new elb.DescribeLoadBalancersCommand({}))).LoadBalancers, []);
    assert.deepEqual((await ec2c.send(new ec2.DescribeInstancesCommand({}))).Reservations, []);
  });
  test('GRPC target groups through the SDK: GrpcCode and the gRPC check path by default, the wrong matcher refused with ValidationError', async () => {
    const g = (await lbc.send(new elb.CreateTargetGroupCommand({ Name: 'grpc-api', Protocol: 'HTTP', ProtocolVersion: 'GRPC', Port: 50051 })))
      .TargetGroups?.[0];
    assert.equal(g?.ProtocolVersion, 'GRPC');
    assert.deepEqual(g?.Matcher, { GrpcCode: '12' });
    assert.equal(g?.HealthCheckPath, '/AWS.ALB/healthcheck');
    const m = (
      await lbc.send(
        new elb.ModifyTargetGroupCommand({ TargetGroupArn: g?.TargetGroupArn, Matcher: { GrpcCode: '0-2' }, HealthCheckPath: '/grpc.health.v1.Health/Check' }),
      )
    ).TargetGroups?.[0];
    assert.deepEqual(m?.Matcher, { GrpcCode: '0-2' });
    const refused = async (p: Promise<unknown>, message: RegExp) =>
      assert.rejects(p, (e: Error & { name: string }) => e.name === 'ValidationError' && message.test(e.message));
    await refused(lbc.send(new elb.ModifyTargetGroupCommand({ TargetGroupArn: g?.TargetGroupArn, Matcher: { HttpCode: '200' } })), /Matcher\.HttpCode/);
    await refused(
      lbc.send(new elb.CreateTargetGroupCommand({ Name: 'grpc-bad', Protocol: 'HTTP', ProtocolVersion: 'GRPC', Port: 1, Matcher: { HttpCode: '200' } })),
      /Matcher\.HttpCode/,
    );
    await refused(
      lbc.send(new elb.CreateTargetGroupCommand({ Name: 'grpc-bad', Protocol: 'HTTP', ProtocolVersion: 'GRPC', Port: 1, Matcher: { GrpcCode: '200' } })),
      /must be within '0-99' inclusive/,
    );
    await refused(lbc.send(new elb.CreateTargetGroupCommand({ Name: 'h1-bad', Protocol: 'HTTP', Port: 1, Matcher: { GrpcCode: '0' } })), /Matcher\.GrpcCode/);
    await refused(
      lbc.send(new elb.CreateTargetGroupCommand({ Name: 'h2-bad', Protocol: 'HTTP', ProtocolVersion: 'HTTP2', Port: 1, Matcher: { GrpcCode: '0' } })),
      /Matcher\.GrpcCode/,
    );
    await refused(
      lbc.send(new elb.CreateTargetGroupCommand({ Name: 'h3-bad', Protocol: 'HTTP', ProtocolVersion: 'HTTP3', Port: 1 })),
      /Protocol version 'HTTP3'/,
    );
    await lbc.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: g?.TargetGroupArn }));
  });

  test('a GRPC target group behind an HTTP listener is refused with IncompatibleProtocols, as ALB does; behind HTTPS it is taken', async () => {
    // An issued certificate for the HTTPS listener, imported straight into the same store.
    const random = seededRandom(21);
    const ctx = (): RequestContext => ({ requestId: 'r', region: DEFAULT_REGION, accountId: ACCOUNT_ID, now: Date.now(), sourceIp: '127.0.0.1' });
    const acm = createAcmService({
      store,
      clock: systemClock,
      random,
      sealedBox: sealedBoxFromKey(Buffer.alloc(32, 5)),
      authority: ephemeralCertificateAuthority(random, Date.now()),
    });
    const cert = selfSigned(['grpc.example.com']);
    const { CertificateArn } = await operationCaller<'acm'>(acm.handlers, ctx)('ImportCertificate', {
      Certificate: new Uint8Array(Buffer.from(cert.certificatePem)),
      PrivateKey: new Uint8Array(Buffer.from(cert.privateKeyPem)),
    });
    const lbArn = (await lbc.send(new elb.CreateLoadBalancerCommand({ Name: 'grpc-lb' }))).LoadBalancers?.[0]?.LoadBalancerArn;
    const tg = async (name: string, version: string) =>
      (await lbc.send(new elb.CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', ProtocolVersion: version, Port: 50051, TargetType: 'ip' })))
        .TargetGroups?.[0]?.TargetGroupArn;
    const grpc = await tg('grpc-svc', 'GRPC');
    const web = await tg('web-svc', 'HTTP1');
    const forward = (arn: string | undefined) => [{ Type: 'forward' as const, TargetGroupArn: arn }];
    const incompatible = (p: Promise<unknown>) =>
      assert.rejects(p, (e: Error) => {
        // The SDK's class for the wire code IncompatibleProtocols.
        assert.equal(e.name, 'IncompatibleProtocolsException');
        assert.match(e.message, /Listener protocol 'HTTP' is not supported with a target group with the protocol-version 'GRPC'/);
        return true;
      });

    // CreateListener: an HTTP listener forwarding to the GRPC group.
    await incompatible(lbc.send(new elb.CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8080, DefaultActions: forward(grpc) })));
    const http = (await lbc.send(new elb.CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8080, DefaultActions: forward(web) })))
      .Listeners?.[0]?.ListenerArn;
    // ModifyListener: its default action switched to the GRPC group.
    await incompatible(lbc.send(new elb.ModifyListenerCommand({ ListenerArn: http, DefaultActions: forward(grpc) })));
    // CreateRule and ModifyRule on the HTTP listener.
    const conditions = [{ Field: 'path-pattern', Values: ['/pkg.Service/*'] }];
    await incompatible(lbc.send(new elb.CreateRuleCommand({ ListenerArn: http, Priority: 1, Conditions: conditions, Actions: forward(grpc) })));
    const rule = (await lbc.send(new elb.CreateRuleCommand({ ListenerArn: http, Priority: 1, Conditions: conditions, Actions: forward(web) }))).Rules?.[0]
      ?.RuleArn;
    await incompatible(lbc.send(new elb.ModifyRuleCommand({ RuleArn: rule, Actions: forward(grpc) })));
    // Nothing refused was stored: the group is still unused.
    const stillFree = (await lbc.send(new elb.DescribeTargetGroupsCommand({ TargetGroupArns: [String(grpc)] }))).TargetGroups?.[0];
    assert.deepEqual(stillFree?.LoadBalancerArns, []);

    // HTTPS takes the GRPC group: as its default action and in a rule.
    const https = (
      await lbc.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Protocol: 'HTTPS',
          Port: 8443,
          Certificates: [{ CertificateArn }],
          DefaultActions: forward(grpc),
        }),
      )
    ).Listeners?.[0]?.ListenerArn;
    await lbc.send(new elb.CreateRuleCommand({ ListenerArn: https, Priority: 2, Conditions: conditions, Actions: forward(grpc) }));
    // ModifyListener: turning that listener into HTTP would put the GRPC group behind HTTP.
    await incompatible(lbc.send(new elb.ModifyListenerCommand({ ListenerArn: https, Protocol: 'HTTP', Port: 8081 })));
    const kept = (await lbc.send(new elb.DescribeListenersCommand({ ListenerArns: [String(https)] }))).Listeners?.[0];
    assert.equal(kept?.Protocol, 'HTTPS');
    await lbc.send(new elb.DeleteListenerCommand({ ListenerArn: https }));
    await lbc.send(new elb.DeleteListenerCommand({ ListenerArn: http }));
    await lbc.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: lbArn }));
  });
});
