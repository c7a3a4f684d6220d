import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.js';
import { EVENTS_PER_TURN } from './watch-hub.js';
import type { TxnRequest, WatchEvent } from './store.js';

const TXN_EVENTS = 300;
const txnOf = (t: number): TxnRequest => ({
  compares: [],
  success: Array.from({ length: TXN_EVENTS }, (_, i) => ({ type: 'put' as const, key: `/w/${t}/${i}`, value: { t, i } })),
});

/** Counts event-loop turns (one setImmediate each) while `until` is false; the watch's deliveries are stamped with the turn they ran in. */
function turns(): { now(): number; stop(): void } {
  let turn = 0;
  let on = true;
  const tick = () => {
    turn++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (on = false) };
}

async function deliveries(live: boolean): Promise<{ batches: number[]; turnOf: number[] }> {
  const store = new MemoryStore();
  if (!live) for (let t = 0; t < 4; t++) await store.txn(txnOf(t));
  const clock = turns();
  const batches: number[] = [];
  const turnOf: number[] = [];
  let resolve!: () => void;
  const all = new Promise<void>((r) => (resolve = r));
  let seen = 0;
  const watch = store.watch('/w/', {
    fromRevision: 0,
    onEvents: (events: readonly WatchEvent[]) => {
      batches.push(events.length);
      turnOf.push(clock.now());
      seen += events.length;
      if (seen === 4 * TXN_EVENTS) resolve();
    },
  });
  // Four commits before the watch's first turn: all four are queued at once.
  if (live) for (let t = 0; t < 4; t++) void store.txn(txnOf(t));
  await all;
  clock.stop();
  watch.close();
  await store.close();
  return { batches, turnOf };
}

for (const live of [true, false]) {
  test(`a burst of large transactions is delivered a few hundred events a turn, each transaction whole (${live ? 'live' : 'replayed'})`, async () => {
    const { batches, turnOf } = await deliveries(live);
    assert.deepEqual(batches, [TXN_EVENTS, TXN_EVENTS, TXN_EVENTS, TXN_EVENTS], 'one onEvents per transaction, in order');
    const perTurn = new Map<number, number>();
    turnOf.forEach((t, i) => perTurn.set(t, (perTurn.get(t) ?? 0) + batches[i]!));
    assert.ok(perTurn.size >= 2, `delivered over ${perTurn.size} turn(s): ${JSON.stringify([...perTurn])}`);
    for (const n of perTurn.values()) assert.ok(n <= EVENTS_PER_TURN + TXN_EVENTS, `${n} events in one turn`);
  });
}
