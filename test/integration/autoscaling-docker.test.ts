/**
 * Auto scaling with real containers under load (issue 17), on one `berth up` (Docker):
 *  1. Target tracking: a service behind an ALB listener, ALBRequestCountPerTarget tracked at 50 requests
 *     per target per minute, steady load far above that. The load-balancer node's counts reach CloudWatch
 *     every 10 s, the auto scaler (on the leader, every 10 s) raises the desired count through
 *     UpdateService, and the new tasks come up on the same host on their own dynamic ports; no request
 *     fails while they join.
 *  2. When the load stops, it scales back in. Target tracking's scale-in needs 15 quiet minutes (AWS's
 *     rule, covered with a manual clock in auto-scaler.test.ts), so this uses what AWS offers for a
 *     prompt scale-in: a CloudWatch alarm on the low request count whose AlarmActions name an
 *     ExactCapacity step policy. The alarm reads the Minimum of RequestCount, which crosses within the
 *     running minute (Berth's alarm evaluation counts it at once), and a light load keeps going so
 *     the scale-in is seen to drop no request while the surplus tasks drain and stop.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aas from '@aws-sdk/client-application-auto-scaling';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { requirement } from '../support/requirements.js';
import { TEST_IMAGE } from '../support/test-image.js';
import type { BerthProcess } from '../support/berth-process.js';
import { startLoad } from '../support/load-loop.js';
import { checkResponsesAgainstModel, TEST_CREDENTIALS } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';
import { must, startDockerStack, type DockerStack } from '../support/docker-stack.js';

const skip = requirement('docker');

describe('auto scaling with real containers under load', { skip, timeout: 300_000 }, () => {
  let stack: DockerStack;
  let berth: BerthProcess;
  let CLUSTER = '';
  let client: ecs.ECSClient;
  let lbClient: elb.ElasticLoadBalancingV2Client;
  let scaling: aas.ApplicationAutoScalingClient;
  let alarms: cw.CloudWatchClient;
  /** What the first test made, for the second. */
  let made: { port: number; lb: string; tg: string; resourceId: string } | undefined;

  before(async () => {
    stack = await startDockerStack('scale');
    ({ berth, ecs: client, elb: lbClient, cluster: CLUSTER } = stack);
    scaling = checkResponsesAgainstModel(
      new aas.ApplicationAutoScalingClient({ endpoint: berth.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
      'applicationautoscaling',
    );
    alarms = new cw.CloudWatchClient({ endpoint: berth.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    scaling?.destroy();
    alarms?.destroy();
    await stack?.close(['web']);
  });

  test('steady load above the target scales the service from 1 to at least 3 tasks on one host, with no failed request', async (t) => {
    const lb = must((await lbClient.send(new elb.CreateLoadBalancerCommand({ Name: 'scale', Scheme: 'internal' }))).LoadBalancers?.[0], 'the load balancer');
    const tg = must(
      (
        await lbClient.send(
          new elb.CreateTargetGroupCommand({
            Name: 'scale',
            Protocol: 'HTTP',
            Port: 80,
            HealthCheckPath: '/',
            HealthCheckIntervalSeconds: 5,
            HealthyThresholdCount: 2,
          }),
        )
      ).TargetGroups?.[0],
      'the target group',
    );
    // A short drain, so the scale-in's surplus tasks stop within seconds of leaving the target group.
    await lbClient.send(
      new elb.ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }],
      }),
    );
    const port = await freePort();
    await lbClient.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    const taskDefinition = must(
      (
        await client.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'web',
            containerDefinitions: [
              { name: 'web', image: TEST_IMAGE, memory: 32, essential: true, portMappings: [{ containerPort: 80, hostPort: 0 }], stopTimeout: 2 },
            ],
          }),
        )
      ).taskDefinition?.taskDefinitionArn,
      'the task definition',
    );
    await client.send(
      new ecs.CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition,
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'web', containerPort: 80 }],
      }),
    );
    const steady = async (atLeast: number) => {
      const s = (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services?.[0];
      return s && s.runningCount === s.desiredCount && (s.desiredCount ?? 0) >= atLeast && s.deployments?.[0]?.rolloutState === 'COMPLETED' ? s : undefined;
    };
    await eventually(() => steady(1), { what: 'one task running', timeoutMs: 90_000, intervalMs: 500 });

    const resourceId = `service/${CLUSTER}/web`;
    const target = { ServiceNamespace: 'ecs' as const, ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' as const };
    await scaling.send(new aas.RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 4 }));
    // ALB's ResourceLabel: app/<lb name>/<lb id>/targetgroup/<tg name>/<tg id>.
    const resourceLabel = `${must(lb.LoadBalancerArn, 'lb arn').split(':loadbalancer/')[1]}/${must(tg.TargetGroupArn, 'tg arn').split(':').at(-1)}`;
    made = { port, lb: must(lb.LoadBalancerArn, 'lb arn'), tg: must(tg.TargetGroupArn, 'tg arn'), resourceId };
    await scaling.send(
      new aas.PutScalingPolicyCommand({
        ...target,
        PolicyName: 'web-requests',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: resourceLabel },
        },
      }),
    );

    const load = startLoad(`http://127.0.0.1:${port}/cgi-bin/whoami`, { concurrency: 4, maxMs: 200_000, pauseMs: 5 });
    const scaled = await eventually(() => steady(3), { what: 'at least 3 tasks running, all in service', timeoutMs: 150_000, intervalMs: 1000 });
    // A few more requests after the new tasks joined the target group.
    const joined = load.snapshot().total;
    await eventually(() => (load.snapshot().total - joined > 50 ? true : undefined), { what: 'load after the scale-out', timeoutMs: 30_000, intervalMs: 100 });
    const result = await load.stop();
    t.diagnostic(`desired ${scaled.desiredCount}, ${result.total} requests, ${result.bodies.size} distinct answers`);
    assert.equal(result.total - result.ok, 0, `failed requests: ${JSON.stringify([...result.failures])}`);

    const arns = must((await client.send(new ecs.ListTasksCommand({ cluster: CLUSTER, serviceName: 'web', desiredStatus: 'RUNNING' }))).taskArns, 'tasks');
    const tasks = must((await client.send(new ecs.DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks, 'described tasks');
    assert.ok(tasks.length >= 3, `${tasks.length} tasks`);
    assert.equal(new Set(tasks.map((x) => x.containerInstanceArn)).size, 1, 'all on the one host');
    const ports = tasks.map((x) => x.containers?.[0]?.networkBindings?.[0]?.hostPort);
    assert.equal(new Set(ports).size, tasks.length, `each on its own dynamic host port: ${ports.join(', ')}`);
    // The new targets pass their first health check a moment after the tasks count as running.
    await eventually(
      async () =>
        ((await lbClient.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions ?? []).filter(
          (h) => h.TargetHealth?.State === 'healthy',
        ).length,
      { what: 'the new tasks in service', timeoutMs: 30_000, intervalMs: 500, until: (n) => n >= 3 },
    );
    const activities =
      (await scaling.send(new aas.DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScalingActivities ?? [];
    assert.ok(
      activities.some(
        (a) => /^Setting desired count to [2-4]\.$/.test(a.Description ?? '') && /RequestCountPerTarget was .* above the target 50/.test(a.Cause ?? ''),
      ),
      JSON.stringify(activities.map((a) => [a.Description, a.Cause])),
    );
  });

  test('when the load stops, an alarm on the low request count scales back in to 1 through a step policy, with no failed request', async (t) => {
    const m = must(made, 'the first test’s service');
    const target = { ServiceNamespace: 'ecs' as const, ResourceId: m.resourceId, ScalableDimension: 'ecs:service:DesiredCount' as const };
    const before = must((await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services?.[0], 'the service');
    assert.ok((before.desiredCount ?? 0) >= 3, `scaled out first: ${before.desiredCount}`);
    // Target tracking would scale out again on the light load that keeps the scale-in honest; the step policy takes over.
    await scaling.send(new aas.DeleteScalingPolicyCommand({ ...target, PolicyName: 'web-requests' }));
    const policy = await scaling.send(
      new aas.PutScalingPolicyCommand({
        ...target,
        PolicyName: 'web-idle',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ExactCapacity',
          Cooldown: 60,
          MetricAggregationType: 'Minimum',
          StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: 1 }],
        },
      }),
    );
    const policyArn = must(policy.PolicyARN, 'the policy ARN');
    // At most 20 requests a second: at most ~200 in a 10-second report, well under the threshold.
    const light = startLoad(`http://127.0.0.1:${m.port}/cgi-bin/whoami`, { concurrency: 1, maxMs: 110_000, pauseMs: 50 });
    const started = Date.now();
    await alarms.send(
      new cw.PutMetricAlarmCommand({
        AlarmName: 'web-idle',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [{ Name: 'LoadBalancer', Value: must(m.lb.split(':loadbalancer/')[1], 'lb dimension') }],
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 500,
        ComparisonOperator: 'LessThanThreshold',
        AlarmActions: [policyArn],
      }),
    );
    const described = (
      await scaling.send(new aas.DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: m.resourceId, PolicyNames: ['web-idle'] }))
    ).ScalingPolicies?.[0];
    assert.deepEqual(
      described?.Alarms?.map((a) => a.AlarmName),
      ['web-idle'],
    );
    const steadyAt = async (n: number) => {
      const s = (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services?.[0];
      return s && s.desiredCount === n && s.runningCount === n && s.deployments?.length === 1 ? s : undefined;
    };
    await eventually(() => steadyAt(1), { what: 'back to one running task', timeoutMs: 100_000, intervalMs: 500 });
    const tookMs = Date.now() - started;
    // A few more requests on the one task left.
    const after1 = light.snapshot().total;
    await eventually(() => (light.snapshot().total - after1 > 20 ? true : undefined), { what: 'load after the scale-in', timeoutMs: 20_000, intervalMs: 100 });
    const result = await light.stop();
    t.diagnostic(`${before.desiredCount} → 1 in ${Math.round(tookMs / 1000)} s after the alarm was put; ${result.total} requests during it`);
    assert.equal(result.total - result.ok, 0, `failed requests: ${JSON.stringify([...result.failures])}`);
    const activities =
      (await scaling.send(new aas.DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: m.resourceId }))).ScalingActivities ?? [];
    assert.ok(
      activities.some((a) => a.Description === 'Setting desired count to 1.' && a.Cause === 'monitor alarm web-idle in state ALARM triggered policy web-idle'),
      JSON.stringify(activities.map((a) => [a.Description, a.Cause])),
    );
    const health = (await lbClient.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: m.tg }))).TargetHealthDescriptions ?? [];
    assert.equal(health.filter((h) => h.TargetHealth?.State === 'healthy').length, 1, JSON.stringify(health.map((h) => h.TargetHealth?.State)));
  });
});
