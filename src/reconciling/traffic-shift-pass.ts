/**
 * The deciding phase of a traffic-shifting service (BLUE_GREEN, CANARY, LINEAR), in place of the
 * rolling arithmetic: green (the PRIMARY) starts at its full size on its own target-group side, the
 * stage machine (traffic-shift.ts) moves the listener rules' weights, and tasks of other deployments
 * are drained only once the rules send them nothing. Pure.
 *
 * Old tasks on green's side (a deployment replaced halfway through its own shift) and, after the
 * final bake (CLEAN_UP) or with no shift under way (a rollback made blue PRIMARY again), old tasks on
 * the other side stop, each time only after the observed rules already carry the wanted weights:
 * a target is never deregistered while a rule still weights its group, so no request lands on an
 * emptied group, and in-flight ones finish while it drains.
 */
import type { Deployment, LoadBalancer, TaskRecord, TrafficShift } from '../domain/ecs/records.js';
import type { RuleRecord } from '../domain/elbv2/listener.js';
import { otherSide, sideOf, targetGroupFor } from '../domain/ecs/target-side.js';
import { advanceShift, wantedShares } from './traffic-shift.js';
import { withSplit } from './rule-weights.js';
import type { RuleUpdate } from './service-plan.js';
import type { StopWhy } from './rollout.js';
import type { TaskView } from './task-view.js';

export interface ShiftPassInput {
  loadBalancers: readonly LoadBalancer[];
  primary: Deployment | undefined;
  deployments: readonly Deployment[];
  rules: readonly RuleRecord[];
  now: number;
  msPerMinute: number;
  /** PRIMARY tasks: live, not failing. */
  green: readonly TaskView[];
  /** Live tasks of other deployments, not failing, in stop order. */
  old: readonly TaskView[];
  /** Failing health checks past the grace period (any deployment). */
  failing: readonly TaskView[];
  /** Tasks of other deployments not yet STOPPED, draining ones included. */
  othersAlive: number;
  canStart: boolean;
  chooseScaleIn: (candidates: readonly TaskRecord[], count: number) => TaskRecord[];
}

export interface ShiftPassDecision {
  stop: { view: TaskView; why: StopWhy }[];
  start: number;
  stuck: false;
  rules: RuleUpdate[];
  /** The PRIMARY's shift after this pass (unchanged when nothing moved). */
  shift?: TrafficShift;
  wakeAt?: number;
}

/** The production and test rules of the service's load balancers, with green's and blue's groups. */
function ruleSides(lbs: readonly LoadBalancer[], greenSide: Deployment['targetSide']) {
  const green = greenSide ?? 'primary';
  return lbs.flatMap((lb) => {
    const a = lb.advancedConfiguration;
    const greenTg = targetGroupFor(lb, green);
    const blueTg = targetGroupFor(lb, otherSide(green));
    if (!a || !greenTg || !blueTg) return [];
    return [
      ...(a.productionListenerRule ? [{ ruleArn: a.productionListenerRule, kind: 'production' as const, greenTg, blueTg }] : []),
      ...(a.testListenerRule ? [{ ruleArn: a.testListenerRule, kind: 'test' as const, greenTg, blueTg }] : []),
    ];
  });
}

/** The rule updates that give green these shares (none when the rules already carry them). */
function ruleUpdatesFor(input: ShiftPassInput, shares: { production: number; test: number }): RuleUpdate[] {
  const byArn = new Map(input.rules.map((r) => [r.RuleArn, r]));
  const out: RuleUpdate[] = [];
  const seen = new Set<string>();
  for (const r of ruleSides(input.loadBalancers, input.primary?.targetSide)) {
    const rule = byArn.get(r.ruleArn);
    if (!rule || seen.has(r.ruleArn)) continue;
    seen.add(r.ruleArn);
    const next = withSplit(rule.Actions, r.blueTg, r.greenTg, r.kind === 'production' ? shares.production : shares.test);
    if (next !== rule.Actions) out.push({ ruleArn: r.ruleArn, actions: [...next] });
  }
  return out;
}

export function decideShiftPass(input: ShiftPassInput): ShiftPassDecision {
  const { primary, now } = input;
  const side = sideOf(primary);
  const onGreenSide = (v: TaskView) => sideOf(input.deployments.find((d) => d.id === v.task.startedBy)) === side;
  const desired = primary?.desiredCount ?? 0;

  let shift = primary?.trafficShift;
  let cleanUp = true;
  let wakeAt: number | undefined;
  if (primary && shift && primary.rolloutState === 'IN_PROGRESS' && shift.stage !== 'CLEAN_UP') {
    if (input.othersAlive === 0) {
      // Nothing to shift away from: all traffic to green now, or its group would be weighted against an empty one.
      shift = { ...shift, stage: 'CLEAN_UP', since: now, production: 100, test: 100, history: [...(shift.history ?? []), [now, 100]] };
    } else {
      const d = advanceShift(shift, {
        now,
        greenReady: input.green.filter((v) => v.healthy).length >= desired && !input.old.some(onGreenSide),
        greenSideClear: !input.old.some(onGreenSide),
        rulesApplied: ruleUpdatesFor(input, wantedShares(shift)).length === 0,
        blueGone: false,
        msPerMinute: input.msPerMinute,
      });
      shift = d.shift;
      wakeAt = d.wakeAt;
    }
  }
  if (primary && shift && primary.rolloutState === 'IN_PROGRESS') cleanUp = shift.stage === 'CLEAN_UP';
  // A FAILED PRIMARY without rollback keeps the traffic where it is; otherwise the shift's shares (100% once it is over).
  const frozen = primary?.rolloutState === 'FAILED';
  const rules = frozen ? [] : ruleUpdatesFor(input, primary?.rolloutState === 'IN_PROGRESS' ? wantedShares(shift) : wantedShares(undefined));
  const settled = rules.length === 0;

  const stop: ShiftPassDecision['stop'] = input.failing.map((view) => ({ view, why: 'failing' as const }));
  const excess = Math.max(0, input.green.length - desired);
  const byArn = new Map(input.green.map((v) => [v.task.taskArn, v]));
  const scaleIn =
    excess > 0
      ? input
          .chooseScaleIn(
            input.green.map((v) => v.task),
            excess,
          )
          .flatMap((t) => byArn.get(t.taskArn) ?? [])
      : [];
  for (const view of scaleIn) stop.push({ view, why: 'scale-in' });
  if (settled && !frozen) {
    for (const view of input.old) if (onGreenSide(view) || cleanUp) stop.push({ view, why: 'deployment' });
  }
  const kept = input.green.length - scaleIn.length;
  const start = input.canStart ? Math.max(0, desired - kept) : 0;
  return {
    stop,
    start,
    stuck: false,
    rules,
    ...(shift !== primary?.trafficShift && shift ? { shift } : {}),
    ...(wakeAt !== undefined ? { wakeAt } : {}),
  };
}
