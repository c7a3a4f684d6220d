/**
 * Target tracking on ECSServiceAverageCPUUtilization and ECSServiceAverageMemoryUtilization over the
 * real ECS and Application Auto Scaling handlers, a memory metric store fed the way the agents' task
 * stats feed it (ecsUtilizationSamples), and a manual clock: above the target it scales out at once, in
 * proportion; another service's or the cluster's utilization does not count; quiet minutes scale in.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { ecsUtilizationSamples } from '../../domain/cloudwatch/ecs-metrics.js';
import type { ServiceRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { MemoryStore } from '../../store/memory-store.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import { handlerCaller, requestContext } from '../api/handler-test-kit.js';
import { MemoryMetricStore } from '../cloudwatch/memory-metric-store.js';
import { createEcsHandlers } from '../ecs/ecs-handlers.js';
import { startAutoScaler, type AutoScaler } from './auto-scaler.js';
import { createAutoScalingHandlers } from './autoscaling-handlers.js';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 30);
const RESOURCE = 'service/default/api';
const target = { ServiceNamespace: 'ecs', ResourceId: RESOURCE, ScalableDimension: 'ecs:service:DesiredCount' };
const INSTANCE = { cpuUnits: 4096, memoryMiB: 8192 };

describe('auto scaler on the AWS/ECS utilization metrics', () => {
  let clock: ManualClock;
  let metrics: MemoryMetricStore;
  let store: MemoryStore;
  let ecs: ReturnType<typeof handlerCaller>;
  let aas: ReturnType<typeof handlerCaller>;
  let scaler: AutoScaler;

  const settle = () =>
    updateRecord<ServiceRecord>(store, keys.service('default', 'api'), (svc) =>
      svc ? { ...svc, deployments: svc.deployments.filter((d) => d.status === 'PRIMARY').map((d) => ({ ...d, rolloutState: 'COMPLETED' as const })) } : SKIP,
    );
  const desired = async () => ((await ecs('DescribeServices', { services: ['api'] })).services as { desiredCount: number }[])[0]!.desiredCount;
  const activities = async () =>
    (await aas('DescribeScalingActivities', { ServiceNamespace: 'ecs', ResourceId: RESOURCE })).ScalingActivities as { Description: string; Cause: string }[];
  /** One reading round of `tasks` tasks of `service` (cpu 256, memory 512 reserved), each at `cpuUnits` and `memoryMiB`. */
  const round = (service: string, tasks: number, cpuUnits: number, memoryMiB: number, at = clock.now()) =>
    metrics.record(
      ecsUtilizationSamples(
        'default',
        INSTANCE,
        Array.from({ length: tasks }, () => ({ service, at, cpuUnits, memoryMiB, reservedCpuUnits: 256, reservedMemoryMiB: 512 })),
      ),
    );
  const track = (name: string, type: string, value: number) =>
    aas('PutScalingPolicy', {
      ...target,
      PolicyName: name,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: value,
        PredefinedMetricSpecification: { PredefinedMetricType: type },
        ScaleInCooldown: 60,
        ScaleOutCooldown: 60,
      },
    });

  beforeEach(async () => {
    clock = new ManualClock(T0);
    metrics = new MemoryMetricStore();
    store = new MemoryStore();
    const random = seededRandom(11);
    const ctx = () => requestContext(clock.now());
    ecs = handlerCaller(createEcsHandlers({ store, clock, random }), ctx);
    aas = handlerCaller(createAutoScalingHandlers({ store, random }), ctx);
    await ecs('CreateCluster', { clusterName: 'default' });
    await ecs('RegisterTaskDefinition', { family: 'api', containerDefinitions: [{ name: 'app', image: 'api', cpu: 256, memory: 512 }] });
    await ecs('CreateService', { serviceName: 'api', taskDefinition: 'api', desiredCount: 2 });
    await settle();
    scaler = startAutoScaler({
      store,
      metrics,
      clock,
      random,
      everyMs: 3_600_000,
      setDesiredCount: async (_region, cluster, service, n) => void (await ecs('UpdateService', { cluster, service, desiredCount: n })),
    });
    await aas('RegisterScalableTarget', { ...target, MinCapacity: 1, MaxCapacity: 10 });
  });

  test('CPU above the target scales out at once, in proportion to the average; the policy reads back as given', async () => {
    await track('api-cpu', 'ECSServiceAverageCPUUtilization', 50);
    const [policy] = (await aas('DescribeScalingPolicies', { ServiceNamespace: 'ecs', ResourceId: RESOURCE })).ScalingPolicies as {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: unknown };
    }[];
    assert.deepEqual(policy?.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification, {
      PredefinedMetricType: 'ECSServiceAverageCPUUtilization',
    });
    // Another service and a hot cluster do not count: only {ClusterName, ServiceName=api} is read.
    await round('other', 3, 1024, 100);
    await round('api', 2, 64, 100);
    assert.equal(await scaler.pass(), 0, '25% is under the target');
    assert.equal(await desired(), 2);
    // Two tasks each using 192 of their 256 units: 75% against a target of 50 → ceil(2 × 75 / 50) = 3.
    clock.advance(60_000);
    await round('api', 2, 192, 100);
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 3);
    const [first] = await activities();
    assert.equal(first?.Description, 'Setting desired count to 3.');
    assert.match(first!.Cause, /monitor metric CPUUtilization was 75, above the target 50: triggered policy api-cpu/);
  });

  test('memory tracks the same way, and quiet minutes scale in after the cooldown', async () => {
    await track('api-memory', 'ECSServiceAverageMemoryUtilization', 40);
    // 400 of 512 MiB: 78.125% → ceil(2 × 78.125 / 40) = 4.
    await round('api', 2, 10, 400);
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 4);
    await settle();
    for (let m = 1; m <= 15; m++) await round('api', 4, 10, 64, T0 + m * 60_000);
    clock.set(T0 + 16 * 60_000);
    assert.equal(await scaler.pass(), 1);
    // 12.5% at 4 tasks against 40 → ceil(4 × 12.5 / 40) = 2.
    assert.equal(await desired(), 2);
  });
});
