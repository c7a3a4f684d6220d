/**
 * PutScalingPolicy, DescribeScalingPolicies and DeleteScalingPolicy: target tracking policies on a
 * registered ECS service. Step scaling needs alarm actions and predictive scaling a forecast, neither
 * of which Berth has yet: both are refused (AWS's default PolicyType is StepScaling, so the type must
 * be given). The policy's target-tracking alarms are not created as CloudWatch alarms: the auto
 * scaler reads the metric itself (auto-scaler.ts), so `Alarms` is empty.
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
import { keys } from '../../domain/keys.js';
import type { Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import type { Handlers, InputOf, Reply } from '../api/operation.js';
import type { ScalingPolicyOut } from '../api/wire-types/applicationautoscaling.js';
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

function describePolicy(p: ScalingPolicyRecord): ScalingPolicyOut {
  const t = p.targetTracking;
  return {
    PolicyARN: p.arn,
    PolicyName: p.name,
    ServiceNamespace: 'ecs',
    ResourceId: p.resourceId,
    ScalableDimension: 'ecs:service:DesiredCount',
    PolicyType: p.policyType,
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
    Alarms: [],
    CreationTime: p.createdAt,
  };
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
      if (type !== 'TargetTrackingScaling') {
        throw validation(
          `PolicyType ${type}${input.PolicyType === undefined ? ' (the default)' : ''} is not supported by Berth yet: ${type === 'StepScaling' ? 'step scaling needs alarm actions' : 'predictive scaling needs a forecast'}; use TargetTrackingScaling.`,
        );
      }
      if (input.TargetTrackingScalingPolicyConfiguration === undefined) {
        throw validation('TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy.');
      }
      const targetTracking = trackingConfig(input.TargetTrackingScalingPolicyConfiguration);
      const key = keys.scalingPolicy(ctx.region, input.ResourceId, input.PolicyName);
      const had = (await store.get<ScalingPolicyRecord>(key))?.value;
      const record: ScalingPolicyRecord = {
        arn: had?.arn ?? policyArn(ctx.region, ctx.accountId, deps.random.uuid(), input.ResourceId, input.PolicyName),
        name: input.PolicyName,
        region: ctx.region,
        resourceId: input.ResourceId,
        policyType: 'TargetTrackingScaling',
        targetTracking,
        createdAt: had?.createdAt ?? ctx.now,
      };
      await store.put(key, record);
      return { PolicyARN: record.arn, Alarms: [] };
    },

    async DescribeScalingPolicies(input, ctx): Reply<'applicationautoscaling', 'DescribeScalingPolicies'> {
      if (input.ServiceNamespace !== 'ecs') return { ScalingPolicies: [] };
      const names = input.PolicyNames ?? [];
      const all = (await store.list<ScalingPolicyRecord>(keys.scalingPoliciesOf(ctx.region, input.ResourceId))).records
        .map((r) => r.value)
        .filter((p) => names.length === 0 || names.includes(p.name));
      const { page, nextToken } = pageOf(all, input.MaxResults, input.NextToken);
      return { ScalingPolicies: page.map(describePolicy), ...(nextToken ? { NextToken: nextToken } : {}) };
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
