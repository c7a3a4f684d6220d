/**
 * The service controller alone: one CreateService of 100,000 tasks (spread(instanceId) over 1,000
 * simulated container instances, as bench/controller-placement.ts) placed as one plan
 * (`maxStartsPerPass: tasks`), with nothing else in the process reading the store: no bench watch,
 * no pipeline rows, no `berth up`. It measures what issue 14 asks of a pass: the longest the event
 * loop is held (perf_hooks' monitorEventLoopDelay and a 1 ms probe timer, from CreateService until
 * the controller is idle), against the 50 ms goal, and placements per second (CreateService until
 * the last task record has committed).
 *
 *   node --import tsx bench/controller-only.bench.ts
 *   BENCH_TASKS (100000), BENCH_INSTANCES (1000), BENCH_STORES (sqlite,memory), BENCH_ROUNDS (1),
 *   BENCH_GAPS_FILE (write the longest holds, for bench/profile-holds.ts --gaps with --cpu-prof)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { Store, TxnRequest } from '../src/store/store.js';
import { keys } from '../src/domain/keys.js';
import { createEcsHandlers } from '../src/control-plane/ecs/ecs-handlers.js';
import { startServiceController } from '../src/control-plane/controllers/service-controller.js';
import type { RequestContext } from '../src/control-plane/api/operation.js';
import { systemClock } from '../src/platform/clock.js';
import { seededRandom } from '../src/platform/random.js';
import { silentLogger } from '../src/platform/logger.js';
import { ECS_QUOTAS } from '../src/domain/ecs/quotas.js';
import { simulatedInstance } from './simulated-instance.js';
import { startLoopLag } from './loop-lag.js';
import { median } from './stats.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1_000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,memory').split(',').filter(Boolean);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const DEADLINE_MS = 300_000;
const GOAL_MS = 50;

interface Run {
  store: string;
  placed: number;
  txns: number;
  /** CreateService → the last task record committed. */
  seconds: number;
  /** CreateService → the controller idle. */
  idleSeconds: number;
  holdMs: number;
  probeMs: number;
  /** The most CPU the process used within one hold (load-independent, unlike the wall figures). */
  cpuMs: number;
  gaps: readonly (readonly [number, number, number])[];
  rssMiB: number;
}

async function run(kind: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-controller-only-'));
  const store: Store = kind === 'memory' ? new MemoryStore() : SqliteStore.open(join(dir, 'berth.db'));
  const random = seededRandom(11);
  const quotas = { ...ECS_QUOTAS, tasksPerService: Math.max(TASKS, ECS_QUOTAS.tasksPerService) };
  const ecs = createEcsHandlers({ store, clock: systemClock, random, logger: silentLogger, quotas });
  const ctx = (): RequestContext => ({ requestId: 'bench', region: 'us-east-1', accountId: '000000000000', now: Date.now(), sourceIp: '127.0.0.1' });
  try {
    await ecs.CreateCluster!({ clusterName: 'bench' }, ctx());
    for (let i = 0; i < INSTANCES; i++) {
      const rec = simulatedInstance('bench', i, random);
      await store.put(keys.containerInstance('bench', rec.id), rec);
    }
    await ecs.RegisterTaskDefinition!({ family: 'web', containerDefinitions: [{ name: 'app', image: 'bench', cpu: 40, memory: 64 }] }, ctx());
    const taskPrefix = keys.tasks('bench');
    let committed = 0;
    let txns = 0;
    let committedAt = 0;
    const counting: Store = Object.create(store, {
      txn: {
        value: async (req: TxnRequest) => {
          const r = await store.txn(req);
          txns++;
          if (r.succeeded) {
            for (const c of req.compares) if (c.modRevision === 0 && c.key.startsWith(taskPrefix)) committed++;
            if (committed >= TASKS && committedAt === 0) committedAt = performance.now();
          }
          return r;
        },
      },
    });
    const controller = startServiceController({
      store: counting,
      clock: systemClock,
      random,
      logger: silentLogger,
      options: { reconcile: { maxStartsPerPass: TASKS }, resyncIntervalMs: 600_000 },
    });
    await controller.ready;
    await controller.idle();
    global.gc?.();
    const lag = await startLoopLag();
    const t0 = performance.now();
    await ecs.CreateService!(
      { cluster: 'bench', serviceName: 'web', taskDefinition: 'web', desiredCount: TASKS, placementStrategy: [{ type: 'spread', field: 'instanceId' }] },
      ctx(),
    );
    const deadline = t0 + DEADLINE_MS;
    // Idle with every task committed (the first idle may come before the watch delivers the service).
    while (performance.now() < deadline) {
      await controller.idle();
      if (committedAt) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await controller.idle();
    const idleAt = performance.now();
    const figures = await lag.stop();
    await controller.stop();
    return {
      store: kind,
      placed: committed,
      txns,
      seconds: ((committedAt || idleAt) - t0) / 1000,
      idleSeconds: (idleAt - t0) / 1000,
      holdMs: figures.histogramMaxMs,
      probeMs: figures.probeMaxMs,
      cpuMs: figures.cpuMaxMs,
      gaps: figures.gaps,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(`controller only: ${TASKS} tasks, ${INSTANCES} instances, stores ${STORES.join(', ')}, ${ROUNDS} round(s); load average at the start ${load()}`);
const runs: Run[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const kind of STORES) {
    const r = await run(kind);
    runs.push(r);
    // For bench/profile-holds.ts --gaps: what a --cpu-prof profile ran during each long hold.
    if (process.env.BENCH_GAPS_FILE) writeFileSync(`${process.env.BENCH_GAPS_FILE}.${kind}.json`, JSON.stringify(r.gaps.slice(0, 20)));
    const top = r.gaps
      .slice(0, 5)
      .map(([g, at]) => `${g.toFixed(0)} ms @${(at / 1000).toFixed(1)} s`)
      .join(', ');
    console.log(
      `${kind}: ${r.placed} placed in ${r.seconds.toFixed(2)} s (${Math.round(r.placed / r.seconds)}/s, ${r.txns} txns), idle at ${r.idleSeconds.toFixed(2)} s; ` +
        `loop held ${r.holdMs.toFixed(0)} ms (probe ${r.probeMs.toFixed(0)} ms; most CPU in one hold ${r.cpuMs.toFixed(0)} ms), ${r.gaps.length} gaps > 20 ms; longest: ${top}; rss ${r.rssMiB.toFixed(0)} MiB; load ${load()}`,
    );
  }
}
console.log('\n| store | placements/s, median | txns | longest loop hold ms, median (runs) | most CPU in one hold ms, median | goal |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const kind of STORES) {
  const mine = runs.filter((r) => r.store === kind);
  console.log(
    `| ${kind} | ${Math.round(median(mine.map((r) => r.placed / r.seconds))).toLocaleString('en-US')} | ${median(mine.map((r) => r.txns))} | ` +
      `${median(mine.map((r) => r.holdMs)).toFixed(0)} (${mine.map((r) => r.holdMs.toFixed(0)).join(', ')}) | ${median(mine.map((r) => r.cpuMs)).toFixed(0)} | ≤ ${GOAL_MS} |`,
  );
}
console.log(`load average at the end: ${load()}`);
process.exit(0);
