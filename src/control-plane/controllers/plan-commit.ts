/**
 * A plan as one store transaction (the reconciler's contract with the applier: src/reconciling/README.md, "Contract with the applier").
 * Pure: snapshot + plan + placed tasks + now in, compares and puts out. Every record written is
 * compared at the revision it was read, so any concurrent write (the agent's report, the health
 * checker, UpdateService, another placement) fails the whole commit and the pass re-plans.
 */
import type { TxnOp, TxnRequest } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { newRegistration, registrationExpired, startDraining, type TargetRecord } from '../../domain/elbv2/target.js';
import { applyServiceUpdate, type ServicePlan, type StopItem } from '../../reconciling/service-plan.js';
import { placementTxn } from '../ecs/task-launch.js';
import { runToEnd, type Sliced } from '../../platform/sliced.js';
import { targetGroupIdOf, type ServiceSnapshot } from './service-snapshot.js';

export interface Placed {
  tasks: TaskRecord[];
  used: { instance: ContainerInstanceRecord; modRevision: number }[];
}

export const DEFAULT_DEREGISTRATION_DELAY_S = 300;

/**
 * The task after a stop item. Draining first: lastStatus DEACTIVATING (as ECS shows a task whose
 * targets deregister), stoppingAt and the reason, desiredStatus kept RUNNING so the agent keeps it
 * running. Then desiredStatus STOPPED; a lost host's tasks STOPPED outright.
 */
export function stoppedTask(t: TaskRecord, stop: StopItem, now: number): TaskRecord {
  const next: TaskRecord = {
    ...t,
    stoppingAt: t.stoppingAt ?? now,
    stopCode: t.stopCode ?? stop.stopCode,
    stoppedReason: t.stoppedReason ?? stop.stoppedReason,
    version: t.version + 1,
  };
  if (stop.markStopped) {
    next.lastStatus = 'STOPPED';
    next.desiredStatus = 'STOPPED';
    next.stoppedAt = now;
    next.containers = t.containers.map((c) => (c.lastStatus === 'STOPPED' ? c : { ...c, lastStatus: 'STOPPED' }));
  } else if (!stop.deregisterFirst) {
    next.desiredStatus = 'STOPPED';
  } else if (t.lastStatus === 'ACTIVATING' || t.lastStatus === 'RUNNING') {
    next.lastStatus = 'DEACTIVATING';
  }
  return next;
}

/** What must commit together: an instance and the new tasks on it, a stopped task and its deregistrations, one registration. */
interface Unit {
  compares: Map<string, number>;
  ops: Map<string, TxnOp>;
}

const unit = (): Unit => ({ compares: new Map(), ops: new Map() });

/**
 * A plan as transactions in waves (plan-commit README, "Commit in waves"). The transactions of one
 * wave touch disjoint keys and may be sent at once; a wave goes once the one before has committed,
 * and a compare on a key an earlier wave wrote is set to that write's revision first (`rebase`).
 * Every transaction compares the service at its read revision, so UpdateService in between fails
 * the rest. Each carries at most `maxOps` compares and at most `maxOps` operations (etcd's
 * --max-txn-ops); a plan that fits is one transaction, as it always was.
 */
export function planCommits(snap: ServiceSnapshot, plan: ServicePlan, placed: Placed, now: number, maxOps = Number.POSITIVE_INFINITY): TxnRequest[][] {
  return runToEnd(planCommitsInSlices(snap, plan, placed, now, maxOps));
}

/** Records put between two yields. */
const PUTS_PER_SLICE = 2_000;

