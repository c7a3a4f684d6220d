/**
 * The placement pipeline (after Nomad's scheduler/feasible/stack.go): for each task, filter the
 * candidates (status, agent, CPU, memory, static ports and the dynamic ports left in the agent's range,
 * constraints), score the ones left by the
 * strategies in list order, and pick the best, breaking what is still tied at random. The working copy
 * of capacities and group counts is updated after every pick, so a request for many tasks sees its own
 * earlier placements. Pure: candidates and randomness in, decisions out.
 *
 * Cost per task is one pass over the instances that passed the static filters (status, agent,
 * memberOf, attributes), with no allocation: a few typed-array reads per instance.
 */
import type { Reservation } from '../../domain/ecs/records.js';
import type { Random } from '../../platform/random.js';
import type { PlacementCandidate } from './candidate.js';
import type { PlacementConstraint } from './constraint.js';
import { Rejection, closeness, type RejectionReason } from './rejection.js';
import { Scorer } from './scorer.js';
import type { PlacementStrategy } from './strategy.js';
import { WorkingSet } from './working-set.js';

export interface PlacementRequest {
  readonly count: number;
  readonly reservation: Reservation;
  /** service:<name> or family:<family>: what spread balances and distinctInstance keeps apart. */
  readonly group: string;
  readonly constraints?: readonly PlacementConstraint[];
  readonly strategies?: readonly PlacementStrategy[];
  /** Attribute names the task needs (a task definition's requiresAttributes); missing gives ATTRIBUTE. */
  readonly requiredAttributes?: readonly string[];
}

export interface Rejected {
  readonly arn: string;
  readonly id: string;
  readonly reason: RejectionReason;
}

export interface PlacementFailure {
  /** Why the task could not be placed: the closest instance's reason, or NO_CONTAINER_INSTANCES. */
  readonly reason: RejectionReason | 'NO_CONTAINER_INSTANCES';
  /** The instance that came closest (passed the most filters), as ECS's service event names it. */
  readonly closest?: { readonly arn: string; readonly id: string; readonly why: RejectionReason };
  /** Every non-inactive instance and why it refused (RunTask's `failures`). */
  readonly rejections: readonly Rejected[];
}

export interface PlacementResult {
  /** One entry per placed task: the chosen instance's arn. */
  readonly placements: string[];
  /** Set when fewer than `count` tasks were placed: why the next one could not be. */
  readonly failure?: PlacementFailure;
}

/** The first filter instance `i` fails given the working state, or undefined when it fits. */
function rejectionOf(c: PlacementCandidate, i: number, ws: WorkingSet, req: PlacementRequest, distinct: boolean): RejectionReason | undefined {
  if (c.status !== 'ACTIVE') return Rejection.INACTIVE;
  if (!c.agentConnected) return Rejection.AGENT;
  if (req.reservation.cpu > ws.cpu[i]!) return Rejection.CPU;
  if (req.reservation.memory > ws.memory[i]!) return Rejection.MEMORY;
  if (ws.portClash(i, req.reservation)) return Rejection.PORTS;
  if (req.requiredAttributes?.some((a) => !c.attributes.has(a))) return Rejection.ATTRIBUTE;
  for (const k of req.constraints ?? []) if (k.type === 'memberOf' && !k.query(c)) return Rejection.MEMBER_OF;
  if (distinct && ws.groupCount[i]! > 0) return Rejection.DISTINCT_INSTANCE;
  return undefined;
}

function failureOf(ws: WorkingSet, req: PlacementRequest, distinct: boolean): PlacementFailure {
  const rejections: Rejected[] = [];
  let closest: Rejected | undefined;
  for (let i = 0; i < ws.n; i++) {
    const c = ws.candidates[i]!;
    const reason = rejectionOf(c, i, ws, req, distinct) ?? Rejection.CPU; // unreachable: every fitting instance would have been picked
    if (reason === Rejection.INACTIVE) continue;
    const r: Rejected = { arn: c.arn, id: c.id, reason };
    rejections.push(r);
    if (!closest || closeness(reason) > closeness(closest.reason)) closest = r;
  }
  return {
    reason: closest?.reason ?? 'NO_CONTAINER_INSTANCES',
    ...(closest ? { closest: { arn: closest.arn, id: closest.id, why: closest.reason } } : {}),
    rejections,
  };
}

export function place(req: PlacementRequest, candidates: readonly PlacementCandidate[], random: Random): PlacementResult {
  const ws = new WorkingSet(candidates, req.group);
  const distinct = (req.constraints ?? []).some((k) => k.type === 'distinctInstance');
  // Filters that cannot change while this request places its tasks run once.
  const eligible: number[] = [];
  for (let i = 0; i < ws.n; i++) {
    const c = candidates[i]!;
    if (c.status !== 'ACTIVE' || !c.agentConnected) continue;
    if (req.requiredAttributes?.some((a) => !c.attributes.has(a))) continue;
    if ((req.constraints ?? []).some((k) => k.type === 'memberOf' && !k.query(c))) continue;
    eligible.push(i);
  }
  const scorer = new Scorer(req.strategies ?? [], ws);
  const S = scorer.size;
  const best = new Float64Array(S);
  const trial = new Float64Array(S);
  const r = req.reservation;
  const hasPorts = r.ports.length > 0 || r.portsUdp.length > 0 || (r.dynamicPorts ?? 0) > 0;
  const { cpu, memory, groupCount } = ws;
  const placements: string[] = [];
  for (let t = 0; t < req.count; t++) {
    let chosen = -1;
    let ties = 0;
    for (let k = 0; k < eligible.length; k++) {
      const i = eligible[k]!;
      if (cpu[i]! < r.cpu || memory[i]! < r.memory) continue;
      if (distinct && groupCount[i]! > 0) continue;
      if (hasPorts && ws.portClash(i, r)) continue;
      // Lexicographic comparison with the best so far: -1 better, 0 tied, 1 worse.
      let cmp = chosen < 0 ? -1 : 0;
      for (let s = 0; s < S; s++) {
        const v = scorer.score(s, i);
        trial[s] = v;
        if (cmp === 0) cmp = v < best[s]! ? -1 : v > best[s]! ? 1 : 0;
        if (cmp === 1) break;
      }
      if (cmp < 0) {
        chosen = i;
        ties = 1;
        best.set(trial);
      } else if (cmp === 0 && random.next() * ++ties < 1) {
        // Reservoir sampling: each of the `ties` equally good instances is kept with probability 1/ties.
        chosen = i;
      }
    }
    if (chosen < 0) return { placements, failure: failureOf(ws, req, distinct) };
    ws.take(chosen, r);
    scorer.moved(chosen, 1);
    placements.push(candidates[chosen]!.arn);
  }
  return { placements };
}
