/**
 * Places a plan's starts with the placement pipeline (the service's constraints and strategies, ECS's
 * service defaults) and builds the task records, with the ids the reconciler pre-drew. What cannot be
 * placed becomes ECS's "was unable to place a task" event. Pure apart from the randomness it is given.
 */
import type { Random } from '../../platform/random.js';
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { reservationOf } from '../../domain/ecs/resources.js';
import { candidatesOf } from '../../scheduling/placement/candidate.js';
import { CandidatePool } from '../../scheduling/placement/candidate-pool.js';
import { runToEnd, type Sliced } from '../../platform/sliced.js';
import { parseConstraints } from '../../scheduling/placement/constraint.js';
import { parseStrategies, SERVICE_DEFAULT_STRATEGIES } from '../../scheduling/placement/strategy.js';
import { place } from '../../scheduling/placement/place.js';
import { placementFailureEvent } from '../../scheduling/placement/failure-event.js';
import { chooseTasksToStop } from '../../scheduling/placement/scale-in.js';
import type { StartItem } from '../../reconciling/service-plan.js';
import { buildTask } from '../ecs/task-launch.js';
import type { Placed } from './plan-commit.js';
import type { ServiceSnapshot } from './service-snapshot.js';

export interface Placement extends Placed {
  /** Event texts for starts that could not (all) be placed. */
  failures: string[];
}

/** ECS ARNs carry region and account: a service's new tasks take its own. */
function scopeOf(serviceArn: string, now: number) {
  const [, , , region = 'us-east-1', accountId = '000000000000'] = serviceArn.split(':');
  return { region, accountId, now };
}

/** `lost`: instance ARNs whose host is lost: placed on as if their agent were disconnected, or a replacement would land there and be lost again. */
export function placeStarts(
  snap: ServiceSnapshot,
  starts: readonly StartItem[],
  now: number,
  random: Random,
  lost: ReadonlySet<string> = new Set(),
): Placement {
  return runToEnd(placeStartsInSlices(snap, starts, now, random, lost));
}

/** Tasks placed by one call of the pipeline: about this many (instance, task) checks, a few ms, between two yields. */
const CHECKS_PER_SLICE = 200_000;

/**
 * placeStarts as sliced work (platform/time-slice.ts): a start of many tasks is placed a slice at a
 * time, the pool of candidates kept in step in between (candidate-pool.ts), so the applier can give
 * the event loop back between slices. The result is the one a single call would give, slice by slice.
 */
export function* placeStartsInSlices(
  snap: ServiceSnapshot,
  starts: readonly StartItem[],
  now: number,
  random: Random,
  lost: ReadonlySet<string> = new Set(),
  /** The pool of an earlier chunk of the same pass (placementPool), which already holds that chunk's tasks. */
  given?: CandidatePool,
): Sliced<Placement> {
  const svc = snap.service.value;
  const out: Placement = { tasks: [], used: [], failures: [] };
  if (starts.length === 0) return out;
  const s = scopeOf(svc.serviceArn, now);
  const cluster = { clusterName: snap.clusterName, clusterArn: svc.clusterArn };
  const byArn = new Map(snap.instances.map((r) => [r.value.containerInstanceArn, { instance: r.value, modRevision: r.modRevision }]));
  const used = new Map<string, { instance: ContainerInstanceRecord; modRevision: number }>();
  const pool = given ?? placementPool(snap, lost);
  const perSlice = Math.max(1, Math.floor(CHECKS_PER_SLICE / Math.max(1, snap.instances.length)));
  yield;
  for (const start of starts) {
    const td = snap.taskDefinitions[start.taskDefinition];
    if (!td) {
      out.failures.push(`(service ${svc.serviceName}) was unable to place a task because the task definition ${start.taskDefinition} could not be found.`);
      continue;
    }
    let constraints, strategies;
    try {
      constraints = parseConstraints([...(td.placementConstraints ?? []), ...(svc.placementConstraints ?? [])]);
      strategies = parseStrategies(svc.placementStrategy, SERVICE_DEFAULT_STRATEGIES);
    } catch (err) {
      out.failures.push(`(service ${svc.serviceName}) was unable to place a task because ${(err as Error).message}`);
      continue;
    }
    const reservation = reservationOf(td);
    for (let done = 0; done < start.count; ) {
      const all = pool.candidates();
      // A daemon's task goes on its own instance or nowhere (ECS: "unable to place" names that instance).
      const candidates = start.instanceArn !== undefined ? all.filter((c) => c.arn === start.instanceArn) : all;
      const count = Math.min(perSlice, start.count - done);
      const decision = place({ count, reservation, group: start.group, constraints, strategies }, candidates, random);
      decision.placements.forEach((arn, i) => {
        const chosen = byArn.get(arn);
        if (!chosen) return;
        used.set(arn, chosen);
        const task = buildTask(
          s,
          random,
          cluster,
          td,
          chosen.instance,
          { taskDefinition: td.taskDefinitionArn, group: start.group, startedBy: start.startedBy },
          start.taskIds[done + i],
        );
        out.tasks.push(task);
        // Only what placement reads: the pool outlives the chunk's task records (service-sync's chunks).
        pool.add({
          lastStatus: task.lastStatus,
          desiredStatus: task.desiredStatus,
          reservation: task.reservation,
          group: task.group,
          containerInstanceId: task.containerInstanceId,
        });
      });
      done += decision.placements.length;
      if (decision.failure) {
        out.failures.push(placementFailureEvent(svc.serviceName, decision.failure));
        break;
      }
      yield;
    }
  }
  out.used = [...used.values()];
  return out;
}

