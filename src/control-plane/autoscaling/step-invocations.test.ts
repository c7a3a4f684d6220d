/**
 * Step scaling end to end over the real ECS, Application Auto Scaling and CloudWatch handlers, the
 * alarm evaluator and the auto scaler, on a MemoryStore and a memory metric store with a manual
 * clock: an alarm naming a step policy scales on entry to ALARM, again each minute while it stays
 * there (honouring the cooldown), never twice for one minute from two scalers; alarm actions that
 * are not scaling policies are refused.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { single } from '../../domain/cloudwatch/metric-series.js';
import type { ServiceRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { MemoryStore } from '../../store/memory-store.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import { handlerCaller, rejects, requestContext } from '../api/handler-test-kit.js';
import { startAlarmEvaluator, type AlarmEvaluator } from '../cloudwatch/alarm-evaluator.js';
import { createCloudWatchHandlers } from '../cloudwatch/cloudwatch-handlers.js';
import { MemoryMetricStore } from '../cloudwatch/memory-metric-store.js';
import { createEcsHandlers } from '../ecs/ecs-handlers.js';
import { startAutoScaler, type AutoScaler, type AutoScalerDeps } from './auto-scaler.js';
import { createAutoScalingHandlers } from './autoscaling-handlers.js';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 30);
const RESOURCE = 'service/default/web';
const target = { ServiceNamespace: 'ecs', ResourceId: RESOURCE, ScalableDimension: 'ecs:service:DesiredCount' };
const HOUR = 3_600_000;

describe('step scaling on alarm actions', () => {
  let clock: ManualClock;
  let metrics: MemoryMetricStore;
  let store: MemoryStore;
  let ecs: ReturnType<typeof handlerCaller>;
  let aas: ReturnType<typeof handlerCaller>;
  let cw: ReturnType<typeof handlerCaller>;
  let scalerDeps: AutoScalerDeps;
  let scaler: AutoScaler;
  let alarms: AlarmEvaluator;
  let outArn = '';

  const desired = async () => ((await ecs('DescribeServices', { services: ['web'] })).services as { desiredCount: number }[])[0]?.desiredCount;
  const queue = (value: number, at: number) =>
    metrics.record([{ metric: { namespace: 'App', name: 'Queue', dimensions: [] }, unit: 'Count', timestamp: at, values: single(value) }]);
  const activities = async () =>
    (await aas('DescribeScalingActivities', { ServiceNamespace: 'ecs', ResourceId: RESOURCE })).ScalingActivities as { Description: string; Cause: string }[];
  const alarm = (name: string, over: object) =>
    cw('PutMetricAlarm', { AlarmName: name, Namespace: 'App', MetricName: 'Queue', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, ...over });
  const settle = () =>
    updateRecord<ServiceRecord>(store, keys.service('default', 'web'), (svc) =>
      svc ? { ...svc, deployments: svc.deployments.filter((d) => d.status === 'PRIMARY').map((d) => ({ ...d, rolloutState: 'COMPLETED' as const })) } : SKIP,
    );

  beforeEach(async () => {
    clock = new ManualClock(T0);
    metrics = new MemoryMetricStore();
    store = new MemoryStore();
    const random = seededRandom(7);
    const ctx = (region?: string) => requestContext(clock.now(), region);
    ecs = handlerCaller(createEcsHandlers({ store, clock, random }), ctx);
    aas = handlerCaller(createAutoScalingHandlers({ store, random }), ctx);
    cw = handlerCaller(createCloudWatchHandlers({ store, metrics }), ctx);
    await ecs('CreateCluster', { clusterName: 'default' });
    await ecs('RegisterTaskDefinition', { family: 'web', containerDefinitions: [{ name: 'app', image: 'web', memory: 32 }] });
    await ecs('CreateService', { serviceName: 'web', taskDefinition: 'web', desiredCount: 1 });
    await settle();
    scalerDeps = {
      store,
      metrics,
      clock,
      random,
      everyMs: HOUR,
      setDesiredCount: async (_region, cluster, service, n) => void (await ecs('UpdateService', { cluster, service, desiredCount: n })),
    };
    scaler = startAutoScaler(scalerDeps);
    alarms = startAlarmEvaluator({ store, metrics, clock, everyMs: HOUR });
    await aas('RegisterScalableTarget', { ...target, MinCapacity: 1, MaxCapacity: 5 });
    const put = await aas('PutScalingPolicy', {
      ...target,
      PolicyName: 'web-out',
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        Cooldown: 60,
        MetricAggregationType: 'Maximum',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 100, ScalingAdjustment: 2 },
        ],
      },
    });
    outArn = String(put.PolicyARN);
    assert.deepEqual(put.Alarms, []);
    await alarm('busy', { Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [outArn] });
  });

  test('DescribeScalingPolicies shows the step configuration and the alarm that names the policy', async () => {
    const [p] = (await aas('DescribeScalingPolicies', { ServiceNamespace: 'ecs', ResourceId: RESOURCE })).ScalingPolicies as Record<string, unknown>[];
    assert.equal(p?.PolicyType, 'StepScaling');
    assert.deepEqual(p?.Alarms, [{ AlarmName: 'busy', AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:busy' }]);
    assert.deepEqual(p?.StepScalingPolicyConfiguration, {
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 100, ScalingAdjustment: 2 },
      ],
      Cooldown: 60,
      MetricAggregationType: 'Maximum',
    });
  });

  test('on entry to ALARM the step for the breach acts; again each minute while in ALARM, after the cooldown', async () => {
    await queue(200, T0 - 60_000); // breach 150: the +2 step
    assert.equal(await alarms.evaluate(), 1);
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 3);
    assert.match((await activities())[0]?.Cause ?? '', /^monitor alarm busy in state ALARM triggered policy web-out$/);
    await settle();
    clock.set(T0 + 30_000);
    assert.equal(await scaler.pass(), 0, 'invoked less than a minute ago');
    clock.set(T0 + 40_000);
    await queue(120, T0); // the minute that just ended: breach 70, the +1 step
    clock.set(T0 + 61_000);
    assert.equal(await alarms.evaluate(), 0, 'still in ALARM');
    assert.equal(await scaler.pass(), 1, 'a minute on, still in ALARM');
    assert.equal(await desired(), 4);
    await settle();
    await queue(500, T0 + 60_000);
    clock.set(T0 + 122_000);
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 5, 'max capacity');
    assert.equal((await activities()).length, 3);
  });

  test('during the cooldown only a larger scale-out acts, counted from before the first', async () => {
    await aas('PutScalingPolicy', {
      ...target,
      PolicyName: 'web-out',
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        Cooldown: 300,
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 100, ScalingAdjustment: 3 },
        ],
      },
    });
    await queue(60, T0 - 60_000);
    await alarms.evaluate();
    await scaler.pass();
    assert.equal(await desired(), 2);
    await settle();
    await queue(60, T0);
    clock.set(T0 + 61_000);
    assert.equal(await scaler.pass(), 0, '+1 again within the cooldown: held');
    await queue(400, T0 + 60_000);
    clock.set(T0 + 122_000);
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 4, '+3 from the 1 before the first scale-out, not from 2');
  });

  test('two scalers on one store invoke a policy once for one minute', async () => {
    const other = startAutoScaler(scalerDeps);
    await queue(200, T0 - 60_000);
    await alarms.evaluate();
    const both = await Promise.all([scaler.pass(), other.pass()]);
    other.stop();
    assert.equal(both[0] + both[1], 1, `passes scaled ${both.join(' and ')}`);
    assert.equal(await desired(), 3);
    assert.equal((await activities()).length, 1);
  });

  test('an ExactCapacity step on a low alarm scales in at once; ActionsEnabled false invokes nothing', async () => {
    await aas('RegisterScalableTarget', { ...target, MinCapacity: 1, MaxCapacity: 5 });
    await ecs('UpdateService', { service: 'web', desiredCount: 4 });
    await settle();
    const inArn = String(
      (
        await aas('PutScalingPolicy', {
          ...target,
          PolicyName: 'web-in',
          PolicyType: 'StepScaling',
          StepScalingPolicyConfiguration: {
            AdjustmentType: 'ExactCapacity',
            Cooldown: 0,
            StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: 1 }],
          },
        })
      ).PolicyARN,
    );
    await alarm('idle', { Statistic: 'Minimum', Threshold: 10, ComparisonOperator: 'LessThanThreshold', AlarmActions: [inArn], ActionsEnabled: false });
    await queue(2, T0 - 60_000);
    await alarms.evaluate();
    assert.equal(await scaler.pass(), 0, 'actions disabled');
    await alarm('idle', { Statistic: 'Minimum', Threshold: 10, ComparisonOperator: 'LessThanThreshold', AlarmActions: [inArn] });
    const [described] = (await cw('DescribeAlarms', { AlarmNames: ['idle'] })).MetricAlarms as Record<string, unknown>[];
    assert.equal(described?.StateValue, 'ALARM', 'the update kept the state');
    assert.match(String(described?.StateReasonData), /recentDatapoints/, 'and its StateReasonData');
    assert.equal(await scaler.pass(), 1);
    assert.equal(await desired(), 1);
    assert.match((await activities())[0]?.Cause ?? '', /monitor alarm idle in state ALARM triggered policy web-in/);
  });

  test('bad step configurations and alarm actions get the services’ codes, naming the field', async () => {
    await rejects(
      aas('PutScalingPolicy', {
        ...target,
        PolicyName: 'bad',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 10, ScalingAdjustment: 2 },
          ],
        },
      }),
      'ValidationException',
      /must not overlap/,
    );
    await rejects(
      aas('PutScalingPolicy', { ...target, PolicyName: 'bad', PolicyType: 'StepScaling' }),
      'ValidationException',
      /StepScalingPolicyConfiguration is required/,
    );
    const base = { Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' };
    await rejects(
      alarm('sns', { ...base, AlarmActions: ['arn:aws:sns:us-east-1:123456789012:pager'] }),
      'ValidationError',
      /Invalid AlarmActions action arn:aws:sns/,
    );
    await rejects(alarm('ok', { ...base, OKActions: ['arn:aws:automate:us-east-1:ec2:stop'] }), 'ValidationError', /Invalid OKActions action/);
    await rejects(alarm('far', { ...base, InsufficientDataActions: [outArn.replace('us-east-1', 'eu-west-1')] }), 'ValidationError', /region us-east-1/);
    await rejects(alarm('many', { ...base, AlarmActions: Array.from({ length: 6 }, () => outArn) }), 'ValidationError', /at most 5/);
  });
});
