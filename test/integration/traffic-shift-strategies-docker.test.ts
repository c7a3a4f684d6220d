/**
 * LINEAR and BLUE_GREEN deployments with real containers under steady load (issue 17), on one
 * `berth up` with `--deployment-time-scale 6` (a bake minute lasts 10 s; a Berth test aid,
 * docs/differences.md). traffic-shift-docker covers CANARY.
 * - LINEAR 25% steps: through the production listener green answers about 25%, 50%, 75% of the
 *   requests, one step per step bake, then all of them; zero failed requests.
 * - BLUE_GREEN: the test listener serves green before the production listener does (the 1 s settle
 *   after the test rule), and from then on only green; production moves all at once; zero failed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { requirement } from '../support/requirements.js';
import { TEST_IMAGE } from '../support/test-image.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';
import { must, startDockerStack, type DockerStack } from '../support/docker-stack.js';
import {
  answered,
  answeredBy,
  appFailed,
  berthFailed,
  describeCounts,
  shareOf,
  startShiftLoad,
  type ShiftBucket,
  type ShiftCounts,
} from '../support/shift-listeners.js';

const skip = requirement('docker');
const BUCKET_MS = 250;

/** The buckets wholly within [from, to), summed. */
function within(buckets: readonly ShiftBucket[], from: number, to: number): ShiftCounts {
  const byRevision = new Map<string, number>();
  let total = 0;
  for (const b of buckets) {
    if (b.at < from || b.at + BUCKET_MS > to) continue;
    total += b.total;
    for (const [k, v] of b.byRevision) byRevision.set(k, (byRevision.get(k) ?? 0) + v);
  }
  return { total, byRevision, berthFailures: new Map(), appErrors: new Map() };
}

/** When a revision first answered (the start of its first bucket). */
const firstAnswer = (buckets: readonly ShiftBucket[], revision: string) => buckets.find((b) => answeredBy(b, revision) > 0)?.at;

