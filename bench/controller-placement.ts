/**
 * Placement through the whole service controller, not just the pipeline: a real SqliteStore, the
 * real ECS handlers, `startServiceController`, 1,000 simulated container instances (records whose
 * agents never run anything: the fake runtime of this measure), and one CreateService of N tasks
 * with spread(instanceId). Timed from CreateService until transactions holding N new task records
 * have committed (the store the controller writes through counts them as each txn returns), and
 * until a store watch has seen them all, which also covers the controller's next pass (it re-reads
 * the cluster once its own watch delivers the new tasks).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store, TxnRequest } from '../src/store/store.js';
import { keys } from '../src/domain/keys.js';
import { createEcsHandlers } from '../src/control-plane/ecs/ecs-handlers.js';
import { startServiceController } from '../src/control-plane/controllers/service-controller.js';
import type { RequestContext } from '../src/control-plane/api/operation.js';
import { systemClock } from '../src/platform/clock.js';
import { seededRandom } from '../src/platform/random.js';
import { silentLogger } from '../src/platform/logger.js';
import { simulatedInstance } from './simulated-instance.js';
import { ECS_QUOTAS } from '../src/domain/ecs/quotas.js';

export interface ControllerFigures {
  readonly tasks: number;
  readonly instances: number;
  /** Transactions the controller committed (a plan is split to fit the store's maxTxnOps). */
  readonly txns: number;
  /** CreateService → every task record committed. */
  readonly seconds: number;
  /** CreateService → a watch has seen every task (the controller's follow-up pass included). */
  readonly watchedSeconds: number;
  /** Then one more pass over the placed service (nothing left to do): the longest the event loop was held meanwhile, ms. */
  readonly followUpBlockMs: number;
  /** The longest the event loop was held from CreateService until every task was seen (the placing pass and its commits), ms. */
  readonly placingBlockMs: number;
  /** That pass, start to idle, ms. */
  readonly followUpMs: number;
}

/** An enabled event-loop delay histogram. Its first timer tick only sets a baseline, so a block right after enable() would go unseen: wait for that tick first. */
async function loopDelay(): Promise<IntervalHistogram> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, 5));
  return h;
}

/** A block is recorded by the timer tick after it: let one run before reading the histogram. */
async function settle(h: IntervalHistogram): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
}

/** `openStore` gives a fresh, empty store (default: SQLite in a temp dir); bench/store.bench.ts passes etcd. */
export async function placeThroughController(
  tasks: number,
  instances: number,
  deadlineMs = 120_000,
  openStore?: () => Promise<Store>,
  /** false: the controller lists the cluster each pass (no watch-fed view), for the before/after figure. */
  cache = true,
  /** Wraps the follow-up pass (e.g. a CPU profile of it alone: bench/profile-pass.ts). */
  aroundFollowUp: (run: () => Promise<void>) => Promise<void> = (run) => run(),
): Promise<ControllerFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-controller-'));
  const store = openStore ? await openStore() : SqliteStore.open(join(dir, 'berth.db'));
  const random = seededRandom(11);
  // One service of `tasks` tasks: above ECS's 5,000-per-service quota for the large runs.
  const quotas = { ...ECS_QUOTAS, tasksPerService: Math.max(tasks, ECS_QUOTAS.tasksPerService) };
  const ecs = createEcsHandlers({ store, clock: systemClock, random, logger: silentLogger, quotas });
  const ctx = (): RequestContext => ({ requestId: 'bench', region: 'us-east-1', accountId: '000000000000', now: Date.now(), sourceIp: '127.0.0.1' });
  try {
    await ecs.CreateCluster!({ clusterName: 'bench' }, ctx());
    for (let i = 0; i < instances; i++) {
      const rec = simulatedInstance('bench', i, random);
      await store.put(keys.containerInstance('bench', rec.id), rec);
    }
    await ecs.RegisterTaskDefinition!({ family: 'web', containerDefinitions: [{ name: 'app', image: 'bench', cpu: 40, memory: 64 }] }, ctx());
    // Count task records as the controller's transactions commit them.
    let committed = 0;
    let txns = 0;
    let committedAt = 0;
    const counting: Store = Object.create(store, {
      txn: {
        value: async (req: TxnRequest) => {
          const r = await store.txn(req);
          txns++;
          if (r.succeeded) {
            // New tasks are the puts guarded by "must not exist".
            const created = new Set(req.compares.filter((c) => c.modRevision === 0).map((c) => c.key));
            committed += req.success.filter((op) => op.type === 'put' && op.key.startsWith(taskPrefix) && created.has(op.key)).length;
            if (committed >= tasks && committedAt === 0) committedAt = performance.now();
          }
          return r;
        },
      },
    });
    // One plan for the whole service, as measured before the per-pass bound (maxStartsPerPass, default 10,000) existed.
    const options = { cache, reconcile: { maxStartsPerPass: tasks } };
    const controller = startServiceController({ store: counting, clock: systemClock, random, logger: silentLogger, options });
    await controller.ready;
    const taskPrefix = keys.tasks('bench');
    const seen = new Set<string>();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    const watch = store.watch(keys.tasks('bench'), {
      fromRevision: await store.revision(),
      onEvents: (events) => {
        for (const e of events) if (e.type === 'put') seen.add(e.key);
        if (seen.size >= tasks) resolveAll();
      },
    });
    // perf_hooks' event-loop delay histogram: its max is the longest the loop was held (1 ms resolution).
    const placingDelay = await loopDelay();
    const t0 = performance.now();
    await ecs.CreateService!(
      { cluster: 'bench', serviceName: 'web', taskDefinition: 'web', desiredCount: tasks, placementStrategy: [{ type: 'spread', field: 'instanceId' }] },
      ctx(),
    );
    await Promise.race([all, new Promise((r) => setTimeout(r, deadlineMs))]);
    const watchedSeconds = (performance.now() - t0) / 1000;
    await settle(placingDelay);
    watch.close();
    await controller.idle();
    // A follow-up pass: the service is placed, so the pass reads, decides "nothing to do" and writes nothing.
    const followUpDelay = await loopDelay();
    const f0 = performance.now();
    await aroundFollowUp(async () => {
      controller.kick(keys.service('bench', 'web'));
      await new Promise((r) => setTimeout(r, 20));
      await controller.idle();
    });
    const followUpMs = performance.now() - f0;
    await settle(followUpDelay);
    await controller.stop();
    return {
      tasks: Math.min(committed, seen.size),
      txns,
      instances,
      seconds: committedAt ? (committedAt - t0) / 1000 : watchedSeconds,
      watchedSeconds,
      followUpBlockMs: followUpDelay.max / 1e6,
      placingBlockMs: placingDelay.max / 1e6,
      followUpMs,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
