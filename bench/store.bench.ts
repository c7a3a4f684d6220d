/**
 * Store benchmark: SQLite (the embedded default) against a 3-member etcd on this machine (loopback,
 * one data dir per member in tmpfs-or-not /tmp), through the Store contract Berth uses:
 *  - CAS writes/s: 16 writers, each a loop of put(key, value, { expectedRevision }) on its own keys;
 *  - watch delivery latency: one writer, one prefix watch; put() called → onEvents, one at a time, p50 and p99;
 *  - placements/s through the whole service controller (bench/controller-placement.ts), 1,000
 *    simulated instances, one CreateService of BENCH_PLACEMENTS tasks (default 5,000, the tasks-per-service quota).
 *
 * Rounds are interleaved (SQLite, etcd, SQLite, etcd, ...) and medians printed, with the load average.
 *
 *   npm run bench:store      (BENCH_SECONDS per CAS run, BENCH_WATCH_WRITES, BENCH_PLACEMENTS, BENCH_ROUNDS, BENCH_ETCD_MAX_TXN_OPS override)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** etcd's own default --max-txn-ops (the bench cluster allows more): plans are split to fit it, as on a stock etcd. */
const ETCD_MAX_TXN_OPS = Number(process.env.BENCH_ETCD_MAX_TXN_OPS ?? 128);
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
  casPerSecond: number;
  watchP50Ms: number;
  watchP99Ms: number;
  placementsPerSecond: number;
  placedTasks: number;
  txns: number;
  /** Longest event-loop hold while placing, ms. */
  blockMs: number;
}

async function measure(open: () => Promise<Store>, fresh: () => Promise<void>): Promise<Row> {
  const store = await open();
  const cas = await casWrites(store);
  const watch = await watchLatency(store);
  await store.close();
  await fresh();
  const placed = await placeThroughController(PLACEMENTS, 1_000, 180_000, open);
  return {
    casPerSecond: cas,
    watchP50Ms: watch.p50,
    watchP99Ms: watch.p99,
    placementsPerSecond: placed.tasks / placed.seconds,
    placedTasks: placed.tasks,
    txns: placed.txns,
    blockMs: placed.placingBlockMs,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const sqlite: Row[] = [];
const etcd: Row[] = [];
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-store-'));
let n = 0;
let path = join(dir, `s${n}.db`);
console.log(`load average at the start: ${load()}`);
// Interleaved rounds (SQLite, then etcd, then again), so a change in the machine's load hits both alike.
for (let round = 1; round <= ROUNDS; round++) {
  sqlite.push(
    await measure(
      async () => SqliteStore.open(path),
      async () => void (path = join(dir, `s${++n}.db`)),
    ),
  );
  let cluster: EtcdCluster = await startEtcdCluster({ members: 3 });
  try {
    etcd.push(
      await measure(
        () => EtcdStore.connect({ endpoints: cluster.endpoints, maxTxnOps: ETCD_MAX_TXN_OPS }),
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
  console.log(`round ${round} done, load average ${load()}`);
}
rmSync(dir, { recursive: true, force: true });

const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f2 = (x: number) => x.toFixed(2);
const row = (name: string, rows: Row[]) => [
  name,
  f0(median(rows.map((r) => r.casPerSecond))),
  f2(median(rows.map((r) => r.watchP50Ms))),
  f2(median(rows.map((r) => r.watchP99Ms))),
  `${f0(median(rows.map((r) => r.placementsPerSecond)))} (${rows.map((r) => f0(r.placementsPerSecond)).join(', ')})`,
  f0(median(rows.map((r) => r.txns))),
  f0(median(rows.map((r) => r.blockMs))),
];
const table = [
  ['store', 'CAS writes/s', 'watch p50 ms', 'watch p99 ms', `placements/s, median (rounds)`, 'txns', 'max loop block ms'],
  row('SQLite', sqlite),
  row(`etcd, 3 members (maxTxnOps ${ETCD_MAX_TXN_OPS})`, etcd),
  ['Nomad C1M (anchor)', '', '', '', '3,750', '', ''],
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
console.log(
  `\nStore bench: ${WRITERS} CAS writers for ${SECONDS} s, ${WATCH_WRITES} watched writes, ${PLACEMENTS} placements through the service controller (1,000 instances), ${ROUNDS} interleaved rounds; load average at the end: ${load()}\n`,
);
for (const r of table) console.log('| ' + r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join(' | ') + ' |');
const etcdRate = median(etcd.map((r) => r.placementsPerSecond));
console.log(`\netcd placements/s: ${f0(etcdRate)}, ${(etcdRate / 3750).toFixed(2)}x Nomad C1M: goal ${etcdRate >= 3750 ? 'met' : 'NOT met'}`);
process.exit(0);
