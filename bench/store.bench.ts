/**
 * Store benchmark: SQLite (the embedded default) against a 3-member etcd on this machine (loopback,
 * one data dir per member in tmpfs-or-not /tmp), through the Store contract Berth uses:
 *  - CAS writes/s: 16 writers, each a loop of put(key, value, { expectedRevision }) on its own keys;
 *  - watch delivery latency: one writer, one prefix watch; put() called → onEvents, one at a time, p50 and p99;
 *  - placements/s through the whole service controller (bench/controller-placement.ts), 1,000
 *    simulated instances, one CreateService of BENCH_PLACEMENTS tasks (default 5,000, the tasks-per-service quota).
 *
 *   npm run bench:store      (BENCH_SECONDS per CAS run, BENCH_WATCH_WRITES, BENCH_PLACEMENTS override)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { EtcdStore } from '../src/store/etcd-store.js';
import type { Store } from '../src/store/store.js';
import { startEtcdCluster, type EtcdCluster } from '../test/support/etcd-cluster.js';
import { placeThroughController } from './controller-placement.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WATCH_WRITES = Number(process.env.BENCH_WATCH_WRITES ?? 2_000);
// ECS's quota of 5,000 tasks per service bounds one CreateService.
const PLACEMENTS = Number(process.env.BENCH_PLACEMENTS ?? 5_000);
const WRITERS = 16;
const payload = 'x'.repeat(1_000); // about a task record's size

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function casWrites(store: Store): Promise<number> {
  const until = performance.now() + SECONDS * 1000;
  let writes = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      let rev = 0;
      for (let i = 0; performance.now() < until; i++) {
        rev = await store.put(`/bench/cas/${w}`, { i, payload }, { expectedRevision: rev });
        writes++;
      }
    }),
  );
  return writes / SECONDS;
}

/** Ping-pong: each write waits for its own delivery, so the figure is the store's latency, not a queue's. */
async function watchLatency(store: Store): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  let delivered: (() => void) | undefined;
  const watch = store.watch('/bench/watch/', {
    fromRevision: await store.revision(),
    onEvents: () => delivered?.(),
  });
  for (let i = 0; i < WATCH_WRITES; i++) {
    const seen = new Promise<void>((r) => (delivered = r));
    const t0 = performance.now();
    await store.put(`/bench/watch/${i % 100}`, { i, payload });
    await seen;
    latencies.push(performance.now() - t0);
  }
  watch.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

interface Row {
  store: string;
  casPerSecond: number;
  watchP50Ms: number;
  watchP99Ms: number;
  placementsPerSecond: number;
  placedTasks: number;
}

async function measure(name: string, open: () => Promise<Store>, fresh: () => Promise<void>): Promise<Row> {
  const store = await open();
  const cas = await casWrites(store);
  const watch = await watchLatency(store);
  await store.close();
  await fresh();
  const placed = await placeThroughController(PLACEMENTS, 1_000, 180_000, open);
  return {
    store: name,
    casPerSecond: Math.round(cas),
    watchP50Ms: Number(watch.p50.toFixed(2)),
    watchP99Ms: Number(watch.p99.toFixed(2)),
    placementsPerSecond: Math.round(placed.tasks / placed.seconds),
    placedTasks: placed.tasks,
  };
}

const rows: Row[] = [];
{
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-store-'));
  let n = 0;
  let path = join(dir, `s${n}.db`);
  rows.push(
    await measure(
      'SQLite',
      async () => SqliteStore.open(path),
      async () => void (path = join(dir, `s${++n}.db`)),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}
{
  let cluster: EtcdCluster = await startEtcdCluster({ members: 3 });
  try {
    rows.push(
      await measure(
        'etcd (3 members)',
        () => EtcdStore.connect({ endpoints: cluster.endpoints }),
        async () => {
          // The controller measure starts from an empty store, as the SQLite one does.
          await cluster.stop();
          cluster = await startEtcdCluster({ members: 3 });
        },
      ),
    );
  } finally {
    await cluster.stop();
  }
}
console.log(`Store bench: ${WRITERS} CAS writers for ${SECONDS} s, ${WATCH_WRITES} watched writes, ${PLACEMENTS} placements through the service controller`);
console.table(rows);
process.exit(0);
