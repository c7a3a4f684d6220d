/**
 * PutScalingPolicy, DescribeScalingPolicies and DeleteScalingPolicy: target tracking and step scaling
 * policies on a registered ECS service (predictive scaling needs a forecast, and is refused). A
 * target-tracking policy's alarms are not created as CloudWatch alarms: the auto scaler reads the
 * metric itself (auto-scaler.ts). A step policy acts through the CloudWatch alarms that name its ARN
 * in their actions; `Alarms` lists them, as AWS does.
 */
import { AwsError } from '../../domain/aws-error.js';
import { ecsResource, notFoundTarget, validation, type ScalableTargetRecord } from '../../domain/autoscaling/scalable-target.js';
import {
  checkTargetValue,
  DEFAULT_COOLDOWN_SECONDS,
  policyArn,
  predefinedMetric,
  type ScalingPolicyRecord,
  type TargetTrackingConfig,
} from '../../domain/autoscaling/scaling-policy.js';
import { stepScalingConfig } from '../../domain/autoscaling/step-scaling.js';
import { keys } from '../../domain/keys.js';
import type { Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import type { Handlers, InputOf, Reply } from '../api/operation.js';
import type { AlarmOut, ScalingPolicyOut } from '../api/wire-types/applicationautoscaling.js';
import { alarmsOf } from '../cloudwatch/alarms.js';
import { pageOf } from './paging.js';

type TrackingInput = NonNullable<InputOf<'applicationautoscaling', 'PutScalingPolicy'>['TargetTrackingScalingPolicyConfiguration']>;

function trackingConfig(c: TrackingInput): TargetTrackingConfig {
  checkTargetValue(c.TargetValue);
  const predefined = c.PredefinedMetricSpecification;
  const customized = c.CustomizedMetricSpecification;
  if ((predefined === undefined) === (customized === undefined)) {
    throw validation('Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be given.');
  }
  const cooldowns = {
    scaleOutCooldown: c.ScaleOutCooldown ?? DEFAULT_COOLDOWN_SECONDS,
    scaleInCooldown: c.ScaleInCooldown ?? DEFAULT_COOLDOWN_SECONDS,
    disableScaleIn: c.DisableScaleIn ?? false,
  };
  if (predefined) return { targetValue: c.TargetValue, predefined: predefinedMetric(predefined), ...cooldowns };
  const m = customized!;
  if (m.Metrics !== undefined && m.Metrics.length > 0) {
    throw validation(
      'CustomizedMetricSpecification.Metrics (metric math) is not evaluated by Berth yet; name one metric with MetricName, Namespace and Statistic.',
    );
  }
  if (m.MetricName === undefined || m.Namespace === undefined || m.Statistic === undefined) {
    throw validation('CustomizedMetricSpecification needs MetricName, Namespace and Statistic.');
  }
  return {
    targetValue: c.TargetValue,
    customized: { namespace: m.Namespace, metricName: m.MetricName, dimensions: m.Dimensions ?? [], statistic: m.Statistic },
    ...cooldowns,
  };
}

function describePolicy(p: ScalingPolicyRecord, alarms: readonly AlarmOut[]): ScalingPolicyOut {
  const common = {
    PolicyARN: p.arn,
    PolicyName: p.name,
    ServiceNamespace: 'ecs',
    ResourceId: p.resourceId,
    ScalableDimension: 'ecs:service:DesiredCount',
    PolicyType: p.policyType,
    Alarms: alarms,
    CreationTime: p.createdAt,
  };
  if (p.policyType === 'StepScaling') {
    const c = p.stepScaling;
    return {
      ...common,
      StepScalingPolicyConfiguration: {
        AdjustmentType: c.adjustmentType,
        StepAdjustments: c.steps.map((s) => ({
          ...(s.lowerBound !== undefined ? { MetricIntervalLowerBound: s.lowerBound } : {}),
          ...(s.upperBound !== undefined ? { MetricIntervalUpperBound: s.upperBound } : {}),
          ScalingAdjustment: s.adjustment,
        })),
        ...(c.minAdjustmentMagnitude !== undefined ? { MinAdjustmentMagnitude: c.minAdjustmentMagnitude } : {}),
        Cooldown: c.cooldown,
        MetricAggregationType: c.metricAggregationType,
      },
    };
  }
  const t = p.targetTracking;
  return {
    ...common,
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: t.targetValue,
      ...(t.predefined
        ? {
            PredefinedMetricSpecification: {
              PredefinedMetricType: t.predefined.type,
              ...(t.predefined.resourceLabel !== undefined ? { ResourceLabel: t.predefined.resourceLabel } : {}),
            },
          }
        : {}),
      ...(t.customized
        ? {
            CustomizedMetricSpecification: {
              MetricName: t.customized.metricName,
              Namespace: t.customized.namespace,
              Dimensions: t.customized.dimensions,
              Statistic: t.customized.statistic,
            },
          }
        : {}),
      ScaleOutCooldown: t.scaleOutCooldown,
      ScaleInCooldown: t.scaleInCooldown,
      DisableScaleIn: t.disableScaleIn,
    },
  };
}

