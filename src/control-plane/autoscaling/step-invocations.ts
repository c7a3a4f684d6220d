/**
 * Step scaling policies, invoked by the CloudWatch alarms that name them in their actions: on the
 * alarm's entry to the state, and again every minute while it stays there, as Application Auto
 * Scaling does. Each invocation first moves the policy's `lastInvokedAt` by compare-and-set, so two
 * passes (or two servers) cannot both act on one minute; then decideStep (pure) turns the breach
 * (the alarm's datapoints, aggregated as the policy says, minus its threshold) into a desired count.
 */
import type { ScalableTargetRecord } from '../../domain/autoscaling/scalable-target.js';
import { desiredCountActivity, type ScalingActivityRecord } from '../../domain/autoscaling/scaling-activity.js';
import type { ScalingPolicyRecord, StepScalingPolicyRecord } from '../../domain/autoscaling/scaling-policy.js';
import { aggregate, decideStep } from '../../domain/autoscaling/step-scaling.js';
import type { AlarmRecord } from '../../domain/cloudwatch/alarm.js';
import { keys } from '../../domain/keys.js';
import type { Logger } from '../../platform/logger.js';
import { RevisionConflictError, type Store } from '../../store/store.js';
import { actionsFor, alarmDatapoints } from '../cloudwatch/alarm-actions.js';
import { alarmsOf } from '../cloudwatch/alarms.js';
import type { MetricStore } from '../cloudwatch/metric-store.js';

/** While the alarm stays in the state, the policy is invoked again this often (AWS: every minute). */
export const REINVOKE_MS = 60_000;

export interface StepInvocationDeps {
  readonly store: Store;
  readonly metrics: MetricStore;
  readonly setDesiredCount: (region: string, cluster: string, service: string, desiredCount: number) => Promise<void>;
  readonly activity: (t: ScalableTargetRecord, now: number, fields: Pick<ScalingActivityRecord, 'description' | 'cause' | 'statusMessage'>) => Promise<void>;
  readonly logger?: Logger;
}

export interface StepContext {
  readonly target: ScalableTargetRecord;
  readonly current: number;
  readonly deploymentInProgress: boolean;
  readonly now: number;
}

/** Whether an alarm in its state calls for the policy now: first on entry, then once a minute. */
export function invocationDue(policy: StepScalingPolicyRecord, alarm: AlarmRecord, now: number): boolean {
  const last = policy.lastInvokedAt;
  return last === undefined || last < alarm.stateTransitionedAt || now - last >= REINVOKE_MS;
}

/**
 * Runs the target's step policies that an alarm calls for. Resolves with the target as it now is and
 * the desired count set, or undefined when none scaled.
 */
export async function invokeStepPolicies(deps: StepInvocationDeps, ctx: StepContext): Promise<{ target: ScalableTargetRecord; desired: number } | undefined> {
  const { store } = deps;
  const { now } = ctx;
  const policies = (await store.list<ScalingPolicyRecord>(keys.scalingPoliciesOf(ctx.target.region, ctx.target.resourceId))).records.flatMap((r) =>
    r.value.policyType === 'StepScaling' ? [{ key: r.key, revision: r.modRevision, policy: r.value }] : [],
  );
  if (policies.length === 0) return undefined;
  const alarms = await alarmsOf(store, ctx.target.region);
  let target = ctx.target;
  let current = ctx.current;
  let scaled = false;
  for (const { key, revision, policy } of policies) {
    const calling = alarms.filter((a) => actionsFor(a).includes(policy.arn)).sort((a, b) => b.stateTransitionedAt - a.stateTransitionedAt)[0];
    if (calling === undefined || !invocationDue(policy, calling, now)) continue;
    try {
      await store.put(key, { ...policy, lastInvokedAt: now }, { expectedRevision: revision });
    } catch (err) {
      // Another pass invoked it first.
      if (err instanceof RevisionConflictError) continue;
      throw err;
    }
    const value = aggregate(await alarmDatapoints(deps.metrics, calling, now), policy.stepScaling.metricAggregationType);
    if (value === undefined) continue;
    const d = decideStep({
      now,
      config: policy.stepScaling,
      breach: value - calling.threshold,
      current,
      min: target.minCapacity,
      max: target.maxCapacity,
      scaleOutSuspended: target.suspended.dynamicScalingOutSuspended,
      scaleInSuspended: target.suspended.dynamicScalingInSuspended,
      deploymentInProgress: ctx.deploymentInProgress,
      ...(target.lastScaleOut ? { lastScaleOut: target.lastScaleOut } : {}),
      ...(target.lastScaleIn ? { lastScaleIn: target.lastScaleIn } : {}),
    });
    if (d.kind === 'hold') {
      deps.logger?.debug?.({ service: target.resourceId, policy: policy.name, alarm: calling.name, reason: d.reason }, 'step policy held');
      continue;
    }
    await deps.setDesiredCount(target.region, target.cluster, target.service, d.desired);
    target = {
      ...target,
      ...(d.direction === 'out' ? { lastScaleOut: { at: now, to: d.desired, from: current } } : { lastScaleIn: { at: now } }),
    };
    await store.put(keys.scalableTarget(target.region, target.resourceId), target);
    await deps.activity(
      target,
      now,
      desiredCountActivity(d.desired, `monitor alarm ${calling.name} in state ${calling.state} triggered policy ${policy.name}`),
    );
    deps.logger?.info(
      { service: target.resourceId, from: current, to: d.desired, policy: policy.name, alarm: calling.name },
      'step scaling set the desired count',
    );
    current = d.desired;
    scaled = true;
  }
  return scaled ? { target, desired: current } : undefined;
}
