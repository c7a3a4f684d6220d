/**
 * A cluster as DescribeClusters (and every answer naming a cluster) shows it: the record's wire
 * members, with its counts derived from what the cluster holds, never kept as counters.
 */
import type { ClusterOut } from '../api/wire-types/ecs.js';
import { PENDING_STATES, type ClusterRecord, type ContainerInstanceRecord, type ServiceRecord, type Tag, type TaskRecord } from '../../domain/ecs/records.js';

export interface ClusterContents {
  instances: readonly ContainerInstanceRecord[];
  services: readonly ServiceRecord[];
  tasks: readonly TaskRecord[];
}

/** `tags` only when given: ECS leaves the member out unless the request set or asked for them. */
export function clusterDescription(c: ClusterRecord, { instances, services, tasks }: ClusterContents, tags?: readonly Tag[]): ClusterOut {
  return {
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: c.status,
    settings: c.settings,
    ...(c.configuration !== undefined ? { configuration: c.configuration } : {}),
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy,
    registeredContainerInstancesCount: instances.filter((i) => i.status === 'ACTIVE' || i.status === 'DRAINING').length,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => PENDING_STATES.includes(t.lastStatus)).length,
    activeServicesCount: services.filter((s) => s.status === 'ACTIVE').length,
    statistics: [],
    ...(tags !== undefined ? { tags } : {}),
  };
}