/** planCommits as sliced work (platform/sliced.ts): a plan of 100,000 new tasks is turned into transactions a slice at a time. */
export function* planCommitsInSlices(
  snap: ServiceSnapshot,
  plan: ServicePlan,
  placed: Placed,
  now: number,
  maxOps = Number.POSITIVE_INFINITY,
): Sliced<TxnRequest[][]> {
  let serviceOp: TxnOp | undefined;
  if (plan.serviceUpdate) {
    // A plan whose starts could not be placed changes nothing; writing anyway would wake this service again and spin.
    const next = applyServiceUpdate(snap.service.value, plan.serviceUpdate);
    if (JSON.stringify(next) !== JSON.stringify(snap.service.value)) serviceOp = { type: 'put', key: snap.key, value: next };
  }
  const units: Unit[] = [];
  // Instances with more new tasks than one transaction holds commit them as a chain of pieces, one per wave.
  const chains: Unit[][] = [];
  // A piece: its tasks (a compare and a put each), the instance (one of each) and the service's compare.
  const perPiece = Math.max(1, maxOps - 2);
  let built = 0;
  const newOn = new Map<string, TaskRecord[]>();
  for (const t of placed.tasks) {
    const list = newOn.get(t.containerInstanceArn);
    if (list) list.push(t);
    else newOn.set(t.containerInstanceArn, [t]);
  }
  for (const u of placed.used) {
    const key = keys.containerInstance(snap.clusterName, u.instance.id);
    const tasks = newOn.get(u.instance.containerInstanceArn) ?? [];
    const pieces: Unit[] = [];
    for (let from = 0, k = 0; from < Math.max(1, tasks.length); from += perPiece, k++) {
      const piece = unit();
      piece.compares.set(key, u.modRevision);
      piece.ops.set(key, { type: 'put', key, value: { ...u.instance, placementVersion: u.instance.placementVersion + k + 1 } });
      const p = placementTxn(snap.clusterName, tasks.slice(from, from + perPiece), []);
      for (const c of p.compares) piece.compares.set(c.key, c.modRevision);
      for (const op of p.ops) piece.ops.set(op.key, op);
      pieces.push(piece);
    }
    if (pieces.length === 1) units.push(pieces[0]!);
    else chains.push(pieces);
    built += tasks.length + 1;
    if (built >= PUTS_PER_SLICE) {
      built = 0;
      yield;
    }
  }
  yield;

  const byTask = new Map<string, Unit>();
  if (plan.stop.length) {
    const tasksByArn = new Map(snap.tasks.map((r) => [r.value.taskArn, r]));
    for (const stop of plan.stop) {
      const rec = tasksByArn.get(stop.taskArn);
      if (!rec) continue;
      const u = unit();
      u.compares.set(rec.key, rec.modRevision);
      u.ops.set(rec.key, { type: 'put', key: rec.key, value: stoppedTask(rec.value, stop, now) });
      byTask.set(stop.taskArn, u);
      units.push(u);
      if (units.length % PUTS_PER_SLICE === 0) yield;
    }
  }

  for (const item of plan.register) {
    const tgId = targetGroupIdOf(item.targetGroupArn);
    if (tgId === undefined) continue;
    const key = keys.target(tgId, item.id, item.port);
    const cur = snap.targets.get(key);
    if (cur && cur.value.state !== 'draining' && !registrationExpired(cur.value, now)) continue;
    const u = unit();
    u.compares.set(key, cur?.modRevision ?? 0);
    u.ops.set(key, { type: 'put', key, value: newRegistration(item.targetGroupArn, item.id, item.port, undefined, now) });
    units.push(u);
  }

  for (const item of plan.deregister) {
    const tgId = targetGroupIdOf(item.targetGroupArn);
    if (tgId === undefined) continue;
    const key = keys.target(tgId, item.id, item.port);
    const cur = snap.targets.get(key);
    if (!cur || cur.value.state === 'draining') continue;
    // With its task's stop: a target left draining beside a task not stopped would be registered again.
    let u = byTask.get(item.taskArn);
    if (!u) units.push((u = unit()));
    u.compares.set(key, cur.modRevision);
    const tg = snap.targetGroups.get(item.targetGroupArn);
    const delay = Number(tg?.attributes['deregistration_delay.timeout_seconds'] ?? DEFAULT_DEREGISTRATION_DELAY_S);
    // As DeregisterTargets: nothing routes to a group no load balancer uses, and a zero delay has nothing to wait for.
    u.ops.set(
      key,
      !tg || tg.LoadBalancerArns.length === 0 || delay === 0
        ? { type: 'delete', key }
        : { type: 'put', key, value: startDraining(cur.value as TargetRecord, now, delay) },
    );
  }

  // Traffic shifting: the rules' new weights, at the revision they were read (a ModifyRule in between re-plans), in the first wave.
  if (plan.rules?.length) {
    const rules = unit();
    for (const r of plan.rules) {
      const cur = snap.rules?.get(r.ruleArn);
      if (!cur) continue;
      rules.compares.set(cur.key, cur.modRevision);
      rules.ops.set(cur.key, { type: 'put', key: cur.key, value: { ...cur.value, Actions: r.actions } });
    }
    if (rules.ops.size > 0) units.push(rules);
  }

  const service = { key: snap.key, modRevision: snap.service.modRevision };
  const waves: Unit[][] = [units];
  for (const chain of chains) chain.forEach((piece, k) => (waves[k] ??= []).push(piece));
  yield;
  const packed: Unit[][] = [];
  for (const w of waves) packed.push(yield* pack(w, maxOps - 1, maxOps));
  yield;
  const last = packed.at(-1)!;
  if (serviceOp) {
    const only = last.length === 1 ? last[0]! : undefined;
    if (only && only.ops.size < maxOps) only.ops.set(serviceOp.key, serviceOp);
    else if (last.length === 0) last.push({ compares: new Map(), ops: new Map([[serviceOp.key, serviceOp]]) });
    else packed.push([{ compares: new Map(), ops: new Map([[serviceOp.key, serviceOp]]) }]);
  }
  const out = packed
    .filter((w) => w.length > 0)
    .map((w) =>
      w.map(
        (u): TxnRequest => ({
          compares: [service, ...[...u.compares].filter(([k]) => k !== service.key).map(([key, modRevision]) => ({ key, modRevision }))],
          success: [...u.ops.values()],
        }),
      ),
    );
  return out.length ? out : [[{ compares: [service], success: [] }]];
}

