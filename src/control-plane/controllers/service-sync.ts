/**
 * One reconcile pass for one service: read, decide (reconcileService), place the starts, commit the
 * plan in one transaction. On a failed compare the plan is dropped and the pass starts over from a
 * fresh read: plans are never patched, only re-decided.
 */
import type { Store, TxnRequest } from '../../store/store.js';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import { reconcileServiceInSlices } from '../../reconciling/reconcile-service.js';
import { withStartedTasks, withStuckDeployment } from '../../reconciling/plan-builder.js';
import { appendEvents } from '../../reconciling/service-event.js';
import { serviceUpdateOf, type ObservedInstance, type ReconcileOptionsInput, type ServicePlan, type StartItem } from '../../reconciling/service-plan.js';
import { lostInstances } from '../../reconciling/lost-host.js';
import { planCommitsInSlices, writesSomething } from './plan-commit.js';
import { commitWaves } from './wave-commit.js';
import { daemonInstancesOf, placementPool, placeStartsInSlices, scaleInChooser, type Placement } from './service-placement.js';
import { TimeSlice } from '../../platform/time-slice.js';
import { readServiceSnapshot, type ServiceSnapshot } from './service-snapshot.js';
import type { RecordCache } from './record-cache.js';

export interface SyncDeps {
  store: Store;
  /** The watch-fed task and instance view (record-cache.ts); without one each pass lists the cluster. */
  cache?: RecordCache;
  clock: Clock;
  random: Random;
  logger?: Logger;
  reconcile?: ReconcileOptionsInput;
  /** Live agent heartbeats by container-instance key (AgentService.heartbeats); used when the record has no lastSeenAt. */
  heartbeats?: ReadonlyMap<string, number>;
  /** When a start could not be placed, try again after this long (capacity elsewhere may free up). Default 5 s. */
  placementRetryMs?: number;
  /** Fresh reads and re-plans after failed compares before the pass gives up (and is requeued with backoff). */
  maxAttempts?: number;
  /** A pass gives the event loop back after this long, between slices of its work. Default 10 ms. */
  sliceMs?: number;
  /**
   * The most compares or operations in one transaction. Default: 100 on a store with no limit of its
   * own (SQLite, memory: a commit is synchronous, so it and every watcher's decode of it hold the event
   * loop, and a smaller commit holds it for less); else the store's maxTxnOps (etcd's --max-txn-ops),
   * at most 1,000.
   */
  maxTxnOps?: number;
  /** Tasks placed and committed together before the next are placed. Default 2,000, or 10 per instance of the cluster if more. */
  startChunk?: number;
}

export interface SyncResult {
  /** Come back after this long even without a watched change. */
  requeueAfterMs?: number;
  /** A transaction was committed. */
  committed: boolean;
  /** How many plans were dropped on a failed compare. */
  conflicts: number;
}

export class ContentionError extends Error {
  override readonly name = 'ContentionError';
}

function observedInstances(snap: ServiceSnapshot, heartbeats: ReadonlyMap<string, number> | undefined): ObservedInstance[] {
  return snap.instances.map(({ value: i }) => {
    const lastSeenAt = i.lastSeenAt ?? heartbeats?.get(keys.containerInstance(snap.clusterName, i.id));
    return {
      containerInstanceArn: i.containerInstanceArn,
      ec2InstanceId: i.ec2InstanceId,
      status: i.status,
      agentConnected: i.agentConnected,
      ...(lastSeenAt !== undefined ? { lastSeenAt } : {}),
    };
  });
}

const minDefined = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** One transaction of about this many operations keeps a SQLite commit (synchronous) within a slice. */
const SYNC_STORE_TXN_OPS = 100;
/** A networked store's transactions are sent a wave at a time; beyond this, bigger ones gained nothing (BENCHMARKS.md). */
const ASYNC_STORE_TXN_OPS = 1_000;

/**
 * Tasks placed and committed together before the next are placed: at least 2,000, and at least 10 an
 * instance, since a spread chunk rewrites every instance record (100,000 over 1,000 instances: 10 chunks).
 */
const START_CHUNK = 2_000;
const TASKS_PER_INSTANCE_CHUNK = 10;

/** The starts in pieces of at most `size` tasks (their pre-drawn ids split alike); at least one piece, maybe empty. */
export function startChunks(starts: readonly StartItem[], size: number): StartItem[][] {
  const out: StartItem[][] = [[]];
  let room = size;
  for (const s of starts) {
    if (s.count <= 0) {
      out.at(-1)?.push(s);
      continue;
    }
    for (let from = 0; from < s.count; ) {
      if (room === 0) {
        out.push([]);
        room = size;
      }
      const n = Math.min(room, s.count - from);
      out.at(-1)?.push({ ...s, count: n, taskIds: s.taskIds.slice(from, from + n) });
      room -= n;
      from += n;
    }
  }
  return out;
}

/** An instance written by an earlier chunk is written again from the placementVersion that chunk left. */
function withVersions(placed: Placement, versions: ReadonlyMap<string, number>): Placement {
  if (versions.size === 0) return placed;
  return {
    ...placed,
    used: placed.used.map((u) => {
      const v = versions.get(u.instance.containerInstanceArn);
      return v === undefined ? u : { ...u, instance: { ...u.instance, placementVersion: v } };
    }),
  };
}

/** The placementVersion each instance record was last written with, by its ARN. */
function noteVersions(waves: readonly (readonly TxnRequest[])[], versions: Map<string, number>): void {
  for (const w of waves)
    for (const t of w)
      for (const op of t.success) {
        if (op.type !== 'put' || !op.key.startsWith(INSTANCE_KEYS)) continue;
        const i = op.value as ContainerInstanceRecord;
        versions.set(i.containerInstanceArn, Math.max(versions.get(i.containerInstanceArn) ?? 0, i.placementVersion));
      }
}

