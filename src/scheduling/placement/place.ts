/**
 * The placement pipeline (after Nomad's scheduler/feasible/stack.go): for each task, filter the
 * candidates (`filter.ts`: one list, each filter passes or names its reason), score the ones left by
 * the strategies in list order, and pick the best, breaking what is still tied at random. The working
 * copy of capacities and group counts is updated after every pick, so a request for many tasks sees
 * its own earlier placements. Pure: candidates and randomness in, decisions out.
 *
 * Cost per task is one pass over the instances that passed the request-stage filters, running only
 * the task-stage filters that apply to the request, with no allocation.
 */
import type { Reservation } from '../../domain/ecs/records.js';
import type { Random } from '../../platform/random.js';
import type { PlacementCandidate } from './candidate.js';
import type { PlacementConstraint } from './constraint.js';
import { PASS, checksFor, closeness, filterRequest, fitsNow, portsApply, type Check, type FilterRequest } from './filter.js';
import { Rejection, type RejectionReason } from './rejection.js';
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

export function place(req: PlacementRequest, candidates: readonly PlacementCandidate[], random: Random): PlacementResult {
  const ws = new WorkingSet(candidates, req.group);
  const q = filterRequest(req.reservation, req.constraints, req.requiredAttributes);
  // Request-stage filters cannot change while this request places its tasks: they run once.
  const once = checksFor(q, 'request');
  const eligible: number[] = [];
  for (let i = 0; i < ws.n; i++) if (firstRejection(once, candidates[i]!, i, ws, q) === PASS) eligible.push(i);
  const picker = new Picker(eligible, new Scorer(req.strategies ?? [], ws), ws, q);
  const placements: string[] = [];
  for (let t = 0; t < req.count; t++) {
    const chosen = picker.best(random);
    if (chosen < 0) return { placements, failure: failureOf(ws, q) };
    picker.take(chosen, req.reservation);
    placements.push(candidates[chosen]!.arn);
  }
  return { placements };
}

/** The first of `checks` that rejects instance `i`: PASS when none does. */
function firstRejection(checks: readonly Check[], c: PlacementCandidate, i: number, ws: WorkingSet, q: FilterRequest): RejectionReason | undefined {
  for (let f = 0; f < checks.length; f++) {
    const why = checks[f]!(c, i, ws, q);
    if (why !== PASS) return why;
  }
  return PASS;
}

/** Picks, task after task, the best-scoring eligible instance that passes the task-stage filters now (`fitsNow`). */
class Picker {
  private readonly top: Float64Array;
  private readonly trial: Float64Array;

  constructor(
    private readonly eligible: readonly number[],
    private readonly scorer: Scorer,
    private readonly ws: WorkingSet,
    private readonly q: FilterRequest,
    private readonly withPorts = portsApply(q),
  ) {
    this.top = new Float64Array(scorer.size);
    this.trial = new Float64Array(scorer.size);
  }

  /** -1 when no eligible instance fits; ties are broken at random. */
  best(random: Random): number {
    const { top, trial, eligible, scorer, ws, q, withPorts } = this;
    const S = scorer.size;
    let chosen = -1;
    let ties = 0;
    for (let k = 0; k < eligible.length; k++) {
      const i = eligible[k]!;
      if (!fitsNow(ws.candidates[i]!, i, ws, q, withPorts)) continue;
      // Lexicographic comparison with the best so far: -1 better, 0 tied, 1 worse.
      let cmp = chosen < 0 ? -1 : 0;
      for (let s = 0; s < S; s++) {
        const v = scorer.score(s, i);
        trial[s] = v;
        if (cmp === 0) cmp = v < top[s]! ? -1 : v > top[s]! ? 1 : 0;
        if (cmp === 1) break;
      }
      if (cmp < 0) {
        chosen = i;
        ties = 1;
        top.set(trial);
      } else if (cmp === 0 && random.next() * ++ties < 1) {
        // Reservoir sampling: each of the `ties` equally good instances is kept with probability 1/ties.
        chosen = i;
      }
    }
    return chosen;
  }

  take(i: number, r: Reservation): void {
    this.ws.take(i, r);
    this.scorer.moved(i, 1);
  }
}

/** Why nothing fits: each instance's first rejection (every filter, in list order), and the closest one. */
function failureOf(ws: WorkingSet, q: FilterRequest): PlacementFailure {
  const all = checksFor(q);
  const rejections: Rejected[] = [];
  let closest: Rejected | undefined;
  for (let i = 0; i < ws.n; i++) {
    const c = ws.candidates[i]!;
    const reason = firstRejection(all, c, i, ws, q);
    // Unreachable: an instance every filter passes would have been picked.
    if (reason === PASS) throw new Error(`placement: instance ${c.id} passes every filter yet was not chosen`);
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