/** Units into as few transactions as the limits allow, in order (first fit on the open one). */
function* pack(units: readonly Unit[], maxCompares: number, maxOps: number): Sliced<Unit[]> {
  const out: Unit[] = [];
  let open: Unit | undefined;
  let moved = 0;
  for (const u of units) {
    moved += u.ops.size;
    if (moved >= PUTS_PER_SLICE) {
      moved = 0;
      yield;
    }
    if (!open || open.compares.size + u.compares.size > maxCompares || open.ops.size + u.ops.size > maxOps) out.push((open = unit()));
    for (const [k, v] of u.compares) open.compares.set(k, v);
    for (const [k, v] of u.ops) open.ops.set(k, v);
  }
  return out;
}

/** The plan as one transaction: every wave of planCommits with no limit on its size. */
export function planTxn(snap: ServiceSnapshot, plan: ServicePlan, placed: Placed, now: number): TxnRequest {
  const [[txn] = []] = planCommits(snap, plan, placed, now);
  return txn ?? { compares: [{ key: snap.key, modRevision: snap.service.modRevision }], success: [] };
}

/**
 * A later wave's transaction with its compares on keys that earlier waves wrote set to what they
 * wrote: `written` maps each such key to the revision of its write (0 after a delete).
 */
export function rebase(txn: TxnRequest, written: ReadonlyMap<string, number>): TxnRequest {
  if (written.size === 0) return txn;
  return { compares: txn.compares.map((c) => (written.has(c.key) ? { key: c.key, modRevision: written.get(c.key) ?? 0 } : c)), success: txn.success };
}

/** Whether the transaction writes anything at all. */
export const writesSomething = (txn: TxnRequest) => txn.success.length > 0;
