/**
 * A plan as one store transaction (the reconciler's contract with the applier: src/reconciling/README.md, "Contract with the applier").
 * Pure: snapshot + plan + placed tasks + now in, compares and puts out. Every record written is
 * compared at the revision it was read, so any concurrent write (the agent's report, the health
 * checker, UpdateService, another placement) fails the whole commit and the pass re-plans.
 */
import type { Compare, TxnOp, TxnRequest } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { newRegistration, registrationExpired, startDraining, type TargetRecord } from '../../domain/elbv2/target.js';
import { applyServiceUpdate, type ServicePlan, type StopItem } from '../../reconciling/service-plan.js';
import { placementTxn } from '../ecs/task-launch.js';
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

export function planTxn(snap: ServiceSnapshot, plan: ServicePlan, placed: Placed, now: number): TxnRequest {
  const compares = new Map<string, number>();
  const puts = new Map<string, TxnOp>();
  const compare = (key: string, rev: number) => compares.set(key, rev);
  const put = (key: string, value: unknown) => puts.set(key, { type: 'put', key, value });
  const del = (key: string) => puts.set(key, { type: 'delete', key });

  compare(snap.key, snap.service.modRevision);
  if (plan.serviceUpdate) {
    // A plan whose starts could not be placed changes nothing; writing anyway would wake this service again and spin.
    const next = applyServiceUpdate(snap.service.value, plan.serviceUpdate);
    if (JSON.stringify(next) !== JSON.stringify(snap.service.value)) put(snap.key, next);
  }

  const p = placementTxn(snap.clusterName, placed.tasks, placed.used);
  for (const c of p.compares) compare(c.key, c.modRevision);
  for (const op of p.ops) puts.set(op.key, op);

  const tasksByArn = new Map(snap.tasks.map((r) => [r.value.taskArn, r]));
  for (const stop of plan.stop) {
    const rec = tasksByArn.get(stop.taskArn);
    if (!rec) continue;
    compare(rec.key, rec.modRevision);
    put(rec.key, stoppedTask(rec.value, stop, now));
  }

  for (const item of plan.register) {
    const tgId = targetGroupIdOf(item.targetGroupArn);
    if (tgId === undefined) continue;
    const key = keys.target(tgId, item.id, item.port);
    const cur = snap.targets.get(key);
    if (cur && cur.value.state !== 'draining' && !registrationExpired(cur.value, now)) continue;
    compare(key, cur?.modRevision ?? 0);
    put(key, newRegistration(item.targetGroupArn, item.id, item.port, undefined, now));
  }

  for (const item of plan.deregister) {
    const tgId = targetGroupIdOf(item.targetGroupArn);
    if (tgId === undefined) continue;
    const key = keys.target(tgId, item.id, item.port);
    const cur = snap.targets.get(key);
    if (!cur || cur.value.state === 'draining') continue;
    compare(key, cur.modRevision);
    const tg = snap.targetGroups.get(item.targetGroupArn);
    const delay = Number(tg?.attributes['deregistration_delay.timeout_seconds'] ?? DEFAULT_DEREGISTRATION_DELAY_S);
    // As DeregisterTargets: nothing routes to a group no load balancer uses, and a zero delay has nothing to wait for.
    if (!tg || tg.LoadBalancerArns.length === 0 || delay === 0) del(key);
    else put(key, startDraining(cur.value as TargetRecord, now, delay));
  }

  // Traffic shifting: the rules' new weights, at the revision they were read (a ModifyRule in between re-plans).
  for (const r of plan.rules ?? []) {
    const cur = snap.rules?.get(r.ruleArn);
    if (!cur) continue;
    compare(cur.key, cur.modRevision);
    put(cur.key, { ...cur.value, Actions: r.actions });
  }

  const list: Compare[] = [...compares].map(([key, modRevision]) => ({ key, modRevision }));
  return { compares: list, success: [...puts.values()] };
}

/** Whether the transaction writes anything at all. */
export const writesSomething = (txn: TxnRequest) => txn.success.length > 0;
