/**
 * Target tracking with real containers under load (issue 17): a service behind an ALB listener on one
 * `berth up` (Docker), ALBRequestCountPerTarget tracked at 50 requests per target per minute, steady load
 * far above that. The load-balancer node's counts reach CloudWatch every 10 s, the auto scaler (on the
 * leader, every 10 s) raises the desired count through UpdateService, and the new tasks come up on the
 * same host on their own dynamic ports; no request fails while they join. Scale-in needs 15 quiet
 * minutes (AWS's rule), which the unit tests cover with a manual clock (auto-scaler.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aas from '@aws-sdk/client-application-auto-scaling';
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

describe('target tracking on ALBRequestCountPerTarget with real containers under load', { skip, timeout: 240_000 }, () => {
  let stack: DockerStack;
  let berth: BerthProcess;
  let CLUSTER = '';
  let client: ecs.ECSClient;
  let lbClient: elb.ElasticLoadBalancingV2Client;
  let scaling: aas.ApplicationAutoScalingClient;

  before(async () => {
    stack = await startDockerStack('scale');
    ({ berth, ecs: client, elb: lbClient, cluster: CLUSTER } = stack);
    scaling = checkResponsesAgainstModel(
      new aas.ApplicationAutoScalingClient({ endpoint: berth.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
      'applicationautoscaling',
    );
  });
  after(async () => {
    scaling?.destroy();
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
});
