/**
 * Which tasks to stop when a service shrinks, in ECS's documented order (Developer Guide, "Update
 * Amazon ECS service parameters": the scheduler "attempts to maintain balance across the Availability
 * Zones", stopping in the zone with the most of the service's tasks, "favoring container instances with
 * the largest number of running tasks for this service"):
 *   1. the zone (`ecs.availability-zone`) with the most of the group's tasks;
 *   2. the service's placement strategies, turned round: binpack stops the task on the instance that
 *      will have the most left afterwards, spread stops from the most loaded instance or attribute
 *      value, random leaves the rest to chance;
 *   3. the instance with the most of the group's tasks;
 *   4. chance.
 * ECS's default strategy (spread by zone, then instance) is steps 1 and 3 alone. Pure.
 */
import type { Reservation } from '../../domain/ecs/records.js';
import type { Random } from '../../platform/random.js';
import type { PlacementCandidate } from './candidate.js';
import { Scorer } from './scorer.js';
import { AVAILABILITY_ZONE_SPREAD, INSTANCE_SPREAD, type PlacementStrategy } from './strategy.js';
import { WorkingSet } from './working-set.js';

export interface StoppableTask {
  readonly taskArn: string;
  /** The container instance's arn. */
  readonly instanceArn: string;
  readonly reservation: Reservation;
}

/**
 * Returns `count` task arns from `tasks` (the group's tasks, in the caller's order of preference on
 * each instance: put unhealthy or not-yet-running ones first). Tasks on instances missing from
 * `candidates` are stopped first: they have nowhere to be balanced.
 */
export function chooseTasksToStop(
  count: number,
  tasks: readonly StoppableTask[],
  candidates: readonly PlacementCandidate[],
  strategies: readonly PlacementStrategy[],
  random: Random,
): string[] {
  const chosen: string[] = [];
  const index = new Map(candidates.map((c, i) => [c.arn, i]));
  const onInstance: StoppableTask[][] = candidates.map(() => []);
  for (const t of tasks) {
    const i = index.get(t.instanceArn);
    if (i === undefined) {
      if (chosen.length < count) chosen.push(t.taskArn);
    } else onInstance[i]!.push(t);
  }
  // The group's counts are the tasks given, not whatever else the candidates report.
  const ws = new WorkingSet(candidates, '\u0000');
  for (let i = 0; i < ws.n; i++) ws.groupCount[i] = onInstance[i]!.length;
  // Zones first and the fuller instance last, whatever the service's strategies (ECS's scale-in order).
  const scorer = new Scorer([AVAILABILITY_ZONE_SPREAD, ...strategies, INSTANCE_SPREAD], ws, -1);
  const S = scorer.size;
  const best = new Float64Array(S);
  const trial = new Float64Array(S);
  const next = new Int32Array(ws.n);
  while (chosen.length < count) {
    let pick = -1;
    let ties = 0;
    for (let i = 0; i < ws.n; i++) {
      const here = onInstance[i]!;
      if (next[i]! >= here.length) continue;
      const r = here[next[i]!]!.reservation;
      let cmp = pick < 0 ? -1 : 0;
      for (let s = 0; s < S; s++) {
        // Score as if the task were already gone, so binpack compares what each instance would have left.
        let v = scorer.score(s, i);
        if (scorer.isBinpack(s)) v += scorer.binpackAmount(s, r);
        trial[s] = v;
        if (cmp === 0) cmp = v < best[s]! ? -1 : v > best[s]! ? 1 : 0;
        if (cmp === 1) break;
      }
      if (cmp < 0) {
        pick = i;
        ties = 1;
        best.set(trial);
      } else if (cmp === 0 && random.next() * ++ties < 1) pick = i;
    }
    if (pick < 0) break;
    const task = onInstance[pick]![next[pick]!]!;
    next[pick]! += 1;
    ws.cpu[pick]! += Math.max(0, task.reservation.cpu);
    ws.memory[pick]! += Math.max(0, task.reservation.memory);
    ws.groupCount[pick]! -= 1;
    scorer.moved(pick, -1);
    chosen.push(task.taskArn);
  }
  return chosen;
}
