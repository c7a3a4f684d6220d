/**
 * RegisterScalableTarget, DeregisterScalableTarget and DescribeScalableTargets for ECS services.
 * Registering an existing target updates what is given; a new one needs both capacities. The
 * service must exist, as AWS checks it.
 */
import { checkCapacities, ecsResource, notFoundTarget, targetArn, validation, type ScalableTargetRecord } from '../../domain/autoscaling/scalable-target.js';
import { keys } from '../../domain/keys.js';
import type { Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { ScalableTargetOut } from '../api/wire-types/applicationautoscaling.js';
import { pageOf } from './paging.js';

export function describeTarget(t: ScalableTargetRecord): ScalableTargetOut {
  return {
    ServiceNamespace: 'ecs',
    ResourceId: t.resourceId,
    ScalableDimension: 'ecs:service:DesiredCount',
    MinCapacity: t.minCapacity,
    MaxCapacity: t.maxCapacity,
    RoleARN: t.roleArn,
    CreationTime: t.createdAt,
    SuspendedState: {
      DynamicScalingInSuspended: t.suspended.dynamicScalingInSuspended,
      DynamicScalingOutSuspended: t.suspended.dynamicScalingOutSuspended,
      ScheduledScalingSuspended: t.suspended.scheduledScalingSuspended,
    },
    ScalableTargetARN: t.arn,
  };
}

export function scalableTargetHandlers(deps: { store: Store; random: Random }): Handlers<'applicationautoscaling'> {
  const { store } = deps;
  return {
    async RegisterScalableTarget(input, ctx): Reply<'applicationautoscaling', 'RegisterScalableTarget'> {
      const { cluster, service } = ecsResource(input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
      const svc = await store.get<{ status: string }>(keys.service(cluster, service));
      if (!svc || svc.value.status !== 'ACTIVE') throw validation(`ECS service doesn't exist: ${input.ResourceId}`);
      const key = keys.scalableTarget(ctx.region, input.ResourceId);
      const had = (await store.get<ScalableTargetRecord>(key))?.value;
      const min = input.MinCapacity ?? had?.minCapacity;
      const max = input.MaxCapacity ?? had?.maxCapacity;
      if (min === undefined || max === undefined) {
        throw validation('MinCapacity and MaxCapacity must both be given when a scalable target is registered for the first time.');
      }
      checkCapacities(min, max);
      const s = input.SuspendedState;
      const record: ScalableTargetRecord = {
        arn: had?.arn ?? targetArn(ctx.region, ctx.accountId, deps.random.uuid().replaceAll('-', '')),
        region: ctx.region,
        resourceId: input.ResourceId,
        cluster,
        service,
        minCapacity: min,
        maxCapacity: max,
        suspended: {
          dynamicScalingInSuspended: s?.DynamicScalingInSuspended ?? had?.suspended.dynamicScalingInSuspended ?? false,
          dynamicScalingOutSuspended: s?.DynamicScalingOutSuspended ?? had?.suspended.dynamicScalingOutSuspended ?? false,
          scheduledScalingSuspended: s?.ScheduledScalingSuspended ?? had?.suspended.scheduledScalingSuspended ?? false,
        },
        roleArn:
          input.RoleARN ??
          had?.roleArn ??
          `arn:aws:iam::${ctx.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
        createdAt: had?.createdAt ?? ctx.now,
        ...(had?.lastScaleOut ? { lastScaleOut: had.lastScaleOut } : {}),
        ...(had?.lastScaleIn ? { lastScaleIn: had.lastScaleIn } : {}),
      };
      await store.put(key, record);
      return { ScalableTargetARN: record.arn };
    },

    async DeregisterScalableTarget(input, ctx): Reply<'applicationautoscaling', 'DeregisterScalableTarget'> {
      ecsResource(input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
      const key = keys.scalableTarget(ctx.region, input.ResourceId);
      if (!(await store.get(key))) throw notFoundTarget(input.ResourceId);
      // Its policies and scheduled actions go with it, as in AWS.
      for (const prefix of [keys.scalingPoliciesOf(ctx.region, input.ResourceId), keys.scheduledActionsOf(ctx.region, input.ResourceId)]) {
        for (const r of (await store.list(prefix)).records) await store.delete(r.key);
      }
      await store.delete(key);
      return {};
    },

    async DescribeScalableTargets(input, ctx): Reply<'applicationautoscaling', 'DescribeScalableTargets'> {
      if (input.ServiceNamespace !== 'ecs') return { ScalableTargets: [] };
      const ids = input.ResourceIds ?? [];
      const all = (await store.list<ScalableTargetRecord>(keys.scalableTargets(ctx.region))).records
        .map((r) => r.value)
        .filter((t) => ids.length === 0 || ids.includes(t.resourceId))
        .filter(() => input.ScalableDimension === undefined || input.ScalableDimension === 'ecs:service:DesiredCount');
      const { page, nextToken } = pageOf(all, input.MaxResults, input.NextToken);
      return { ScalableTargets: page.map(describeTarget), ...(nextToken ? { NextToken: nextToken } : {}) };
    },
  };
}
