/**
 * The load-balancer node wired to the control plane: everything created through the AWS SDK, traffic
 * through real listener sockets, health transitions read back with DescribeTargetHealth.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { eventually } from '../support/eventually.js';
import { containerInstance, freePort, get, lbWorld, upstream, type LbWorld, type Reply, type Upstream } from './load-balancer-harness.js';

describe('load-balancer node through the AWS SDK', () => {
  let w: LbWorld;
  let a: Upstream;
  let b: Upstream;
  before(async () => {
    w = await lbWorld();
    a = await upstream('a');
    b = await upstream('b');
    await containerInstance(w.store, 'i-0aaa');
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await w?.close();
  });

  const health = async (tgArn: string) =>
    (await w.elb.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions!.map((d) => [
      d.Target!.Port,
      d.TargetHealth!.State,
      d.TargetHealth!.Reason,
    ]);

  test('routing, 503 without targets, health initial → healthy → unhealthy (ResponseCodeMismatch) → healthy, waiter, rules live', async () => {
    const lb = (await w.elb.send(new elb.CreateLoadBalancerCommand({ Name: 'web', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await w.elb.send(
        new elb.CreateTargetGroupCommand({
          Name: 'web',
          Protocol: 'HTTP',
          Port: 80,
          TargetType: 'instance',
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
          HealthCheckTimeoutSeconds: 2,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!;
    const port = await freePort();
    const listener = (
      await w.elb.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: port,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
        }),
      )
    ).Listeners![0]!;

    // No registered targets: the ALB answers 503 itself.
    const none = await eventually(() => get(port).catch((): Reply => ({ status: 0, body: '', headers: {} })), {
      what: '(r) => r.status === 503',
      timeoutMs: 15_000,
      intervalMs: 100,
      until: (r) => r.status === 503,
    });
    assert.equal(none.headers.server, 'awselb/2.0');

    await w.elb.send(
      new elb.RegisterTargetsCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Targets: [
          { Id: 'i-0aaa', Port: a.port },
          { Id: 'i-0aaa', Port: b.port },
        ],
      }),
    );
    const waited = await elb.waitUntilTargetInService(
      { client: w.elb, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
      { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0aaa', Port: a.port }] },
    );
    assert.equal(waited.state, 'SUCCESS');
    await eventually(() => health(tg.TargetGroupArn!), {
      what: "(h) => h.every(([, s]) => s === 'healthy')",
      timeoutMs: 15_000,
      intervalMs: 100,
      until: (h) => h.every(([, s]) => s === 'healthy'),
    });

    // The routing table follows the store's health records a moment later (the routing feed), so
    // traffic is checked until it agrees rather than the instant the store does.
    const spread = (path: string) => async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add((await get(port, path)).body);
      return [...seen].sort();
    };
    const both = (path: string) => (s: string[]) => s.length === 2 && s[0] === `a ${path}` && s[1] === `b ${path}`;
    assert.deepEqual(await eventually(spread('/x'), { what: "both('/x')", timeoutMs: 15_000, intervalMs: 100, until: both('/x') }), ['a /x', 'b /x']);

    // b's health check starts failing with 500: unhealthy after 2 checks, with ALB's reason.
    b.healthStatus = 500;
    const bad = await eventually(() => health(tg.TargetGroupArn!), {
      what: "(h) => h.some(([p, s]) => p === b.port && s === 'unhealthy')",
      timeoutMs: 20_000,
      intervalMs: 100,
      until: (h) => h.some(([p, s]) => p === b.port && s === 'unhealthy'),
    });
    assert.deepEqual(
      bad.find(([p]) => p === b.port),
      [b.port, 'unhealthy', 'Target.ResponseCodeMismatch'],
    );
    const desc = (await w.elb.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0aaa', Port: b.port }] })))
      .TargetHealthDescriptions![0]!;
    assert.match(desc.TargetHealth!.Description!, /\[500\]/);
    // Only a serves now.
    await eventually(
      async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 4; i++) seen.add((await get(port, '/y')).body);
        return [...seen];
      },
      { what: "(s) => s.length === 1 && s[0] === 'a /y'", timeoutMs: 15_000, intervalMs: 100, until: (s) => s.length === 1 && s[0] === 'a /y' },
    );

    // Fail-open: every target unhealthy → the node routes to all of them.
    a.healthStatus = 500;
    await eventually(() => health(tg.TargetGroupArn!), {
      what: "(h) => h.every(([, s]) => s === 'unhealthy')",
      timeoutMs: 20_000,
      intervalMs: 100,
      until: (h) => h.every(([, s]) => s === 'unhealthy'),
    });
    assert.deepEqual(await eventually(spread('/z'), { what: "both('/z')", timeoutMs: 15_000, intervalMs: 100, until: both('/z') }), ['a /z', 'b /z']);

    // Recovery needs HealthyThresholdCount passes.
    a.healthStatus = 200;
    b.healthStatus = 200;
    await eventually(() => health(tg.TargetGroupArn!), {
      what: "(h) => h.every(([, s]) => s === 'healthy')",
      timeoutMs: 20_000,
      intervalMs: 100,
      until: (h) => h.every(([, s]) => s === 'healthy'),
    });

    // A rule added through the API takes effect without a restart.
    await w.elb.send(
      new elb.CreateRuleCommand({
        ListenerArn: listener.ListenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', ContentType: 'text/plain', MessageBody: 'teapot' } }],
      }),
    );
    const ruled = await eventually(() => get(port, '/api/v1'), {
      what: '(r) => r.status === 418',
      timeoutMs: 15_000,
      intervalMs: 100,
      until: (r) => r.status === 418,
    });
    assert.equal(ruled.body, 'teapot');
    assert.match((await get(port, '/apx')).body, /^[ab] \/apx$/);

    // The port is ours now: a second LB cannot take it, with a clear API error.
    const other = (await w.elb.send(new elb.CreateLoadBalancerCommand({ Name: 'other', Scheme: 'internal' }))).LoadBalancers![0]!;
    await assert.rejects(
      w.elb.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: other.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: port,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
        }),
      ),
      (e: Error) => e.name === 'InvalidConfigurationRequestException' && /already in use on this host/.test(e.message),
    );
  });

  test('a hung health endpoint is Target.Timeout; checks disabled is unavailable; a group no listener uses is unused', async () => {
    const hung = await upstream('hung');
    hung.healthStatus = 0;
    try {
      const lb = (await w.elb.send(new elb.CreateLoadBalancerCommand({ Name: 'timeouts', Scheme: 'internal' }))).LoadBalancers![0]!;
      const mk = async (name: string, extra: Partial<elb.CreateTargetGroupCommandInput> = {}) =>
        (
          await w.elb.send(
            new elb.CreateTargetGroupCommand({
              Name: name,
              Protocol: 'HTTP',
              Port: 80,
              TargetType: 'instance',
              HealthCheckPath: '/health',
              HealthCheckIntervalSeconds: 5,
              HealthCheckTimeoutSeconds: 2,
              UnhealthyThresholdCount: 2,
              ...extra,
            }),
          )
        ).TargetGroups![0]!;
      const slow = await mk('slow');
      const unchecked = await mk('unchecked', { HealthCheckEnabled: false });
      const idle = await mk('idle');
      const port = await freePort();
      const listener = (
        await w.elb.send(
          new elb.CreateListenerCommand({
            LoadBalancerArn: lb.LoadBalancerArn,
            Protocol: 'HTTP',
            Port: port,
            DefaultActions: [{ Type: 'forward', TargetGroupArn: slow.TargetGroupArn }],
          }),
        )
      ).Listeners![0]!;
      await w.elb.send(
        new elb.CreateRuleCommand({
          ListenerArn: listener.ListenerArn,
          Priority: 1,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/unchecked/*'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: unchecked.TargetGroupArn }],
        }),
      );
      for (const tg of [slow, unchecked, idle]) {
        await w.elb.send(new elb.RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0aaa', Port: hung.port }] }));
      }
      const timedOut = await eventually(() => health(slow.TargetGroupArn!), {
        what: "(h) => h[0]?.[1] === 'unhealthy'",
        timeoutMs: 25_000,
        intervalMs: 100,
        until: (h) => h[0]?.[1] === 'unhealthy',
      });
      assert.deepEqual(timedOut, [[hung.port, 'unhealthy', 'Target.Timeout']]);
      assert.deepEqual(await health(unchecked.TargetGroupArn!), [[hung.port, 'unavailable', 'Target.HealthCheckDisabled']]);
      assert.deepEqual(await health(idle.TargetGroupArn!), [[hung.port, 'unused', 'Target.NotInUse']]);
    } finally {
      await hung.close();
    }
  });
});
