/**
 * A bad green under a CANARY shift, caught by its CloudWatch alarm before production sees it (issue 17),
 * with real containers under load on both listeners. The green revision's app answers 500 (its health
 * check path still answers 200, so only the alarm can tell). With `deploymentConfiguration.alarms`,
 * green serves the test listener alone for a watch (`TEST_WATCH_WITH_ALARMS_MS`, a Berth improvement,
 * docs/differences.md) before production moves: the test listener's 500s reach the alternate target
 * group's HTTPCode_Target_5XX_Count, the alarm goes to ALARM, the deployment fails and rolls back
 * (blue PRIMARY again, never failed itself by the same alarm) to ROLLBACK_SUCCESSFUL. The production
 * listener sees zero failed requests, Berth's or the app's, and is 100% blue throughout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { requirement } from '../support/requirements.js';
import { TEST_IMAGE } from '../support/test-image.js';
import { TEST_CREDENTIALS } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';
import { must, startDockerStack, type DockerStack } from '../support/docker-stack.js';
import { answered, answeredBy, appFailed, berthFailed, between, describeCounts, startShiftLoad } from '../support/shift-listeners.js';

const skip = requirement('docker');
/** The image's whoami CGI, replaced by one that answers 500 naming its revision (the health check path `/` still answers 200). */
const FAILING_CGI = '#!/bin/sh\nprintf "Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nbroken $APP_VERSION\\n"\n';

