/**
 * The auto scaler over the real ECS and Application Auto Scaling handlers, a MemoryStore and a
 * memory metric store, with a manual clock: target tracking on ALBRequestCountPerTarget scales out
 * at once, scales in only after 15 quiet minutes and its cooldown, holds during a deployment and
 * under DisableScaleIn; scheduled actions move the capacities; every change is an activity.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { single } from '../../domain/cloudwatch/metric-series.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import type { ServiceRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import { MemoryStore } from '../../store/memory-store.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import { handlerCaller, rejects, requestContext } from '../api/handler-test-kit.js';
import { MemoryMetricStore } from '../cloudwatch/memory-metric-store.js';
import { createEcsHandlers } from '../ecs/ecs-handlers.js';
import { startAutoScaler, type AutoScaler } from './auto-scaler.js';
import { createAutoScalingHandlers } from './autoscaling-handlers.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 30);
const LABEL = 'app/front/0123456789abcdef/targetgroup/web/fedcba9876543210';
const RESOURCE = 'service/default/web';
const target = { ServiceNamespace: 'ecs', ResourceId: RESOURCE, ScalableDimension: 'ecs:service:DesiredCount' };

describe('auto scaler', () => {
  let clock: ManualClock;
  let metrics: MemoryMetricStore;
  let ecs: ReturnType<typeof handlerCaller>;
  let aas: ReturnType<typeof handlerCaller>;
  let scaler: AutoScaler;
  let store: MemoryStore;
  /** What the service controller would do once the tasks run: the newest deployment completes, the others go. */
  const settle = () =>
    updateRecord<ServiceRecord>(store, keys.service('default', 'web'), (svc) =>
      svc ? { ...svc, deployments: svc.deployments.filter((d) => d.status === 'PRIMARY').map((d) => ({ ...d, rolloutState: 'COMPLETED' as const })) } : SKIP,
    );

  const desired = async () => ((await ecs('DescribeServices', { services: ['web'] })).services as { desiredCount: number }[])[0]!.desiredCount;
  const requestsPerTarget = (value: number, at = clock.now()) =>
    metrics.record([
      {
        metric: {
          namespace: 'AWS/ApplicationELB',
          name: 'RequestCountPerTarget',
          dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/web/fedcba9876543210' }],
        },
        unit: 'Count',
        timestamp: at,
        values: single(value),
      },
    ]);
  const activities = async () =>
    (await aas('DescribeScalingActivities', { ServiceNamespace: 'ecs', ResourceId: RESOURCE })).ScalingActivities as { Description: string; Cause: string }[];

  beforeEach(async () => {
    clock = new ManualClock(T0);
    metrics = new MemoryMetricStore();
    store = new MemoryStore();
    const random = seededRandom(4);
    const ctx = () => requestContext(clock.now());
    const ecsHandlers = createEcsHandlers({ store, clock, random });
    ecs = handlerCaller(ecsHandlers, ctx);
    aas = handlerCaller(createAutoScalingHandlers({ store, random }), ctx);
    await ecs('CreateCluster', { clusterName: 'default' });
    await ecs('RegisterTaskDefinition', { family: 'web', containerDefinitions: [{ name: 'app', image: 'web', memory: 32 }] });
    await ecs('CreateService', { serviceName: 'web', taskDefinition: 'web', desiredCount: 1 });
    await settle();
    scaler = startAutoScaler({
      store,
      metrics,
      clock,
      random,
      everyMs: 3_600_000,
      setDesiredCount: async (_region, cluster, service, n) => void (await ecs('UpdateService', { cluster, service, desiredCount: n })),
    });
    await aas('RegisterScalableTarget', { ...target, MinCapacity: 1, MaxCapacity: 5 });
    await aas('PutScalingPolicy', {
      ...target,
      PolicyName: 'web-requests',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
        ScaleInCooldown: 60,
        ScaleOutCooldown: 60,
      },
    });
  });

  test('steady load above target scales out at once, in proportion; quiet minutes scale in after the cooldown', async () => {
    await requestsPerTarget(300);
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 3);
    const [first] = await activities();
    assert.equal(first?.Description, 'Setting desired count to 3.');
    assert.match(first!.Cause, /RequestCountPerTarget was 300, above the target 100: triggered policy web-requests/);
    // Quiet: zero requests per target every minute; 14 minutes are not enough, the 15th is.
    await settle();
    for (let m = 1; m <= 14; m++) await requestsPerTarget(0, T0 + m * 60_000);
    clock.set(T0 + 15 * 60_000);
    assert.equal(await scaler.pass(), 0, '14 quiet minutes');
    await requestsPerTarget(0, T0 + 15 * 60_000);
    clock.set(T0 + 16 * 60_000);
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 1, 'back to the minimum');
    assert.equal((await activities()).length, 2);
  });

  test('scale-in holds during a deployment and under DisableScaleIn, then goes on; max capacity caps scale-out', async () => {
    await requestsPerTarget(5000);
    await scaler.pass();
    assert.equal(await desired(), 5, 'max capacity');
    for (let m = 1; m <= 16; m++) await requestsPerTarget(0, T0 + m * 60_000);
    clock.set(T0 + 17 * 60_000);
    await ecs('RegisterTaskDefinition', { family: 'web', containerDefinitions: [{ name: 'app', image: 'web:2', memory: 32 }] });
    await ecs('UpdateService', { service: 'web', taskDefinition: 'web:2' });
    assert.equal(await scaler.pass(), 0, 'a deployment is in progress');
    assert.equal(await desired(), 5);
    await aas('PutScalingPolicy', {
      ...target,
      PolicyName: 'web-requests',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
        DisableScaleIn: true,
      },
    });
    await settle();
    assert.equal(await scaler.pass(), 0, 'DisableScaleIn');
    await aas('PutScalingPolicy', {
      ...target,
      PolicyName: 'web-requests',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
      },
    });
    // With the deployment done and scale-in allowed, the same quiet minutes scale in: the holds above were the rules, not a scaler that never acts.
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 1);
  });

  test('a scheduled action moves the capacities, and the count follows them', async () => {
    await aas('PutScheduledAction', {
      ...target,
      ScheduledActionName: 'evening',
      Schedule: 'at(2026-12-02T12:05:00)',
      ScalableTargetAction: { MinCapacity: 4, MaxCapacity: 6 },
    });
    clock.set(Date.UTC(2026, 11, 2, 12, 5, 10));
    await requestsPerTarget(50);
    await scaler.pass();
    const [t] = (await aas('DescribeScalableTargets', { ServiceNamespace: 'ecs' })).ScalableTargets as { MinCapacity: number; MaxCapacity: number }[];
    assert.deepEqual([t?.MinCapacity, t?.MaxCapacity], [4, 6]);
    assert.equal(await desired(), 4);
    const descriptions = (await activities()).map((a) => a.Description);
    assert.ok(descriptions.includes('Setting min capacity to 4 and max capacity to 6'), String(descriptions));
  });

  test('a cron schedule fires at its wall-clock time in its time zone, once', async () => {
    // 13:05 in Paris is 12:05 UTC in December; T0 is 12:00:30 UTC.
    await aas('PutScheduledAction', {
      ...target,
      ScheduledActionName: 'lunch',
      Schedule: 'cron(5 13 * * ? *)',
      Timezone: 'Europe/Paris',
      ScalableTargetAction: { MinCapacity: 2 },
    });
    clock.set(Date.UTC(2026, 11, 2, 12, 4, 50));
    await scaler.pass();
    assert.equal(await desired(), 1, 'not yet');
    clock.set(Date.UTC(2026, 11, 2, 12, 5, 5));
    await scaler.pass();
    assert.equal(await desired(), 2);
    clock.set(Date.UTC(2026, 11, 2, 12, 6, 5));
    await scaler.pass();
    const fired = (await activities()).filter((a) => a.Cause === 'scheduled action name lunch was triggered');
    assert.equal(fired.length, 1, 'once for the one firing');
  });

  test("bad input gets Application Auto Scaling's codes", async () => {
    await rejects(
      aas('RegisterScalableTarget', { ...target, ResourceId: 'service/default/nope', MinCapacity: 1, MaxCapacity: 2 }),
      'ValidationException',
      /doesn't exist/,
    );
    await rejects(aas('RegisterScalableTarget', { ...target, MinCapacity: 3, MaxCapacity: 2 }), 'ValidationException', /cannot be greater/);
    await rejects(aas('RegisterScalableTarget', { ...target, ServiceNamespace: 'dynamodb' }), 'ValidationException', /Unsupported service namespace/);
    await rejects(
      aas('PutScalingPolicy', { ...target, ResourceId: 'service/default/other', PolicyName: 'p', PolicyType: 'TargetTrackingScaling' }),
      'ObjectNotFoundException',
    );
    await rejects(aas('PutScalingPolicy', { ...target, PolicyName: 'p' }), 'ValidationException', /StepScaling is the default PolicyType/);
    await rejects(
      aas('PutScalingPolicy', {
        ...target,
        PolicyName: 'p',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization', ResourceLabel: LABEL },
        },
      }),
      'ValidationException',
      /ResourceLabel is only valid for the predefined metric type ALBRequestCountPerTarget/,
    );
    await rejects(aas('DeleteScalingPolicy', { ...target, PolicyName: 'nope' }), 'ObjectNotFoundException', /policy name: nope/);
    await rejects(
      aas('PutScheduledAction', { ...target, ScheduledActionName: 'x', Schedule: 'cron(0 18 * * * *)', ScalableTargetAction: { MinCapacity: 1 } }),
      'ValidationException',
      /Day-of-month and Day-of-week/,
    );
    await rejects(
      aas('PutScheduledAction', {
        ...target,
        ScheduledActionName: 'x',
        Schedule: 'cron(0 18 * * ? *)',
        Timezone: 'Moon/Base',
        ScalableTargetAction: { MinCapacity: 1 },
      }),
      'ValidationException',
      /Timezone Moon\/Base/,
    );
    await aas('DeregisterScalableTarget', target);
    assert.deepEqual((await aas('DescribeScalingPolicies', { ServiceNamespace: 'ecs' })).ScalingPolicies, [], 'its policies went with it');
  });
});
