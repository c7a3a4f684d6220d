/**
 * Placing and committing new tasks (RunTask, StartTask; later the service scheduler).
 *
 * Placement commits the new task records together with a bump of each chosen instance's
 * placementVersion, in one transaction whose compares are the instances' modRevisions as read
 * before deciding. A concurrent placement on the same instance therefore fails the compare and this
 * one re-reads and decides again: capacity is never over-committed.
 */
import type { Compare, Store, TxnOp } from '../../store/store.js';
import type { Random } from '../../platform/random.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { clusterNameOf, ecsArn } from '../../domain/ecs/arn.js';
import { newResourceId } from '../../domain/ecs/ids.js';
import type {
  ClusterRecord,
  ContainerInstanceRecord,
  ContainerRecord,
  Failure,
  PlacementConstraint,
  PlacementStrategy,
  Tag,
  TaskDefinitionRecord,
  TaskOverrides,
  TaskRecord,
} from '../../domain/ecs/records.js';
import { reservationOf } from '../../domain/ecs/resources.js';
import type { TaskOut } from '../api/wire-types/ecs.js';
import { taskDescription } from './task-description.js';
import { candidatesOf } from '../../scheduling/placement/candidate.js';
import { parseConstraints } from '../../scheduling/placement/constraint.js';
import { parseStrategies, RUN_TASK_DEFAULT_STRATEGIES } from '../../scheduling/placement/strategy.js';
import { place } from '../../scheduling/placement/place.js';
import { addTags, clusterKeyOf, listValues, readTags, type EcsDeps, type Scope } from './ecs-context.js';

const MAX_ATTEMPTS = 50;

export interface LaunchInput {
  cluster?: string;
  taskDefinition: string;
  group?: string;
  startedBy?: string;
  overrides?: TaskOverrides;
  tags?: Tag[];
  /** RunTask's own constraints, added to the task definition's. */
  placementConstraints?: PlacementConstraint[];
  /** RunTask's strategies; none means random. */
  placementStrategy?: PlacementStrategy[];
}

/** The task as the API shows it (task-description.ts), with its tags read when asked for. */
export async function describeTask(store: Store, t: TaskRecord, withTags = false): Promise<TaskOut> {
  return taskDescription(t, withTags ? await readTags(store, t.taskArn) : undefined);
}

/** A new task record (PROVISIONING, desired RUNNING) on `instance`; `taskId` is drawn when not given. */
export function buildTask(
  s: Scope,
  random: Random,
  cluster: Pick<ClusterRecord, 'clusterName' | 'clusterArn'>,
  td: TaskDefinitionRecord,
  instance: ContainerInstanceRecord,
  input: LaunchInput,
  taskId: string = newResourceId(random),
): TaskRecord {
  // The ARN takes the cluster's name; the record keeps its store segment (name@region off the home region).
  const clusterName = clusterNameOf(cluster.clusterArn) ?? cluster.clusterName;
  const taskArn = ecsArn.task(s, clusterName, taskId);
  const overrides = input.overrides ?? {};
  const byName = new Map((overrides.containerOverrides ?? []).map((o) => [o.name, o]));
  const containers: ContainerRecord[] = td.containerDefinitions.map((c) => {
    const o = byName.get(c.name);
    const memory = o?.memory ?? c.memory;
    const memoryReservation = o?.memoryReservation ?? c.memoryReservation;
    return {
      containerArn: ecsArn.container(s, clusterName, taskId, random.uuid()),
      taskArn,
      name: c.name!,
      image: c.image!,
      lastStatus: 'PENDING',
      networkBindings: [],
      networkInterfaces: [],
      healthStatus: 'UNKNOWN',
      cpu: String(o?.cpu ?? c.cpu ?? 0),
      ...(memory !== undefined ? { memory: String(memory) } : {}),
      ...(memoryReservation !== undefined ? { memoryReservation: String(memoryReservation) } : {}),
    };
  });
  const cpu = overrides.cpu ?? td.cpu;
  const memory = overrides.memory ?? td.memory;
  return {
    taskArn,
    clusterArn: cluster.clusterArn,
    taskDefinitionArn: td.taskDefinitionArn,
    containerInstanceArn: instance.containerInstanceArn,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    healthStatus: 'UNKNOWN',
    containers,
    group: input.group ?? `family:${td.family}`,
    ...(input.startedBy !== undefined ? { startedBy: input.startedBy } : {}),
    launchType: 'EC2',
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...overrides },
    attachments: [],
    createdAt: s.now,
    version: 1,
    taskId,
    clusterName: clusterKeyOf(cluster),
    family: td.family,
    containerInstanceId: instance.id,
    ec2InstanceId: instance.ec2InstanceId,
    reservation: reservationOf(td, overrides),
  };
}

