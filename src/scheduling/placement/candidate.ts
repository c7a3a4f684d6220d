/**
 * The candidate view of a container instance: everything placement decides on, built once from the
 * records (level, not edge bookkeeping: capacity and group counts are derived from the tasks on it).
 */
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { capacityOf, holdsReservation, type Capacity } from '../../domain/ecs/resources.js';
import type { QuerySubject } from '../../domain/ecs/cluster-query.js';

export interface PlacementCandidate extends QuerySubject {
  readonly arn: string;
  /** The container instance id (the ARN's last part), as ECS's events name it. */
  readonly id: string;
  readonly status: string;
  /** Free capacity now. Placement never mutates it; it works on a copy. */
  readonly capacity: Capacity;
  /** Task group (service:<name> or family:<family>) → tasks of that group on the instance. */
  readonly groupCounts: ReadonlyMap<string, number>;
  readonly registeredAt: number;
  readonly runningTasksCount: number;
}

type InstanceFields = Pick<
  ContainerInstanceRecord,
  'containerInstanceArn' | 'id' | 'ec2InstanceId' | 'status' | 'agentConnected' | 'attributes' | 'registeredAt' | 'registeredResources'
>;
type TaskFields = Pick<TaskRecord, 'lastStatus' | 'desiredStatus' | 'reservation' | 'group' | 'containerInstanceId'>;

/** `tasks` are the tasks on this instance (any state: only live ones count). */
export function candidateOf(instance: InstanceFields, tasks: readonly TaskFields[]): PlacementCandidate {
  const live = tasks.filter(holdsReservation);
  const groupCounts = new Map<string, number>();
  let running = 0;
  for (const t of live) {
    if (t.lastStatus === 'RUNNING') running++;
    // A task on its way down no longer counts toward its group's spread or distinctInstance.
    if (t.desiredStatus === 'RUNNING') groupCounts.set(t.group, (groupCounts.get(t.group) ?? 0) + 1);
  }
  return {
    arn: instance.containerInstanceArn,
    id: instance.id,
    ec2InstanceId: instance.ec2InstanceId,
    status: instance.status,
    agentConnected: instance.agentConnected,
    attributes: new Map(instance.attributes.map((a) => [a.name, a.value ?? undefined])),
    capacity: capacityOf(instance, live),
    groupCounts,
    registeredAt: instance.registeredAt,
    runningTasksCount: running,
  };
}

/** Candidates for every instance, grouping the cluster's tasks by instance in one pass. */
export function candidatesOf(instances: readonly InstanceFields[], tasks: readonly TaskFields[]): PlacementCandidate[] {
  const byInstance = new Map<string, TaskFields[]>();
  for (const t of tasks) {
    let list = byInstance.get(t.containerInstanceId);
    if (!list) byInstance.set(t.containerInstanceId, (list = []));
    list.push(t);
  }
  return instances.map((i) => candidateOf(i, byInstance.get(i.id) ?? []));
}
