/** DescribeScalingActivities: the auto scaler's changes, newest first. */
import type { ScalingActivityRecord } from '../../domain/autoscaling/scaling-activity.js';
import { keys } from '../../domain/keys.js';
import type { Store } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import { pageOf } from './paging.js';

export function scalingActivityHandlers(deps: { store: Store }): Handlers<'applicationautoscaling'> {
  return {
    async DescribeScalingActivities(input, ctx): Reply<'applicationautoscaling', 'DescribeScalingActivities'> {
      if (input.ServiceNamespace !== 'ecs') return { ScalingActivities: [] };
      const all = (await deps.store.list<ScalingActivityRecord>(keys.scalingActivitiesOf(ctx.region, input.ResourceId))).records
        .map((r) => r.value)
        .sort((a, b) => b.startTime - a.startTime || (a.id < b.id ? 1 : -1));
      const { page, nextToken } = pageOf(all, input.MaxResults, input.NextToken);
      return {
        ScalingActivities: page.map((a) => ({
          ActivityId: a.id,
          ServiceNamespace: 'ecs',
          ResourceId: a.resourceId,
          ScalableDimension: 'ecs:service:DesiredCount',
          Description: a.description,
          Cause: a.cause,
          StartTime: a.startTime,
          EndTime: a.endTime,
          StatusCode: a.statusCode,
          StatusMessage: a.statusMessage,
        })),
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
    },
  };
}