/** The candidates placement starts from: the cluster's instances (a lost host's as if its agent were disconnected) and tasks. */
export function placementPool(snap: ServiceSnapshot, lost: ReadonlySet<string> = new Set()): CandidatePool {
  const instances = snap.instances.map((r) => (lost.has(r.value.containerInstanceArn) ? { ...r.value, agentConnected: false } : r.value));
  return new CandidatePool(
    instances,
    snap.clusterTasks.map((r) => r.value),
  );
}

/**
 * Scale-in by the service's placement strategy (ECS's default: spread by zone, then instance), turned
 * round: the reconciler's `chooseScaleIn`. The candidates come in the reconciler's order of preference
 * (not healthy first, then newest), which is kept on each instance. An unparseable strategy (refused at
 * the API, so only an old record) falls back to that order.
 */
export function scaleInChooser(snap: ServiceSnapshot, random: Random): (candidates: readonly TaskRecord[], count: number) => TaskRecord[] {
  return (candidates, count) => {
    let strategies;
    try {
      strategies = parseStrategies(snap.service.value.placementStrategy, SERVICE_DEFAULT_STRATEGIES);
    } catch {
      return candidates.slice(0, count);
    }
    const pool = candidatesOf(
      snap.instances.map((r) => r.value),
      snap.clusterTasks.map((r) => r.value),
    );
    const byArn = new Map(candidates.map((t) => [t.taskArn, t]));
    const stoppable = candidates.map((t) => ({ taskArn: t.taskArn, instanceArn: t.containerInstanceArn, reservation: t.reservation }));
    return chooseTasksToStop(count, stoppable, pool, strategies, random).flatMap((arn) => byArn.get(arn) ?? []);
  };
}

/**
 * DAEMON: the instances a task of the service belongs on: ACTIVE and matching the placement constraints
 * (task definition's and service's memberOf expressions), capacity aside: an instance too full for the
 * task still counts towards desiredCount and gets ECS's "unable to place" event, as in ECS.
 * A constraint that cannot be parsed (refused at the API, so only an old record) matches nothing.
 */
export function daemonInstancesOf(snap: ServiceSnapshot): string[] {
  const svc = snap.service.value;
  const td = snap.taskDefinitions[svc.taskDefinition];
  let constraints;
  try {
    constraints = parseConstraints([...(td?.placementConstraints ?? []), ...(svc.placementConstraints ?? [])]);
  } catch {
    return [];
  }
  return candidatesOf(
    snap.instances.map((r) => r.value),
    [],
  )
    .filter((c) => c.status === 'ACTIVE' && constraints.every((k) => k.type !== 'memberOf' || k.query(c)))
    .map((c) => c.arn);
}
