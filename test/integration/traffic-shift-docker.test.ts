/**
 * Traffic-shifting deployments with real containers under steady load (issue 17), on one `berth up`
 * with `--deployment-time-scale 6` (a bake minute lasts 10 s; a Berth test aid, docs/differences.md):
 * - CANARY 20%: during the canary bake the new revision answers 20% ± 7 points of the production
 *   listener's requests, afterwards all of them; the test listener serves green from the start of
 *   the shift; zero failed requests.
 * - a green failing its health checks: never gets production traffic, the circuit breaker rolls it
 *   back, zero failed requests at the production listener, and 100% blue again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { requirement } from '../support/requirements.js';
import { TEST_IMAGE } from '../support/test-image.js';
import { startLoad, type LoadResult } from '../support/load-loop.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';
import { must, startDockerStack, type DockerStack } from '../support/docker-stack.js';

const skip = requirement('docker');

/** Responses from `version` in a load result. */
const from = (r: LoadResult, version: string) => [...r.bodies].filter(([b]) => b.includes(`"version":"${version}"`)).reduce((n, [, c]) => n + c, 0);
const failed = (r: LoadResult) => r.total - r.ok;

describe('traffic-shifting deployments on real Docker under load', { skip, timeout: 300_000 }, () => {
  let stack: DockerStack;
  let CLUSTER = '';
  let client: ecs.ECSClient;
  let lbClient: elb.ElasticLoadBalancingV2Client;

  before(async () => {
    stack = await startDockerStack('shift', ['--deployment-time-scale', '6']);
    ({ ecs: client, elb: lbClient, cluster: CLUSTER } = stack);
  });
  after(async () => {
    await stack?.close(['shift']);
  });

  const taskDefinition = async (version: string, command?: string[]) =>
    (
      await client.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'shift',
          containerDefinitions: [
            {
              name: 'web',
              image: TEST_IMAGE,
              memory: 32,
              essential: true,
              portMappings: [{ containerPort: 80, hostPort: 0 }],
              environment: [{ name: 'APP_VERSION', value: version }],
              stopTimeout: 2,
              ...(command ? { command } : {}),
            },
          ],
        }),
      )
    ).taskDefinition?.taskDefinitionArn;
  const taskDefinitionArn = async (version: string, command?: string[]) => must(await taskDefinition(version, command), 'a task definition');

  const primary = async () => {
    const [d] =
      (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'shift', status: ['IN_PROGRESS'] }))).serviceDeployments ?? [];
    if (!d?.serviceDeploymentArn) return undefined;
    return (await client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [d.serviceDeploymentArn] }))).serviceDeployments?.[0];
  };
  const stable = async () => {
    const s = (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['shift'] }))).services?.[0];
    return s?.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED' ? s : undefined;
  };

  test('CANARY 20%, then a failing green rolled back, with zero failed requests', async (t) => {
    const lb = must((await lbClient.send(new elb.CreateLoadBalancerCommand({ Name: 'shift', Scheme: 'internal' }))).LoadBalancers?.[0], 'the load balancer');
    const group = async (name: string) => {
      const tg = (
        await lbClient.send(
          new elb.CreateTargetGroupCommand({
            Name: name,
            Protocol: 'HTTP',
            Port: 80,
            HealthCheckPath: '/',
            HealthCheckIntervalSeconds: 5,
            HealthyThresholdCount: 2,
            UnhealthyThresholdCount: 2,
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn;
      if (!tg) throw new Error('no target group');
      await lbClient.send(
        new elb.ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }] }),
      );
      return tg;
    };
    const blueTg = await group('shift-a');
    const greenTg = await group('shift-b');
    const both = [
      {
        Type: 'forward' as const,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blueTg, Weight: 1 },
            { TargetGroupArn: greenTg, Weight: 0 },
          ],
        },
      },
    ];
    const listener = async (port: number) => {
      const arn = (
        await lbClient.send(new elb.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: port, DefaultActions: both }))
      ).Listeners?.[0]?.ListenerArn;
      return must(
        (await lbClient.send(new elb.DescribeRulesCommand({ ListenerArn: must(arn, 'the listener') }))).Rules?.find((r) => r.IsDefault)?.RuleArn,
        'the default rule',
      );
    };
    const prodPort = await freePort();
    const testPort = await freePort();
    const productionListenerRule = await listener(prodPort);
    const testListenerRule = await listener(testPort);
    const url = (port: number) => `http://127.0.0.1:${port}/cgi-bin/whoami`;

    await client.send(
      new ecs.CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'shift',
        taskDefinition: await taskDefinitionArn('v1'),
        desiredCount: 2,
        deploymentConfiguration: {
          strategy: 'CANARY',
          bakeTimeInMinutes: 0,
          canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 2 },
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
        loadBalancers: [
          {
            targetGroupArn: blueTg,
            containerName: 'web',
            containerPort: 80,
            advancedConfiguration: { alternateTargetGroupArn: greenTg, productionListenerRule, testListenerRule, roleArn: 'arn:aws:iam::000000000000:role/lb' },
          },
        ],
      }),
    );
    await eventually(stable, { what: 'v1 stable', timeoutMs: 90_000, intervalMs: 500 });

    // CANARY 20% under load on both listeners.
    const prod = startLoad(url(prodPort), { concurrency: 4, maxMs: 200_000 });
    const testLoad = startLoad(url(testPort), { concurrency: 1, maxMs: 200_000, pauseMs: 20 });
    await client.send(new ecs.UpdateServiceCommand({ cluster: CLUSTER, service: 'shift', taskDefinition: await taskDefinitionArn('v2') }));
    await eventually(async () => ((await primary())?.targetServiceRevision?.requestedProductionTrafficWeight === 20 ? true : undefined), {
      what: 'the canary share in the production rule',
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    // A 20 s canary bake (2 scaled minutes): enough requests for ±7 points to be several standard deviations even on a loaded host.
    // One routing-table swap after the rule's write: then the canary bake is measured, until the weight moves on.
    const start = await eventually(
      async () => {
        const s = prod.snapshot();
        return from(s, 'v2') > 0 ? s : undefined;
      },
      { what: 'green answering production', timeoutMs: 10_000, intervalMs: 50 },
    );
    const testAtStart = testLoad.snapshot();
    let last = start;
    await eventually(
      async () => {
        const weight = (await primary())?.targetServiceRevision?.requestedProductionTrafficWeight;
        if (weight === 20) last = prod.snapshot();
        return weight !== 20 ? true : undefined;
      },
      { what: 'the canary bake to end', timeoutMs: 60_000, intervalMs: 200 },
    );
    const canaryTotal = last.total - start.total;
    const canaryShare = ((from(last, 'v2') - from(start, 'v2')) / canaryTotal) * 100;
    t.diagnostic(`canary bake: green answered ${canaryShare.toFixed(1)}% of ${canaryTotal} production requests`);
    assert.ok(canaryTotal > 100, `enough requests in the canary bake (${canaryTotal})`);
    assert.ok(Math.abs(canaryShare - 20) <= 7, `green's share during the canary bake: ${canaryShare.toFixed(1)}% of ${canaryTotal}`);
    // The test rule moved to green before the production rule did: from then on the test listener answers from green only.
    const testAtEnd = testLoad.snapshot();
    assert.equal(from(testAtEnd, 'v1') - from(testAtStart, 'v1'), 0, 'no blue answer at the test listener once production shifts');
    assert.ok(from(testAtEnd, 'v2') > 0, 'the test listener serves green');

    await eventually(stable, { what: 'v2 stable, blue drained', timeoutMs: 90_000, intervalMs: 500 });
    const afterShift = prod.snapshot();
    await eventually(async () => (prod.snapshot().total - afterShift.total > 100 ? true : undefined), {
      what: 'more load',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const tail = prod.snapshot();
    assert.equal(from(tail, 'v1') - from(afterShift, 'v1'), 0, 'afterwards all production requests reach green');

    // A green that fails its health checks (its container serves nothing): rolled back by the breaker.
    const beforeBad = prod.snapshot();
    await client.send(new ecs.UpdateServiceCommand({ cluster: CLUSTER, service: 'shift', taskDefinition: await taskDefinitionArn('v3', ['sleep', '3600']) }));
    const back = await eventually(
      async () => {
        const s = await stable();
        return s && s.taskDefinition?.endsWith(':2') ? s : undefined;
      },
      { what: 'the failing green rolled back to v2', timeoutMs: 180_000, intervalMs: 1000 },
    );
    assert.equal(back.deployments?.[0]?.taskDefinition?.endsWith(':2'), true);
    const bad = prod.snapshot();
    assert.equal(from(bad, 'v3'), 0, 'the failing green never answered production');
    assert.ok(bad.total - beforeBad.total > 50, 'load ran through the rollback');

    const prodResult = await prod.stop();
    const testResult = await testLoad.stop();
    assert.equal(failed(prodResult), 0, `failed production requests: ${JSON.stringify([...prodResult.failures])}`);
    assert.equal(failed(testResult), 0, `failed test-listener requests: ${JSON.stringify([...testResult.failures])}`);
    const list = (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'shift' }))).serviceDeployments ?? [];
    assert.equal(list[0]?.status, 'ROLLBACK_SUCCESSFUL');
  });
});
