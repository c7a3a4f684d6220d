/**
 * A target-tracking scaling policy as Berth stores it, and PutScalingPolicy's checks. The metric is
 * ALBRequestCountPerTarget (RequestCountPerTarget of the target group its ResourceLabel names),
 * ECSServiceAverageCPUUtilization / ECSServiceAverageMemoryUtilization (AWS/ECS CPUUtilization /
 * MemoryUtilization of the service, Average, from the agents' task stats), or a customized
 * CloudWatch metric.
 */
import { ECS_NAMESPACE } from '../cloudwatch/ecs-metrics.js';
import { validation } from './scalable-target.js';
import type { StepScalingConfig } from './step-scaling.js';

export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly statistic: 'Average' | 'Minimum' | 'Maximum' | 'SampleCount' | 'Sum';
}

export interface TargetTrackingConfig {
  readonly targetValue: number;
  readonly predefined?: PredefinedMetric;
  readonly customized?: MetricRef;
  /** Seconds; AWS's default for ECS is 300 each. */
  readonly scaleOutCooldown: number;
  readonly scaleInCooldown: number;
  readonly disableScaleIn: boolean;
}

interface PolicyCommon {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly resourceId: string;
  readonly createdAt: number;
}

export interface TargetTrackingPolicyRecord extends PolicyCommon {
  readonly policyType: 'TargetTrackingScaling';
  readonly targetTracking: TargetTrackingConfig;
}

/** A step policy acts when an alarm naming its ARN in its actions is in that state (step-invocations.ts). */
export interface StepScalingPolicyRecord extends PolicyCommon {
  readonly policyType: 'StepScaling';
  readonly stepScaling: StepScalingConfig;
  /** Epoch ms of the last invocation by an alarm (compare-and-set by the auto scaler). */
  readonly lastInvokedAt?: number;
}

export type ScalingPolicyRecord = TargetTrackingPolicyRecord | StepScalingPolicyRecord;

export const isTargetTracking = (p: ScalingPolicyRecord): p is TargetTrackingPolicyRecord => p.policyType === 'TargetTrackingScaling';

export const DEFAULT_COOLDOWN_SECONDS = 300;

/** `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`, as ALB's target tracking takes it. */
const RESOURCE_LABEL = /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+\/targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/;

export type EcsPredefinedType = 'ECSServiceAverageCPUUtilization' | 'ECSServiceAverageMemoryUtilization';

export type PredefinedMetric =
  | { readonly type: 'ALBRequestCountPerTarget'; readonly resourceLabel: string }
  | { readonly type: EcsPredefinedType; readonly resourceLabel?: undefined };

const ECS_PREDEFINED: Readonly<Record<EcsPredefinedType, string>> = {
  ECSServiceAverageCPUUtilization: 'CPUUtilization',
  ECSServiceAverageMemoryUtilization: 'MemoryUtilization',
};

const isEcsPredefined = (type: string): type is EcsPredefinedType => Object.hasOwn(ECS_PREDEFINED, type);

export interface PredefinedInput {
  readonly PredefinedMetricType: string;
  readonly ResourceLabel?: string;
}

/** The CloudWatch metric a predefined or customized specification names, for the policy's `service/<cluster>/<service>`. */
export function metricOf(config: TargetTrackingConfig, resourceId: string): MetricRef {
  if (config.customized) return config.customized;
  const p = config.predefined;
  if (p === undefined) throw new Error('a target tracking policy has a predefined or a customized metric');
  if (p.type !== 'ALBRequestCountPerTarget') {
    const [, cluster = '', service = ''] = resourceId.split('/');
    return {
      namespace: ECS_NAMESPACE,
      metricName: ECS_PREDEFINED[p.type],
      dimensions: [
        { Name: 'ClusterName', Value: cluster },
        { Name: 'ServiceName', Value: service },
      ],
      statistic: 'Average',
    };
  }
  const label = p.resourceLabel;
  const tg = label.slice(label.indexOf('/targetgroup/') + 1);
  return { namespace: 'AWS/ApplicationELB', metricName: 'RequestCountPerTarget', dimensions: [{ Name: 'TargetGroup', Value: tg }], statistic: 'Sum' };
}

export function predefinedMetric(p: PredefinedInput): PredefinedMetric {
  if (isEcsPredefined(p.PredefinedMetricType)) {
    // AWS takes a ResourceLabel for ALBRequestCountPerTarget only; one here would be silently meaningless.
    if (p.ResourceLabel !== undefined)
      throw validation(`ResourceLabel is only valid for the predefined metric type ALBRequestCountPerTarget, not ${p.PredefinedMetricType}.`);
    return { type: p.PredefinedMetricType };
  }
  if (p.PredefinedMetricType !== 'ALBRequestCountPerTarget') {
    throw validation(`PredefinedMetricType ${p.PredefinedMetricType} is not a metric of an ECS service.`);
  }
  if (p.ResourceLabel === undefined) throw validation('ResourceLabel must be specified for the predefined metric type ALBRequestCountPerTarget.');
  if (!RESOURCE_LABEL.test(p.ResourceLabel)) {
    throw validation(`ResourceLabel ${p.ResourceLabel} is not app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>.`);
  }
  return { type: 'ALBRequestCountPerTarget', resourceLabel: p.ResourceLabel };
}

export function policyArn(region: string, accountId: string, id: string, resourceId: string, name: string): string {
  return `arn:aws:autoscaling:${region}:${accountId}:scalingPolicy:${id}:resource/ecs/${resourceId}:policyName/${name}`;
}

export function checkTargetValue(v: number): void {
  if (!(v > 0)) throw validation(`TargetValue must be greater than zero (${v}).`);
}
