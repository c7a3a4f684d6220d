/**
 * The lifecycle of a BLUE_GREEN, CANARY or LINEAR deployment, as ECS names its stages: a pure
 * function of the deployment's shift state, what the pass observes, and now. It never skips a wait
 * it cannot see the end of: green must be healthy at full size before any traffic moves, and each
 * weight change must be in the listener rules (observed) before its bake starts counting.
 *
 *   [RECONCILE_SERVICE ──green's side clear──▶] PRE_SCALE_UP → SCALE_UP ──green ready──▶ POST_SCALE_UP → TEST_TRAFFIC_SHIFT (test 100% green)
 *   ──rules applied──▶ POST_TEST_TRAFFIC_SHIFT ──settled (with alarms: watched)──▶ PRODUCTION_TRAFFIC_SHIFT (steps[0], bake, steps[1], …)
 *   ──100% applied──▶ POST_PRODUCTION_TRAFFIC_SHIFT → BAKE_TIME ──bake over──▶ CLEAN_UP ──blue gone──▶ done
 */
import type { LifecycleStage, TrafficShift } from '../domain/ecs/records.js';
import type { TrafficPlan } from '../domain/ecs/deployment-strategy.js';

export interface ShiftObservation {
  now: number;
  /** Green has its desired count of tasks, every one healthy in its target groups. */
  greenReady: boolean;
  /** The production and test rules carry the weights of the shift's current shares. */
  rulesApplied: boolean;
  /** No task of another deployment is left (CLEAN_UP finished). */
  blueGone: boolean;
  /** No task of an older deployment is left on green's target-group side (RECONCILE_SERVICE waits for it). */
  greenSideClear: boolean;
  /** A minute in ms: 60,000, or less under the Berth-only deployment time scale (tests). */
  msPerMinute: number;
}

export interface ShiftDecision {
  shift: TrafficShift;
  /** Blue may be drained and stopped. */
  cleanUp: boolean;
  /** Every stage is done. */
  done: boolean;
  /** When a bake ends: come back then. */
  wakeAt?: number;
}

/**
 * A new traffic-shifting deployment: nothing started, blue holds all traffic. `reconcile`: more than
 * one revision was active when it began (one replaced halfway through its own shift), so it starts
 * at RECONCILE_SERVICE, as in ECS, until that one's tasks have left green's side.
 */
export function startShift(plan: TrafficPlan, now: number, reconcile = false): TrafficShift {
  return { plan, stage: reconcile ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP', since: now, production: 0, test: 0, history: [[now, 0]] };
}

/**
 * The test rule's change is observed in the store; each node applies it on its next routing-table
 * swap. Production waits this long more, so the test listener serves green before production does.
 */
export const TEST_TRAFFIC_SETTLE_MS = 1_000;

/** At most this many transitions per pass; more than the stages there are, so only a wait stops the walk. */
const MAX_TRANSITIONS = 32;

export function advanceShift(shift: TrafficShift, obs: ShiftObservation): ShiftDecision {
  let current = shift;
  let wakeAt: number | undefined;
  // What was observed was the rules of the shares this pass began with: once it changes them, they are not applied yet.
  let seen = obs;
  for (let i = 0; i < MAX_TRANSITIONS; i++) {
    const next = step(current, seen);
    if (next.wakeAt !== undefined) wakeAt = next.wakeAt;
    if (!next.shift) break;
    if (next.shift.production !== current.production || next.shift.test !== current.test) seen = { ...seen, rulesApplied: false };
    current = next.shift;
  }
  const cleanUp = current.stage === 'CLEAN_UP';
  return { shift: current, cleanUp, done: cleanUp && obs.blueGone, ...(wakeAt !== undefined ? { wakeAt } : {}) };
}

/** The next state, or none when this one must wait (with the time its wait ends, when known). */
function step(s: TrafficShift, obs: ShiftObservation): { shift?: TrafficShift; wakeAt?: number } {
  const { now } = obs;
  const to = (stage: LifecycleStage, change: Partial<TrafficShift> = {}): { shift: TrafficShift } => ({ shift: { ...s, ...change, stage, since: now } });
  switch (s.stage) {
    case 'RECONCILE_SERVICE':
      return obs.greenSideClear ? to('PRE_SCALE_UP') : {};
    case 'PRE_SCALE_UP':
      return to('SCALE_UP');
    case 'SCALE_UP':
      return obs.greenReady ? to('POST_SCALE_UP') : {};
    case 'POST_SCALE_UP':
      return to('TEST_TRAFFIC_SHIFT', { test: 100 });
    case 'TEST_TRAFFIC_SHIFT':
      return obs.rulesApplied ? to('POST_TEST_TRAFFIC_SHIFT') : {};
    case 'POST_TEST_TRAFFIC_SHIFT': {
      // The settle, or with deployment alarms their watch of green on test traffic alone.
      const watchEnds = s.since + Math.max(TEST_TRAFFIC_SETTLE_MS, s.plan.testWatchMs ?? 0);
      if (now < watchEnds) return { wakeAt: watchEnds };
      return to('PRODUCTION_TRAFFIC_SHIFT', shareChange(s, s.plan.steps[0] ?? 100, now));
    }
    case 'PRODUCTION_TRAFFIC_SHIFT': {
      if (!obs.rulesApplied) return {};
      if (s.production >= 100) return to('POST_PRODUCTION_TRAFFIC_SHIFT');
      const bakeEnds = s.since + s.plan.stepBakeMinutes * obs.msPerMinute;
      if (now < bakeEnds) return { wakeAt: bakeEnds };
      const nextShare = s.plan.steps.find((p) => p > s.production) ?? 100;
      return to('PRODUCTION_TRAFFIC_SHIFT', shareChange(s, nextShare, now));
    }
    case 'POST_PRODUCTION_TRAFFIC_SHIFT':
      return to('BAKE_TIME');
    case 'BAKE_TIME': {
      const bakeEnds = s.since + s.plan.bakeMinutes * obs.msPerMinute;
      return now >= bakeEnds ? to('CLEAN_UP') : { wakeAt: bakeEnds };
    }
    case 'CLEAN_UP':
      return {};
  }
}

function shareChange(s: TrafficShift, production: number, now: number): Partial<TrafficShift> {
  return { production, history: [...(s.history ?? []), [now, production]] };
}

/**
 * Green's shares a pass wants in the rules: those of the PRIMARY's shift while it runs; once it is
 * done, or for a deployment that shifts nothing, all traffic goes to the PRIMARY's side.
 */
export function wantedShares(shift: TrafficShift | undefined): { production: number; test: number } {
  if (!shift) return { production: 100, test: 100 };
  return { production: shift.production, test: shift.test };
}