describe('LINEAR and BLUE_GREEN deployments on real Docker under load', { skip, timeout: 240_000 }, () => {
  let stack: DockerStack;
  let CLUSTER = '';
  let client: ecs.ECSClient;
  let lbClient: elb.ElasticLoadBalancingV2Client;

  before(async () => {
    stack = await startDockerStack('strat', ['--deployment-time-scale', '6']);
    ({ ecs: client, elb: lbClient, cluster: CLUSTER } = stack);
  });
  after(async () => {
    await stack?.close(['strat']);
  });

  const taskDefinitionArn = async (version: string) =>
    must(
      (
        await client.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'strat',
            containerDefinitions: [
              {
                name: 'web',
                image: TEST_IMAGE,
                memory: 32,
                essential: true,
                portMappings: [{ containerPort: 80, hostPort: 0 }],
                environment: [{ name: 'APP_VERSION', value: version }],
                stopTimeout: 2,
              },
            ],
          }),
        )
      ).taskDefinition?.taskDefinitionArn,
      'a task definition',
    );

  const inProgress = async () => {
    const [d] =
      (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'strat', status: ['IN_PROGRESS'] }))).serviceDeployments ?? [];
    if (!d?.serviceDeploymentArn) return undefined;
    return (await client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [d.serviceDeploymentArn] }))).serviceDeployments?.[0];
  };
  const stableOn = (version: string) => async () => {
    const s = (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['strat'] }))).services?.[0];
    const one = s?.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED' && s.runningCount === 2;
    return one && s?.taskDefinition === version ? s : undefined;
  };

  test('LINEAR 25%: four steps through the production listener; then BLUE_GREEN: the test listener serves green first; zero failed requests', async (t) => {
    const lb = must((await lbClient.send(new elb.CreateLoadBalancerCommand({ Name: 'strat', Scheme: 'internal' }))).LoadBalancers?.[0], 'the load balancer');
    const group = async (name: string) => {
      const tg = must(
        (
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
        ).TargetGroups?.[0]?.TargetGroupArn,
        'a target group',
      );
      await lbClient.send(
        new elb.ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }] }),
      );
      return tg;
    };
    const blueTg = await group('strat-a');
    const greenTg = await group('strat-b');
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
    const listenerRule = async (port: number) => {
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
    const productionListenerRule = await listenerRule(prodPort);
    const testListenerRule = await listenerRule(testPort);
    const url = (port: number) => `http://127.0.0.1:${port}/cgi-bin/whoami`;

    const v1 = await taskDefinitionArn('v1');
    await client.send(
      new ecs.CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'strat',
        taskDefinition: v1,
        desiredCount: 2,
        deploymentConfiguration: { strategy: 'LINEAR', bakeTimeInMinutes: 0, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 } },
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
    await eventually(stableOn(v1), { what: 'v1 stable', timeoutMs: 90_000, intervalMs: 500 });

    const prod = startShiftLoad(url(prodPort), { concurrency: 4, maxMs: 200_000, bucketMs: BUCKET_MS });
    const testLoad = startShiftLoad(url(testPort), { concurrency: 1, maxMs: 200_000, pauseMs: 20, bucketMs: BUCKET_MS });
    // A failed assertion must not leave the load running until maxMs.
    t.after(async () => {
      await prod.stop();
      await testLoad.stop();
    });

    // LINEAR: each weight the API shows, with when it was first seen; the load's buckets between two sightings are one step.
    const v2 = await taskDefinitionArn('v2');
    await client.send(new ecs.UpdateServiceCommand({ cluster: CLUSTER, service: 'strat', taskDefinition: v2 }));
    const seen: [weight: number, at: number][] = [];
    await eventually(
      async () => {
        const d = await inProgress();
        const weight = d?.targetServiceRevision?.requestedProductionTrafficWeight;
        if (weight !== undefined && weight !== seen.at(-1)?.[0]) seen.push([weight, Date.now()]);
        return seen.at(-1)?.[0] === 100 ? true : undefined;
      },
      { what: 'the linear shift to reach 100%', timeoutMs: 120_000, intervalMs: 100 },
    );
    await eventually(stableOn(v2), { what: 'v2 stable, blue drained', timeoutMs: 90_000, intervalMs: 500 });
    const buckets = prod.buckets();
    const steps = seen.filter(([w]) => w > 0);
    assert.deepEqual(
      steps.map(([w]) => w),
      [25, 50, 75, 100],
      'four steps, in order',
    );
    // From a second after a sighting (a routing-table swap takes longer on a loaded host), until just before the next one.
    const shares: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [weight, from] = must(steps[i], 'a step');
      const [, to] = must(steps[i + 1], 'the next step');
      const c = within(buckets, from + 1000, to - 300);
      const share = shareOf(c, 'v2');
      shares.push(share);
      // Each answer picks green with the step's weight: ±7 points, or 4 standard deviations when a loaded host sent few requests.
      const n = answered(c);
      const p = weight / 100;
      const tolerance = Math.max(7, 4 * 100 * Math.sqrt((p * (1 - p)) / Math.max(n, 1)));
      t.diagnostic(`LINEAR step ${weight}%: green answered ${share.toFixed(1)}% of ${n} production requests (±${tolerance.toFixed(1)} allowed)`);
      assert.ok(n > 100, `enough requests in the ${weight}% step (${n})`);
      assert.ok(Math.abs(share - weight) <= tolerance, `green's share in the ${weight}% step: ${share.toFixed(1)}% of ${n}`);
    }
    const afterFull = must(steps[3], 'the 100% step')[1] + 500;
    const tail = await eventually(
      async () => {
        const c = within(prod.buckets(), afterFull, Date.now());
        return answered(c) > 100 ? c : undefined;
      },
      { what: 'more production load after 100%', timeoutMs: 30_000, intervalMs: 200 },
    );
    t.diagnostic(`LINEAR after 100%: ${describeCounts(tail)}`);
    assert.equal(answeredBy(tail, 'v1'), 0, 'after the last step only green answers production');
    assert.ok(answeredBy(tail, 'v2') > 100);

    // BLUE_GREEN: the test listener serves green, then production moves all at once.
    const v3 = await taskDefinitionArn('v3');
    await client.send(
      new ecs.UpdateServiceCommand({
        cluster: CLUSTER,
        service: 'strat',
        taskDefinition: v3,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 },
      }),
    );
    await eventually(stableOn(v3), { what: 'v3 stable, blue drained', timeoutMs: 120_000, intervalMs: 500 });
    const prodResult = await prod.stop();
    const testResult = await testLoad.stop();
    const prodBuckets = prod.buckets();
    const testBuckets = testLoad.buckets();
    const testFirst = must(firstAnswer(testBuckets, 'v3'), 'green answering the test listener');
    const prodFirst = must(firstAnswer(prodBuckets, 'v3'), 'green answering the production listener');
    t.diagnostic(`BLUE_GREEN: green answered the test listener ${prodFirst - testFirst} ms before production`);
    assert.ok(testFirst < prodFirst, `the test listener serves green first (${testFirst} vs ${prodFirst})`);
    // From its first green answer on (the next bucket: in-flight ones finish where they started), the test listener answers from green only.
    const testAfter = within(testBuckets, testFirst + BUCKET_MS, Number.MAX_SAFE_INTEGER);
    assert.equal(answeredBy(testAfter, 'v2'), 0, `no blue answer at the test listener once it serves green: ${describeCounts(testAfter)}`);
    // All at once: from one bucket after green's first production answer, blue answers no production request.
    const prodAfter = within(prodBuckets, prodFirst + 2 * BUCKET_MS, Number.MAX_SAFE_INTEGER);
    assert.equal(answeredBy(prodAfter, 'v2'), 0, `production moved to green at once: ${describeCounts(prodAfter)}`);

    t.diagnostic(`production: ${describeCounts(prodResult)}`);
    t.diagnostic(`test listener: ${describeCounts(testResult)}`);
    assert.equal(berthFailed(prodResult) + appFailed(prodResult), 0, `failed production requests: ${describeCounts(prodResult)}`);
    assert.equal(berthFailed(testResult) + appFailed(testResult), 0, `failed test-listener requests: ${describeCounts(testResult)}`);
    const list = (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'strat' }))).serviceDeployments ?? [];
    assert.deepEqual(
      list.slice(0, 2).map((d) => d.status),
      ['SUCCESSFUL', 'SUCCESSFUL'],
    );
    assert.ok(
      shares.every((s, i) => i === 0 || s > (shares[i - 1] ?? 0)),
      `the shares grow step by step: ${shares.map((s) => s.toFixed(1)).join(', ')}`,
    );
  });
});