describe('a bad green rolled back by its 5XX alarm before production moves, real containers under load', { skip, timeout: 240_000 }, () => {
  let stack: DockerStack;
  let CLUSTER = '';
  let client: ecs.ECSClient;
  let lbClient: elb.ElasticLoadBalancingV2Client;
  let metrics: cw.CloudWatchClient;

  before(async () => {
    stack = await startDockerStack('alshift', ['--deployment-time-scale', '6']);
    ({ ecs: client, elb: lbClient, cluster: CLUSTER } = stack);
    metrics = new cw.CloudWatchClient({ endpoint: stack.berth.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    metrics?.destroy();
    await stack?.close(['alshift']);
  });

  const taskDefinitionArn = async (version: string, command?: string[]) =>
    must(
      (
        await client.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'alshift',
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
      ).taskDefinition?.taskDefinitionArn,
      'a task definition',
    );

  test('CANARY with a 5XX deployment alarm: the bad green trips it on test traffic, rolls back, zero failed production requests', async (t) => {
    const lb = must((await lbClient.send(new elb.CreateLoadBalancerCommand({ Name: 'alshift', Scheme: 'internal' }))).LoadBalancers?.[0], 'the load balancer');
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
    const blueTg = await group('alshift-a');
    const greenTg = await group('alshift-b');
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

    // The alarm on green's group: the second deployment registers in the alternate group.
    await metrics.send(
      new cw.PutMetricAlarmCommand({
        AlarmName: 'green-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [
          { Name: 'TargetGroup', Value: must(greenTg.split(':').at(-1), 'the group dimension') },
          { Name: 'LoadBalancer', Value: must(must(lb.LoadBalancerArn, 'lb arn').split(':loadbalancer/')[1], 'the load balancer dimension') },
        ],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );

    // Created without alarms: a first deployment they watch would stay IN_PROGRESS for a steady minute.
    const v1 = await taskDefinitionArn('v1');
    await client.send(
      new ecs.CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'alshift',
        taskDefinition: v1,
        desiredCount: 2,
        deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 0, canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 1 } },
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
    const stableOn = async (td: string) => {
      const s = (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['alshift'] }))).services?.[0];
      const one = s?.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED' && s.deployments[0]?.taskDefinition === td;
      return one && s?.runningCount === 2 ? s : undefined;
    };
    await eventually(() => stableOn(v1), { what: 'v1 stable', timeoutMs: 90_000, intervalMs: 500 });

    const prod = startShiftLoad(url(prodPort), { concurrency: 4, maxMs: 200_000 });
    const testLoad = startShiftLoad(url(testPort), { concurrency: 1, maxMs: 200_000, pauseMs: 20 });
    t.after(async () => {
      await prod.stop();
      await testLoad.stop();
    });

    const bad = await taskDefinitionArn('bad', ['sh', '-c', `cat > /www/cgi-bin/whoami <<'CGI'\n${FAILING_CGI}CGI\nexec /bin/serve`]);
    const started = Date.now();
    await client.send(
      new ecs.UpdateServiceCommand({
        cluster: CLUSTER,
        service: 'alshift',
        taskDefinition: bad,
        deploymentConfiguration: { alarms: { alarmNames: ['green-5xx'], enable: true, rollback: true } },
      }),
    );
    // Watch the bad deployment: its production weight must stay 0 until it is rolled back.
    const list = async () => (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'alshift' }))).serviceDeployments ?? [];
    const badArn = must((await list())[0]?.serviceDeploymentArn, 'the bad deployment');
    const weights = new Set<number>();
    let trippedAt: number | undefined;
    const seen = async () => {
      const d = (await client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [badArn] }))).serviceDeployments?.[0];
      const w = d?.targetServiceRevision?.requestedProductionTrafficWeight;
      if (w !== undefined) weights.add(w);
      if (d?.alarms?.status === 'TRIGGERED') trippedAt ??= Date.now();
      const alarm = (await metrics.send(new cw.DescribeAlarmsCommand({ AlarmNames: ['green-5xx'] }))).MetricAlarms?.[0];
      return { status: d?.status, stage: d?.lifecycleStage, alarms: d?.alarms?.status, alarm: alarm?.StateValue, test: describeCounts(testLoad.snapshot()) };
    };
    await eventually(seen, { what: 'the bad deployment rolled back', timeoutMs: 150_000, intervalMs: 250, until: (v) => v.status === 'ROLLBACK_SUCCESSFUL' });
    await eventually(() => stableOn(v1), { what: 'v1 alone and stable again', timeoutMs: 60_000, intervalMs: 500 });
    t.diagnostic(`alarm tripped ${trippedAt === undefined ? '?' : ((trippedAt - started) / 1000).toFixed(1)} s after the update; weights seen ${[...weights]}`);

    // 100% blue again: more production load, all of it answered by v1.
    const back = prod.snapshot();
    await eventually(async () => (answered(between(back, prod.snapshot())) > 200 ? true : undefined), {
      what: 'more production load after the rollback',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const tail = between(back, prod.snapshot());
    assert.equal(answeredBy(tail, 'v1'), answered(tail), `all production traffic on blue again: ${describeCounts(tail)}`);

    const prodResult = await prod.stop();
    const testResult = await testLoad.stop();
    t.diagnostic(`production: ${describeCounts(prodResult)}`);
    t.diagnostic(`test listener: ${describeCounts(testResult)}`);
    assert.deepEqual(
      [...weights].filter((w) => w > 0),
      [],
      'production never moved to the bad green',
    );
    assert.equal(berthFailed(prodResult), 0, `Berth failures at production: ${describeCounts(prodResult)}`);
    assert.equal(appFailed(prodResult), 0, `app errors at production: ${describeCounts(prodResult)}`);
    assert.equal(answeredBy(prodResult, 'v1'), answered(prodResult), 'production was answered by blue only');
    assert.ok(prodResult.total > 500, `load ran through the deployment (${prodResult.total})`);
    // The test listener is where green was caught: its 500s, and no failure of Berth's own.
    assert.ok(appFailed(testResult) >= 5, `the bad green answered the test listener with 500s: ${describeCounts(testResult)}`);
    assert.equal(berthFailed(testResult), 0, `Berth failures at the test listener: ${describeCounts(testResult)}`);

    const [latest] = (await client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [badArn] }))).serviceDeployments ?? [];
    assert.equal(latest?.status, 'ROLLBACK_SUCCESSFUL');
    assert.equal(latest?.alarms?.status, 'TRIGGERED');
    assert.deepEqual(latest?.alarms?.triggeredAlarmNames, ['green-5xx']);
    assert.match(latest?.statusReason ?? '', /alarm green-5xx went into ALARM/);
    const s = must(await stableOn(v1), 'the service on v1');
    assert.equal(s.deployments?.[0]?.rolloutState, 'COMPLETED', 'the rollback itself completed, not failed by the alarm still in ALARM');
  });
});