const INSTANCE_KEYS = keys.containerInstances();

export async function syncService(deps: SyncDeps, key: string): Promise<SyncResult> {
  const maxAttempts = deps.maxAttempts ?? 20;
  const limit = deps.store.maxTxnOps;
  const maxOps = deps.maxTxnOps ?? (limit === undefined ? SYNC_STORE_TXN_OPS : Math.min(limit, ASYNC_STORE_TXN_OPS));
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const slice = new TimeSlice(deps.sliceMs ?? 10);
    const snap = await readServiceSnapshot(deps.store, key, deps.cache);
    if (!snap || snap.service.value.status === 'INACTIVE') return { committed: false, conflicts: attempt };
    const now = deps.clock.now();
    const svc = snap.service.value;
    const observed = observedInstances(snap, deps.heartbeats);
    const lost = lostInstances(observed, now, deps.reconcile?.lostAfterMs);
    await slice.pause();
    let plan: ServicePlan = await slice.run(
      reconcileServiceInSlices({
        service: svc,
        tasks: snap.tasks.map((r) => r.value),
        targets: [...snap.targets.values()].map((r) => r.value),
        rules: [...(snap.rules?.values() ?? [])].map((r) => r.value),
        ...(snap.alarms && snap.alarms.size > 0 ? { alarms: snap.alarms } : {}),
        taskDefinitions: snap.taskDefinitions,
        instances: observed,
        ...(svc.schedulingStrategy === 'DAEMON' ? { daemonInstances: daemonInstancesOf(snap).filter((arn) => !lost.has(arn)) } : {}),
        now,
        random: deps.random,
        options: { ...deps.reconcile, chooseScaleIn: scaleInChooser(snap, deps.random) },
      }),
    );
    // A start of many tasks is placed and committed a chunk at a time: each chunk's task records are
    // garbage once committed, instead of 100,000 of them held (and copied by every GC) until the end.
    // A chunk of at least 10 tasks an instance: each chunk rewrites every instance it spreads over.
    const chunks = startChunks(plan.start, deps.startChunk ?? Math.max(START_CHUNK, TASKS_PER_INSTANCE_CHUNK * snap.instances.length));
    const pool = chunks.length > 1 ? placementPool(snap, lost) : undefined;
    const written = new Map<string, number>();
    const versions = new Map<string, number>();
    const startedArns: string[] = [];
    const failures: string[] = [];
    let committedSome = false;
    let conflict = false;
    // One chunk's commit is in flight while the next is placed (a networked store's round trips overlap the deciding).
    let inflight: Promise<boolean> | undefined;
    const landed = async () => {
      if (inflight) {
        if (await inflight) committedSome = true;
        else conflict = true;
      }
      inflight = undefined;
    };
    for (let c = 0; c < chunks.length - 1 && !conflict; c++) {
      await slice.pause();
      const placed = withVersions(await slice.run(placeStartsInSlices(snap, chunks[c]!, now, deps.random, lost, pool)), versions);
      for (const f of placed.failures) if (!failures.includes(f)) failures.push(f);
      if (placed.tasks.length === 0) continue;
      const waves = await slice.run(
        planCommitsInSlices(snap, { start: [], stop: [], register: [], deregister: [], serviceUpdate: undefined }, placed, now, maxOps),
      );
      // The versions these waves write are known before they commit: the next chunk builds on them.
      noteVersions(waves, versions);
      for (const t of placed.tasks) startedArns.push(t.taskArn);
      await landed();
      if (!conflict) {
        inflight = commitWaves(deps.store, waves, slice, written);
        // Awaited (and its error thrown) by landed(); until then a failure must not count as unhandled.
        inflight.catch(() => {});
      }
    }
    await landed();
    if (conflict) {
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    await slice.pause();
    const placed = withVersions(await slice.run(placeStartsInSlices(snap, chunks.at(-1) ?? [], now, deps.random, lost, pool)), versions);
    for (const f of placed.failures) if (!failures.includes(f)) failures.push(f);
    for (const t of placed.tasks) startedArns.push(t.taskArn);
    plan = withStartedTasks(plan, svc.serviceName, startedArns, now, deps.random);
    if (failures.length) {
      const update = plan.serviceUpdate ?? serviceUpdateOf(svc);
      plan = { ...plan, serviceUpdate: { ...update, events: appendEvents(update.events, failures, now, deps.random) } };
      plan = withStuckDeployment(plan, failures[0]!, now, svc.deployments);
    }
    await slice.pause();
    const waves = await slice.run(planCommitsInSlices(snap, plan, placed, now, maxOps));
    // Held-back starts come next at once, unless placement already failed (then it waits for capacity, not spins).
    const retry = failures.length ? (deps.placementRetryMs ?? 5_000) : plan.moreToStart ? 0 : undefined;
    const requeueAfterMs = minDefined(plan.requeueAfterMs, retry);
    if (!waves.some((w) => w.some(writesSomething)))
      return { ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}), committed: committedSome, conflicts: attempt };
    await slice.pause();
    if (await commitWaves(deps.store, waves, slice, written)) {
      deps.logger?.debug(
        { service: svc.serviceName, start: startedArns.length, stop: plan.stop.length, register: plan.register.length, deregister: plan.deregister.length },
        'service plan committed',
      );
      return { ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}), committed: true, conflicts: attempt };
    }
    // Someone wrote in between: let them finish, then decide again from what is there now.
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new ContentionError(`service ${key}: every plan of ${maxAttempts} lost its compare`);
}
