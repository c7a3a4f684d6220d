/**
 * AWS/ECS CPUUtilization and MemoryUtilization from real containers (issue 17): one `berth up` on
 * Docker with the agent reading its tasks' stats every second (`--stats-interval 1`), a service whose
 * container burns CPU (a busybox busy loop) with 256 CPU units and 32 MiB reserved. Read back by the
 * AWS SDK's CloudWatch client: GetMetricStatistics per service and per cluster, GetMetricData, and
 * ListMetrics with both dimension sets. Then target tracking on ECSServiceAverageCPUUtilization (the
 * leader's auto scaler over the same metrics.db) raises the desired count.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as aas from '@aws-sdk/client-application-auto-scaling';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ecs from '@aws-sdk/client-ecs';
import { must, startDockerStack, type DockerStack } from '../support/docker-stack.js';
import { eventually } from '../support/eventually.js';
import { requirement } from '../support/requirements.js';
import { TEST_CREDENTIALS } from '../support/sdk-clients.js';
import { TEST_IMAGE } from '../support/test-image.js';

const skip = requirement('docker');

describe('AWS/ECS utilization metrics from Docker stats', { skip, timeout: 120_000 }, () => {
  let stack: DockerStack;
  let metrics: cw.CloudWatchClient;
  let scaling: aas.ApplicationAutoScalingClient;

  before(async () => {
    stack = await startDockerStack('ecsm', ['--stats-interval', '1']);
    metrics = new cw.CloudWatchClient({ endpoint: stack.berth.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    scaling = new aas.ApplicationAutoScalingClient({ endpoint: stack.berth.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    metrics?.destroy();
    scaling?.destroy();
    await stack?.close(['burn']);
  });

  test('a busy task shows CPUUtilization well above 0 against its 256 units, and MemoryUtilization above 0', async (t) => {
    const { ecs: client, cluster } = stack;
    const taskDefinition = must(
      (
        await client.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'burn',
            containerDefinitions: [
              { name: 'burn', image: TEST_IMAGE, cpu: 256, memory: 32, essential: true, command: ['sh', '-c', 'while :; do :; done'], stopTimeout: 1 },
            ],
          }),
        )
      ).taskDefinition?.taskDefinitionArn,
      'the task definition',
    );
    await client.send(new ecs.CreateServiceCommand({ cluster, serviceName: 'burn', taskDefinition, desiredCount: 1 }));
    await eventually(
      async () => {
        const s = (await client.send(new ecs.DescribeServicesCommand({ cluster, services: ['burn'] }))).services?.[0];
        return s?.runningCount === 1 ? s : undefined;
      },
      { what: 'the task running', timeoutMs: 60_000, intervalMs: 250 },
    );

    const serviceDims = [
      { Name: 'ClusterName', Value: cluster },
      { Name: 'ServiceName', Value: 'burn' },
    ];
    const statistics = (name: string, dims: cw.Dimension[]) => async () => {
      const now = Date.now();
      const answer = await metrics.send(
        new cw.GetMetricStatisticsCommand({
          Namespace: 'AWS/ECS',
          MetricName: name,
          Dimensions: dims,
          StartTime: new Date(now - 5 * 60_000),
          EndTime: new Date(now + 60_000),
          Period: 60,
          Statistics: ['Average', 'Maximum', 'Minimum', 'SampleCount'],
        }),
      );
      const points = answer.Datapoints ?? [];
      // Two readings a second apart make the first sample; wait for a few, so the average is not one instant's.
      const samples = points.reduce((n, p) => n + (p.SampleCount ?? 0), 0);
      return samples >= 3 ? points : undefined;
    };
    const cpu = await eventually(statistics('CPUUtilization', serviceDims), { what: 'service CPUUtilization datapoints', timeoutMs: 30_000, intervalMs: 500 });
    const memory = must(await statistics('MemoryUtilization', serviceDims)(), 'service MemoryUtilization datapoints');
    const clusterCpu = must(await statistics('CPUUtilization', [{ Name: 'ClusterName', Value: cluster }])(), 'cluster CPUUtilization datapoints');
    const max = (ps: cw.Datapoint[]) => Math.max(...ps.map((p) => p.Maximum ?? 0));
    t.diagnostic(
      `service CPU max ${max(cpu).toFixed(1)}% (avg ${cpu.map((p) => p.Average?.toFixed(1)).join(', ')}), memory max ${max(memory).toFixed(2)}%, cluster CPU max ${max(clusterCpu).toFixed(1)}%`,
    );
    assert.ok(cpu.every((p) => p.Unit === 'Percent'));
    // A busy loop is a whole core when it can get one, 400% of 256 units; a loaded machine gives it less
    // (a tenth of a core at a load of 20 on 2 cores is still 40%), and an idle container reads about 0.
    assert.ok(max(cpu) > 10, `service CPUUtilization ${max(cpu)}`);
    assert.ok(max(memory) > 0 && max(memory) < 100, `service MemoryUtilization ${max(memory)}`);
    assert.ok(max(clusterCpu) > 0, `cluster CPUUtilization ${max(clusterCpu)}`);
    // The cluster is measured against the whole instance (1024 units a core), so it reads lower than the service.
    assert.ok(max(clusterCpu) < max(cpu), `cluster ${max(clusterCpu)} below service ${max(cpu)}`);

    const now = Date.now();
    const data = await metrics.send(
      new cw.GetMetricDataCommand({
        StartTime: new Date(now - 5 * 60_000),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: [
          { Id: 'cpu', MetricStat: { Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: serviceDims }, Period: 60, Stat: 'Average' } },
        ],
      }),
    );
    const values = data.MetricDataResults?.[0]?.Values ?? [];
    assert.ok(values.length > 0 && Math.max(...values) > 10, `GetMetricData ${values.join(', ')}`);

    const listed = (await metrics.send(new cw.ListMetricsCommand({ Namespace: 'AWS/ECS' }))).Metrics ?? [];
    const names = listed
      .filter((m) => m.Dimensions?.some((d) => d.Value === cluster))
      .map(
        (m) =>
          `${m.MetricName} ${(m.Dimensions ?? [])
            .map((d) => d.Name)
            .sort()
            .join('+')}`,
      );
    assert.deepEqual([...new Set(names)].sort(), [
      'CPUUtilization ClusterName',
      'CPUUtilization ClusterName+ServiceName',
      'MemoryUtilization ClusterName',
      'MemoryUtilization ClusterName+ServiceName',
    ]);

    // Target tracking on the same metric: the running minute is far above 5%, so the scaler (every 10 s) scales out at once.
    const target = { ServiceNamespace: 'ecs' as const, ResourceId: `service/${cluster}/burn`, ScalableDimension: 'ecs:service:DesiredCount' as const };
    await scaling.send(new aas.RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 2 }));
    await scaling.send(
      new aas.PutScalingPolicyCommand({
        ...target,
        PolicyName: 'burn-cpu',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 5,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      }),
    );
    await eventually(async () => (await client.send(new ecs.DescribeServicesCommand({ cluster, services: ['burn'] }))).services?.[0]?.desiredCount, {
      what: 'the desired count raised by target tracking',
      timeoutMs: 40_000,
      intervalMs: 500,
      until: (n) => (n ?? 0) >= 2,
    });
    const activities =
      (await scaling.send(new aas.DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: target.ResourceId }))).ScalingActivities ?? [];
    assert.ok(
      activities.some(
        (a) => a.Description === 'Setting desired count to 2.' && /CPUUtilization was .* above the target 5: triggered policy burn-cpu/.test(a.Cause ?? ''),
      ),
      JSON.stringify(activities.map((a) => [a.Description, a.Cause])),
    );
  });
});