/** The CloudWatch alarms whose actions name the policy, as PutScalingPolicy and DescribeScalingPolicies show them. */
async function alarmsNaming(store: Store, region: string, arn: string): Promise<AlarmOut[]> {
  return (await alarmsOf(store, region))
    .filter((a) => [...a.alarmActions, ...a.okActions, ...a.insufficientDataActions].includes(arn))
    .map((a) => ({ AlarmName: a.name, AlarmARN: a.arn }));
}

const policyNotFound = (resourceId: string, name: string) =>
  new AwsError(
    'ObjectNotFoundException',
    `No scaling policy found for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ecs:service:DesiredCount, policy name: ${name}`,
  );

export function scalingPolicyHandlers(deps: { store: Store; random: Random }): Handlers<'applicationautoscaling'> {
  const { store } = deps;
  return {
    async PutScalingPolicy(input, ctx): Reply<'applicationautoscaling', 'PutScalingPolicy'> {
      ecsResource(input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
      if (!(await store.get<ScalableTargetRecord>(keys.scalableTarget(ctx.region, input.ResourceId)))) throw notFoundTarget(input.ResourceId);
      const type = input.PolicyType ?? 'StepScaling';
      if (type !== 'TargetTrackingScaling' && type !== 'StepScaling') {
        throw validation(`PolicyType ${type} is not supported by Berth: predictive scaling needs a forecast; use TargetTrackingScaling or StepScaling.`);
      }
      const key = keys.scalingPolicy(ctx.region, input.ResourceId, input.PolicyName);
      const had = (await store.get<ScalingPolicyRecord>(key))?.value;
      const common = {
        arn: had?.arn ?? policyArn(ctx.region, ctx.accountId, deps.random.uuid(), input.ResourceId, input.PolicyName),
        name: input.PolicyName,
        region: ctx.region,
        resourceId: input.ResourceId,
        createdAt: had?.createdAt ?? ctx.now,
      };
      let record: ScalingPolicyRecord;
      if (type === 'StepScaling') {
        if (input.TargetTrackingScalingPolicyConfiguration !== undefined) {
          throw validation('TargetTrackingScalingPolicyConfiguration cannot be given for a StepScaling policy.');
        }
        if (input.StepScalingPolicyConfiguration === undefined) {
          throw validation(
            `StepScalingPolicyConfiguration is required for a StepScaling policy${input.PolicyType === undefined ? ' (StepScaling is the default PolicyType)' : ''}.`,
          );
        }
        const stepScaling = stepScalingConfig(input.StepScalingPolicyConfiguration);
        const lastInvokedAt = had?.policyType === 'StepScaling' ? had.lastInvokedAt : undefined;
        record = { ...common, policyType: 'StepScaling', stepScaling, ...(lastInvokedAt !== undefined ? { lastInvokedAt } : {}) };
      } else {
        if (input.StepScalingPolicyConfiguration !== undefined) {
          throw validation('StepScalingPolicyConfiguration cannot be given for a TargetTrackingScaling policy.');
        }
        if (input.TargetTrackingScalingPolicyConfiguration === undefined) {
          throw validation('TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy.');
        }
        record = { ...common, policyType: 'TargetTrackingScaling', targetTracking: trackingConfig(input.TargetTrackingScalingPolicyConfiguration) };
      }
      await store.put(key, record);
      return { PolicyARN: record.arn, Alarms: await alarmsNaming(store, ctx.region, record.arn) };
    },

    async DescribeScalingPolicies(input, ctx): Reply<'applicationautoscaling', 'DescribeScalingPolicies'> {
      if (input.ServiceNamespace !== 'ecs') return { ScalingPolicies: [] };
      const names = input.PolicyNames ?? [];
      const all = (await store.list<ScalingPolicyRecord>(keys.scalingPoliciesOf(ctx.region, input.ResourceId))).records
        .map((r) => r.value)
        .filter((p) => names.length === 0 || names.includes(p.name));
      const { page, nextToken } = pageOf(all, input.MaxResults, input.NextToken);
      const described: ScalingPolicyOut[] = [];
      for (const p of page) described.push(describePolicy(p, await alarmsNaming(store, ctx.region, p.arn)));
      return { ScalingPolicies: described, ...(nextToken ? { NextToken: nextToken } : {}) };
    },

    async DeleteScalingPolicy(input, ctx): Reply<'applicationautoscaling', 'DeleteScalingPolicy'> {
      ecsResource(input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
      const key = keys.scalingPolicy(ctx.region, input.ResourceId, input.PolicyName);
      if (!(await store.get(key))) throw policyNotFound(input.ResourceId, input.PolicyName);
      await store.delete(key);
      return {};
    },
  };
}
