/**
 * RunTask/StartTask's basic placement: which candidate instance takes each of `count` tasks, or why
 * none could. Pure: capacities in, decisions out; randomness is a parameter. Richer strategies
 * (binpack, spread, constraints) belong to the scheduler.
 */
import type { Random } from '../../platform/random.js';
import type { Reservation } from './records.js';
import { misfit, take, type Capacity } from './resources.js';

export interface Candidate {
  /** Whatever identifies the instance to the caller (its ARN). */
  readonly arn: string;
  readonly active: boolean;
  readonly agentConnected: boolean;
  /** Free capacity now; placement works on a copy. */
  readonly capacity: Capacity;
}

export interface PlacementFailure {
  arn: string;
  reason: string;
}

export interface PlacementDecision {
  /** One entry per placed task: the chosen instance's arn. */
  placed: string[];
  /** Why each instance refused the first task that could not be placed (ECS lists them per instance). */
  failures: PlacementFailure[];
}

const copy = (c: Capacity): Capacity => ({ ...c, ports: new Set(c.ports), portsUdp: new Set(c.portsUdp) });

export function placeTasks(candidates: readonly Candidate[], reservation: Reservation, count: number, random: Random): PlacementDecision {
  const pool = candidates.map((c) => ({ ...c, capacity: copy(c.capacity) }));
  const placed: string[] = [];
  for (let i = 0; i < count; i++) {
    const reasons: PlacementFailure[] = [];
    const fitting = pool.filter((c) => {
      if (!c.active) return false;
      if (!c.agentConnected) {
        reasons.push({ arn: c.arn, reason: 'AGENT' });
        return false;
      }
      const why = misfit(c.capacity, reservation);
      if (why) reasons.push({ arn: c.arn, reason: `RESOURCE:${why}` });
      return why === undefined;
    });
    if (fitting.length === 0) return { placed, failures: reasons };
    const chosen = fitting[Math.floor(random.next() * fitting.length)]!;
    take(chosen.capacity, reservation);
    placed.push(chosen.arn);
  }
  return { placed, failures: [] };
}