/**
 * The compares and puts that commit placed tasks: each new task key must not exist, and each used
 * instance must be as read (its placementVersion is bumped so the next placement there compares
 * against this one). RunTask commits exactly this; the service controller adds its own compares and
 * puts to the same transaction.
 */
export function placementTxn(
  clusterName: string,
  tasks: readonly TaskRecord[],
  used: readonly { instance: ContainerInstanceRecord; modRevision: number }[],
): { compares: Compare[]; ops: TxnOp[] } {
  return {
    compares: [
      ...used.map(({ instance, modRevision }) => ({ key: keys.containerInstance(clusterName, instance.id), modRevision })),
      ...tasks.map((t) => ({ key: keys.task(clusterName, t.taskId), modRevision: 0 })),
    ],
    ops: [
      ...tasks.map((t): TxnOp => ({ type: 'put', key: keys.task(clusterName, t.taskId), value: t })),
      ...used.map(
        ({ instance }): TxnOp => ({
          type: 'put',
          key: keys.containerInstance(clusterName, instance.id),
          value: { ...instance, placementVersion: instance.placementVersion + 1 },
        }),
      ),
    ],
  };
}

/**
 * Decides and commits `count` tasks on `instances` (all of the cluster's, or the ones StartTask
 * names), retrying the decision when another placement got there first.
 */
export async function launch(
  deps: EcsDeps,
  s: Scope,
  cluster: ClusterRecord,
  td: TaskDefinitionRecord,
  input: LaunchInput,
  pickInstances: (all: { instance: ContainerInstanceRecord; modRevision: number }[]) => {
    candidates: { instance: ContainerInstanceRecord; modRevision: number }[];
    failures: Failure[];
  },
  count: number,
): Promise<{ tasks: TaskRecord[]; failures: Failure[] }> {
  const { store, random } = deps;
  const reservation = reservationOf(td, input.overrides);
  const group = input.group ?? `family:${td.family}`;
  // Validated before anything is read, so a bad constraint or strategy fails the call as a whole.
  const constraints = parseConstraints([...(td.placementConstraints ?? []), ...(input.placementConstraints ?? [])]);
  const strategies = parseStrategies(input.placementStrategy, RUN_TASK_DEFAULT_STRATEGIES);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const listed = (await store.list<ContainerInstanceRecord>(keys.containerInstances(clusterKeyOf(cluster)))).records.map((r) => ({
      instance: r.value,
      modRevision: r.modRevision,
    }));
    const { candidates, failures: pickFailures } = pickInstances(listed);
    const tasksNow = await listValues<TaskRecord>(store, keys.tasks(clusterKeyOf(cluster)));
    const pool = candidatesOf(
      candidates.map((c) => c.instance),
      tasksNow,
    );
    const decision = place({ count, reservation, group, constraints, strategies }, pool, random);
    const byArn = new Map(candidates.map((c) => [c.instance.containerInstanceArn, c]));
    const tasks = decision.placements.map((arn) => buildTask(s, random, cluster, td, byArn.get(arn)!.instance, input));
    const failures: Failure[] = [...pickFailures, ...(decision.failure?.rejections ?? []).map((r) => ({ arn: r.arn, reason: r.reason }))];
    if (tasks.length === 0) return { tasks, failures };
    const used = [...new Set(decision.placements)].map((arn) => byArn.get(arn)!);
    const { compares, ops } = placementTxn(clusterKeyOf(cluster), tasks, used);
    const r = await store.txn({ compares, success: ops });
    if (!r.succeeded) continue;
    for (const t of tasks) await addTags(store, t.taskArn, input.tags);
    return { tasks, failures };
  }
  throw new AwsError('ServerException', 'Too much placement contention in this cluster; try again.', 500);
}
