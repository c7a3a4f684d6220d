/**
 * A container instance as DescribeContainerInstances (and every answer naming one) shows it: the
 * record's wire members, with remainingResources and the task counts derived from the tasks placed on
 * it, never kept as counters. What only Berth uses (id, clusterName, advertiseAddress, placementVersion,
 * lastSeenAt, putAttributeNames) never reaches the wire.
 */
import type { ContainerInstanceOut } from '../api/wire-types/ecs.js';
import { PENDING_STATES, type ContainerInstanceRecord, type Tag, type TaskRecord } from '../../domain/ecs/records.js';
import { capacityOf, remainingResources } from '../../domain/ecs/resources.js';

/** `tasks` are the instance's own; `tags` only when given (ECS leaves the member out unless asked). */
export function containerInstanceDescription(ci: ContainerInstanceRecord, tasks: readonly TaskRecord[], tags?: readonly Tag[]): ContainerInstanceOut {
  return {
    containerInstanceArn: ci.containerInstanceArn,
    ec2InstanceId: ci.ec2InstanceId,
    version: ci.version,
    versionInfo: ci.versionInfo,
    remainingResources: remainingResources(ci, capacityOf(ci, tasks)),
    registeredResources: ci.registeredResources,
    status: ci.status,
    ...(ci.statusReason !== undefined ? { statusReason: ci.statusReason } : {}),
    agentConnected: ci.agentConnected,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => PENDING_STATES.includes(t.lastStatus)).length,
    attributes: ci.attributes,
    registeredAt: ci.registeredAt,
    ...(tags !== undefined ? { tags } : {}),
  };
}
