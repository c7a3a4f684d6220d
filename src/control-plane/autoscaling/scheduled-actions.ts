/** PutScheduledAction, DescribeScheduledActions and DeleteScheduledAction; the auto scaler fires them. */
import { AwsError } from '../../domain/aws-error.js';
import { checkCapacities, ecsResource, notFoundTarget, validation } from '../../domain/autoscaling/scalable-target.js';
import { checkTimeZone } from '../../domain/autoscaling/cron.js';
import { parseSchedule, type ScheduledActionRecord } from '../../domain/autoscaling/schedule.js';
import { keys } from '../../domain/keys.js';
import type { Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { ScheduledActionOut } from '../api/wire-types/applicationautoscaling.js';
import { pageOf } from './paging.js';

function describeAction(a: ScheduledActionRecord): ScheduledActionOut {
  return {
    ScheduledActionName: a.name,
    ScheduledActionARN: a.arn,
    ServiceNamespace: 'ecs',
    Schedule: a.schedule,
    Timezone: a.timezone ?? 'UTC',
    ResourceId: a.resourceId,
    ScalableDimension: 'ecs:service:DesiredCount',
    ...(a.startTime !== undefined ? { StartTime: a.startTime } : {}),
    ...(a.endTime !== undefined ? { EndTime: a.endTime } : {}),
    ScalableTargetAction: {
      ...(a.minCapacity !== undefined ? { MinCapacity: a.minCapacity } : {}),
      ...(a.maxCapacity !== undefined ? { MaxCapacity: a.maxCapacity } : {}),
    },
    CreationTime: a.createdAt,
  };
}

export function scheduledActionHandlers(deps: { store: Store; random: Random }): Handlers<'applicationautoscaling'> {
  const { store } = deps;
  return {
    async PutScheduledAction(input, ctx): Reply<'applicationautoscaling', 'PutScheduledAction'> {
      ecsResource(input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
      if (!(await store.get(keys.scalableTarget(ctx.region, input.ResourceId)))) throw notFoundTarget(input.ResourceId);
      const key = keys.scheduledAction(ctx.region, input.ResourceId, input.ScheduledActionName);
      const had = (await store.get<ScheduledActionRecord>(key))?.value;
      const schedule = input.Schedule ?? had?.schedule;
      if (schedule === undefined) throw validation('Schedule is required for a new scheduled action.');
      const timezone = input.Timezone ?? had?.timezone;
      if (timezone !== undefined) checkTimeZone(timezone);
      parseSchedule(schedule, timezone);
      const min = input.ScalableTargetAction?.MinCapacity ?? had?.minCapacity;
      const max = input.ScalableTargetAction?.MaxCapacity ?? had?.maxCapacity;
      if (min === undefined && max === undefined) throw validation('ScalableTargetAction needs MinCapacity, MaxCapacity or both.');
      if (min !== undefined && max !== undefined) checkCapacities(min, max);
      const startTime = input.StartTime ?? had?.startTime;
      const endTime = input.EndTime ?? had?.endTime;
      if (startTime !== undefined && endTime !== undefined && startTime >= endTime) throw validation('StartTime must be before EndTime.');
      const record: ScheduledActionRecord = {
        arn:
          had?.arn ??
          `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:scheduledAction:${deps.random.uuid()}:resource/ecs/${input.ResourceId}:scheduledActionName/${input.ScheduledActionName}`,
        name: input.ScheduledActionName,
        region: ctx.region,
        resourceId: input.ResourceId,
        schedule,
        ...(timezone !== undefined ? { timezone } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        ...(min !== undefined ? { minCapacity: min } : {}),
        ...(max !== undefined ? { maxCapacity: max } : {}),
        createdAt: had?.createdAt ?? ctx.now,
        appliedThrough: had?.schedule === schedule && had.timezone === timezone ? had.appliedThrough : ctx.now,
      };
      await store.put(key, record);
      return {};
    },

    async DescribeScheduledActions(input, ctx): Reply<'applicationautoscaling', 'DescribeScheduledActions'> {
      if (input.ServiceNamespace !== 'ecs') return { ScheduledActions: [] };
      const names = input.ScheduledActionNames ?? [];
      const all = (await store.list<ScheduledActionRecord>(keys.scheduledActionsOf(ctx.region, input.ResourceId))).records
        .map((r) => r.value)
        .filter((a) => names.length === 0 || names.includes(a.name));
      const { page, nextToken } = pageOf(all, input.MaxResults, input.NextToken);
      return { ScheduledActions: page.map(describeAction), ...(nextToken ? { NextToken: nextToken } : {}) };
    },

    async DeleteScheduledAction(input, ctx): Reply<'applicationautoscaling', 'DeleteScheduledAction'> {
      ecsResource(input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
      const key = keys.scheduledAction(ctx.region, input.ResourceId, input.ScheduledActionName);
      if (!(await store.get(key))) {
        throw new AwsError(
          'ObjectNotFoundException',
          `No scheduled action found for service namespace: ecs, resource ID: ${input.ResourceId}, scalable dimension: ecs:service:DesiredCount, scheduled action name: ${input.ScheduledActionName}`,
        );
      }
      await store.delete(key);
      return {};
    },
  };
}
