/**
 * ListContainerInstances' `filter`: the cluster query language, parsed and evaluated by the
 * placement pipeline's own parser (cluster-query.ts), so a filter and a
 * memberOf constraint always agree. Anything not understood is refused with InvalidParameterException.
 */
import { parseClusterQuery, type ClusterQuery } from './cluster-query.js';
import type { Attribute } from './records.js';

export type InstanceFilter = ClusterQuery;

/**
 * `withTasks`: the caller fills runningTasksCount and groupCounts in, so `runningTasksCount` and
 * `task:group` terms may be used; without it they are refused rather than matched against nothing.
 */
export function parseInstanceFilter(expression: string, options: { withTasks?: boolean } = {}): InstanceFilter {
  return parseClusterQuery(expression, options.withTasks ? {} : { subjects: ['attribute', 'ec2InstanceId', 'agentConnected', 'registeredAt'] });
}

export interface FilterableInstance {
  ec2InstanceId: string;
  agentConnected: boolean;
  attributes: Attribute[];
  registeredAt?: number;
  /** Needed only by `runningTasksCount` terms (0 when absent). */
  runningTasksCount?: number;
  /** Task group → count on the instance; needed only by `task:group` terms. */
  groupCounts?: ReadonlyMap<string, number>;
}

export function matchesFilter(filter: InstanceFilter, instance: FilterableInstance): boolean {
  return filter({
    ec2InstanceId: instance.ec2InstanceId,
    agentConnected: instance.agentConnected,
    attributes: new Map(instance.attributes.map((a) => [a.name, a.value ?? undefined])),
    ...(instance.registeredAt !== undefined ? { registeredAt: instance.registeredAt } : {}),
    ...(instance.runningTasksCount !== undefined ? { runningTasksCount: instance.runningTasksCount } : {}),
    ...(instance.groupCounts !== undefined ? { groupCounts: instance.groupCounts } : {}),
  });
}
