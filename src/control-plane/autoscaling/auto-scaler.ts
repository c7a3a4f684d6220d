/**
 * The auto scaler, on the leader every `everyMs` (default 10 s): for each scalable target, fires the
 * scheduled actions that came due (new min/max capacity), then asks each target-tracking policy
 * (decideTargetTracking, pure) for a desired count from its metric's recent minutes, and sets the
 * service's desired count through UpdateService, as Application Auto Scaling does. Step policies act
 * first, when an alarm that names them calls for them (step-invocations.ts). Several tracking policies:
 * the largest scale-out wins, and scale-in happens only when every policy agrees, as AWS documents.
 * Every change is a scaling activity in AWS's words.
 */
import type { ScalableTargetRecord } from '../../domain/autoscaling/scalable-target.js';
import { MAX_ACTIVITIES_PER_TARGET, desiredCountActivity, type ScalingActivityRecord } from '../../domain/autoscaling/scaling-activity.js';
import { isTargetTracking, metricOf, type ScalingPolicyRecord, type TargetTrackingPolicyRecord } from '../../domain/autoscaling/scaling-policy.js';
import { firesBetween, parseSchedule, type ScheduledActionRecord } from '../../domain/autoscaling/schedule.js';
import { decideTargetTracking, SCALE_IN_MINUTES, type TrackingDecision } from '../../domain/autoscaling/target-tracking.js';
import { statisticOf } from '../../domain/cloudwatch/metric-series.js';
import { bucketStart } from '../../domain/cloudwatch/retention.js';
import type { ServiceRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { periodicPass } from '../../platform/periodic-pass.js';
import type { Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import { queryMetric } from '../cloudwatch/metric-query.js';
import type { MetricStore } from '../cloudwatch/metric-store.js';
import { invokeStepPolicies } from './step-invocations.js';

export const AUTO_SCALER_MS = 10_000;

export interface AutoScalerDeps {
  readonly store: Store;
  readonly metrics: MetricStore;
  readonly clock: Clock;
  readonly random: Random;
  /** UpdateService's desired count (the composition root passes the ECS handler). */
  readonly setDesiredCount: (region: string, cluster: string, service: string, desiredCount: number) => Promise<void>;
  readonly logger?: Logger;
  readonly everyMs?: number;
}

export interface AutoScaler {
  /** One pass now (tests; the timer calls the same). Resolves with how many services it scaled. */
  pass(): Promise<number>;
  stop(): void;
}

const inDeployment = (svc: ServiceRecord): boolean => svc.deployments.length > 1 || svc.deployments.some((d) => d.rolloutState === 'IN_PROGRESS');

export function startAutoScaler(deps: AutoScalerDeps): AutoScaler {
  const { store } = deps;

  const activity = async (
    t: ScalableTargetRecord,
    now: number,
    fields: Pick<ScalingActivityRecord, 'description' | 'cause' | 'statusMessage'>,
  ): Promise<void> => {
    const id = deps.random.uuid();
    const record: ScalingActivityRecord = { id, region: t.region, resourceId: t.resourceId, startTime: now, endTime: now, statusCode: 'Successful', ...fields };
    await store.put(keys.scalingActivity(t.region, t.resourceId, now, id), record);
    const all = (await store.list(keys.scalingActivitiesOf(t.region, t.resourceId))).records;
    for (const old of all.slice(0, Math.max(0, all.length - MAX_ACTIVITIES_PER_TARGET))) await store.delete(old.key);
  };

  const minutesOf = async (p: TargetTrackingPolicyRecord, now: number) => {
    const m = metricOf(p.targetTracking, p.resourceId);
    const current = bucketStart(now, 60);
    const points = await queryMetric(
      deps.metrics,
      {
        metric: { namespace: m.namespace, name: m.metricName, dimensions: m.dimensions },
        start: current - (SCALE_IN_MINUTES + 1) * 60_000,
        end: current + 60_000,
        periodSeconds: 60,
      },
      now,
    );
    return points.map((pt) => ({ t: pt.t, value: statisticOf(pt.values, m.statistic), ...(pt.t === current ? { running: true } : {}) }));
  };

  const scheduled = async (t: ScalableTargetRecord, now: number): Promise<ScalableTargetRecord> => {
    let target = t;
    for (const r of (await store.list<ScheduledActionRecord>(keys.scheduledActionsOf(t.region, t.resourceId))).records) {
      const a = r.value;
      if (!firesBetween(parseSchedule(a.schedule, a.timezone), a.appliedThrough, now, a.startTime ?? a.createdAt, a.endTime)) continue;
      await store.put(r.key, { ...a, appliedThrough: now }, { expectedRevision: r.modRevision });
      if (target.suspended.scheduledScalingSuspended) continue;
      const min = a.minCapacity ?? target.minCapacity;
      const max = Math.max(min, a.maxCapacity ?? target.maxCapacity);
      target = { ...target, minCapacity: min, maxCapacity: max };
      await store.put(keys.scalableTarget(t.region, t.resourceId), target);
      await activity(target, now, {
        description: `Setting min capacity to ${min} and max capacity to ${max}`,
        cause: `scheduled action name ${a.name} was triggered`,
        statusMessage: `Successfully set min capacity to ${min} and max capacity to ${max}`,
      });
    }
    return target;
  };

  const passOnce = async (): Promise<number> => {
    const now = deps.clock.now();
    let scaled = 0;
    for (const rec of (await store.list<ScalableTargetRecord>(keys.scalableTargets())).records) {
      const target = await scheduled(rec.value, now);
      const svc = (await store.get<ServiceRecord>(keys.service(target.cluster, target.service)))?.value;
      if (!svc || svc.status !== 'ACTIVE') continue;
      const stepped = await invokeStepPolicies(
        { store, metrics: deps.metrics, setDesiredCount: deps.setDesiredCount, activity, ...(deps.logger ? { logger: deps.logger } : {}) },
        { target, current: svc.desiredCount, deploymentInProgress: inDeployment(svc), now },
      );
      // Tracking decides on the next pass, from the count the step policy set.
      if (stepped) {
        scaled++;
        continue;
      }
      const all = (await store.list<ScalingPolicyRecord>(keys.scalingPoliciesOf(target.region, target.resourceId))).records.map((r) => r.value);
      const policies = all.filter(isTargetTracking);
      const decisions: { policy: TargetTrackingPolicyRecord; d: TrackingDecision }[] = [];
      for (const policy of policies) {
        const tt = policy.targetTracking;
        decisions.push({
          policy,
          d: decideTargetTracking({
            now,
            current: svc.desiredCount,
            min: target.minCapacity,
            max: target.maxCapacity,
            targetValue: tt.targetValue,
            minutes: await minutesOf(policy, now),
            scaleOutCooldownMs: tt.scaleOutCooldown * 1000,
            scaleInCooldownMs: tt.scaleInCooldown * 1000,
            disableScaleIn: tt.disableScaleIn,
            scaleOutSuspended: target.suspended.dynamicScalingOutSuspended,
            scaleInSuspended: target.suspended.dynamicScalingInSuspended,
            deploymentInProgress: inDeployment(svc),
            ...(target.lastScaleOut ? { lastScaleOut: target.lastScaleOut } : {}),
            ...(target.lastScaleIn ? { lastScaleIn: target.lastScaleIn } : {}),
          }),
        });
      }
      // Capacity outside [min, max] is brought inside even without a policy (a scheduled action moved the bounds).
      if (policies.length === 0 && (svc.desiredCount < target.minCapacity || svc.desiredCount > target.maxCapacity)) {
        const desired = Math.min(target.maxCapacity, Math.max(target.minCapacity, svc.desiredCount));
        await deps.setDesiredCount(target.region, target.cluster, target.service, desired);
        await activity(
          target,
          now,
          desiredCountActivity(desired, `minimum capacity was set to ${target.minCapacity} and maximum capacity to ${target.maxCapacity}`),
        );
        scaled++;
        continue;
      }
      const scales = decisions.flatMap(({ policy, d }) => (d.kind === 'scale' ? [{ policy, ...d }] : []));
      const outs = scales.filter((x) => x.direction === 'out');
      const ins = scales.filter((x) => x.direction === 'in');
      const largest = (xs: typeof scales) => xs.reduce((a, b) => (a.desired >= b.desired ? a : b));
      const chosen = outs.length > 0 ? largest(outs) : ins.length > 0 && ins.length === decisions.length ? largest(ins) : undefined;
      if (!chosen) continue;
      const { desired, direction, metric } = chosen;
      const m = metricOf(chosen.policy.targetTracking, chosen.policy.resourceId);
      await deps.setDesiredCount(target.region, target.cluster, target.service, desired);
      await store.put(keys.scalableTarget(target.region, target.resourceId), {
        ...target,
        ...(direction === 'out' ? { lastScaleOut: { at: now, to: desired } } : { lastScaleIn: { at: now } }),
      });
      const words = Number.isNaN(metric)
        ? `the desired count ${svc.desiredCount} was outside min capacity ${target.minCapacity} and max capacity ${target.maxCapacity}`
        : `${m.metricName} was ${Math.round(metric * 100) / 100}, ${direction === 'out' ? 'above' : 'below'} the target ${chosen.policy.targetTracking.targetValue}`;
      await activity(target, now, desiredCountActivity(desired, `monitor metric ${words}: triggered policy ${chosen.policy.name}`));
      deps.logger?.info({ service: target.resourceId, from: svc.desiredCount, to: desired, policy: chosen.policy.name }, 'auto scaling set the desired count');
      scaled++;
    }
    return scaled;
  };

  const loop = periodicPass(passOnce, deps.everyMs ?? AUTO_SCALER_MS, (err) => deps.logger?.warn({ err }, 'auto scaling pass failed'));
  return { pass: loop.run, stop: loop.stop };
}
