/** The watch half of the store conformance suite (see store.conformance.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchCompactedError, type Store, type WatchEvent } from './store.js';
import type { OpenStore, StoreTraits } from './store.conformance.js';
import { eventually } from '../../test/support/eventually.js';

/** Collects a watch's deliveries; `untilEvents` waits for a count of events, `fence` for proof that nothing more is coming. */
export function collect(store: Store, prefix: string, fromRevision: number) {
  const batches: WatchEvent[][] = [];
  const errors: Error[] = [];
  const fenceKey = (n: number) => `${prefix}~fence-${n}`;
  const isFence = (e: WatchEvent) => e.key.startsWith(`${prefix}~fence-`);
  // The fences a test writes are the suite's, not the test's: its assertions never see them.
  const events = () => batches.flat().filter((e) => !isFence(e));
  const watch = store.watch(prefix, {
    fromRevision,
    onEvents: (e) => {
      batches.push(e);
    },
    onError: (err) => {
      errors.push(err);
    },
  });
  // The store's conformance runs against etcd too, where deliveries take a round trip: poll briefly.
  const until = async (check: () => boolean, what: string, ms = 3000): Promise<void> => {
    // The timeout's message carries the batches delivered by then.
    await eventually(() => batches, { what, timeoutMs: ms, intervalMs: 5, until: () => check() });
  };
  let fences = 0;
  return {
    batches,
    errors,
    events,
    watch,
    untilEvents: (n: number) => until(() => events().length >= n, `${n} events`),
    untilError: () => until(() => errors.length > 0, 'an error'),
    /**
     * Proves that no stray event is still on its way, without sleeping: writes a marker under the prefix
     * and waits for the watch to deliver it. Deliveries come in revision order, so anything the store
     * would (wrongly) still deliver before the marker has arrived once the marker has.
     */
    fence: async (): Promise<void> => {
      const key = fenceKey(++fences);
      await store.put(key, 'fence');
      await until(() => batches.flat().some((e) => e.key === key), `the fence ${key}`);
    },
  };
}

const brief = (e: WatchEvent) => [e.type, e.key, e.revision];

export function watchConformance(open: OpenStore, traits: StoreTraits): void {
  test('replays history after fromRevision, then streams live events, in order', async () => {
    const { store } = await open();
    const r1 = await store.put('/w/a', { n: 1 });
    const r2 = await store.put('/w/b', { n: 2 });
    const w = collect(store, '/w/', r1 - 1);
    await w.untilEvents(2);
    const r3 = await store.put('/w/a', { n: 3 });
    await w.untilEvents(3);
    assert.deepEqual(w.events().map(brief), [
      ['put', '/w/a', r1],
      ['put', '/w/b', r2],
      ['put', '/w/a', r3],
    ]);
    assert.deepEqual(
      w.events().map((e) => e.value),
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
    w.watch.close();
    await store.close();
  });

  test('history from a later revision skips what came before it', async () => {
    const { store } = await open();
    await store.put('/w/a', 1);
    const r2 = await store.put('/w/b', 2);
    const r3 = await store.put('/w/c', 3);
    const w = collect(store, '/w/', r2);
    await w.untilEvents(1);
    await w.fence();
    assert.deepEqual(w.events().map(brief), [['put', '/w/c', r3]]);
    w.watch.close();
    await store.close();
  });

  test('replays a long history completely and in order, then goes live', async () => {
    const { store } = await open();
    const total = 2500; // more than one replay page
    for (let i = 0; i < total; i++) await store.put(`/w/${i % 10}`, i);
    const w = collect(store, '/w/', 0);
    await store.put('/w/live', total);
    await w.untilEvents(total + 1);
    assert.deepEqual(
      w.events().map((e) => e.value),
      Array.from({ length: total + 1 }, (_, i) => i),
    );
    assert.deepEqual(
      w.events().map((e) => e.revision),
      Array.from({ length: total + 1 }, (_, i) => i + 1),
    );
    w.watch.close();
    await store.close();
  });

  test('a watch from a future revision starts after it', async () => {
    const { store } = await open();
    const now = await store.revision();
    const w = collect(store, '/w/', now + 2);
    await store.put('/w/a', 1);
    await store.put('/w/b', 2);
    const r3 = await store.put('/w/c', 3);
    await w.untilEvents(1);
    await w.fence();
    assert.deepEqual(w.events().map(brief), [['put', '/w/c', r3]]);
    w.watch.close();
    await store.close();
  });

  test('delivers asynchronously, each transaction in one call, revisions increasing', async () => {
    const { store } = await open();
    const w = collect(store, '/w/', await store.revision());
    let inWriter = true;
    let calledInWriter = false;
    const probe = store.watch('/w/', { fromRevision: 0, onEvents: () => (calledInWriter ||= inWriter) });
    // "Inside the writer" is the call itself: a networked store may deliver while a later write is awaited, which is fine.
    const writing = store.txn({
      compares: [],
      success: [
        { type: 'put', key: '/w/x', value: 'x' },
        { type: 'put', key: '/w/y', value: 'y' },
      ],
    });
    inWriter = false;
    const t = await writing;
    inWriter = true;
    const putting = store.put('/w/z', 'z');
    inWriter = false;
    const r = await putting;
    await w.untilEvents(3);
    assert.equal(calledInWriter, false, 'onEvents ran inside the writer');
    assert.deepEqual(
      w.batches.map((b) => b.map(brief)),
      [
        [
          ['put', '/w/x', t.revision],
          ['put', '/w/y', t.revision],
        ],
        [['put', '/w/z', r]],
      ],
    );
    probe.close();
    w.watch.close();
    await store.close();
  });

  test('filters by prefix and keeps order across keys', async () => {
    const { store } = await open();
    const from = await store.revision();
    const w = collect(store, '/tasks/c1/', from);
    const expected: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const key = `/tasks/c${i % 3}/t${19 - i}`;
      const rev = await store.put(key, i);
      if (key.startsWith('/tasks/c1/')) expected.push(['put', key, rev]);
    }
    await store.put('/tasks/c1', 'sibling, not under the prefix');
    await store.put('/tasks/c10/t', 'longer name, not under the prefix');
    await w.untilEvents(expected.length);
    await w.fence();
    assert.deepEqual(w.events().map(brief), expected);
    w.watch.close();
    await store.close();
  });

  test('delete events carry the value before deletion', async () => {
    const { store } = await open();
    await store.put('/w/a', { state: 'RUNNING' });
    const w = collect(store, '/w/', await store.revision());
    const rd = await store.delete('/w/a');
    await store.delete('/w/never-existed');
    await w.untilEvents(1);
    await w.fence();
    assert.deepEqual(w.events(), [{ type: 'delete', key: '/w/a', value: { state: 'RUNNING' }, revision: rd }]);
    w.watch.close();
    await store.close();
  });

  test('a watch started from a list revision misses nothing', async () => {
    const { store } = await open();
    await store.put('/w/a', 1);
    const listed = await store.list('/w/');
    const rb = await store.put('/w/b', 2); // lands between the list and the watch
    const w = collect(store, '/w/', listed.revision);
    const rc = await store.put('/w/c', 3);
    await w.untilEvents(2);
    assert.deepEqual(w.events().map(brief), [
      ['put', '/w/b', rb],
      ['put', '/w/c', rc],
    ]);
    w.watch.close();
    await store.close();
  });

  test('close() stops delivery, also from inside onEvents, and store close ends every watch', async () => {
    const { store } = await open();
    const w = collect(store, '/w/', await store.revision());
    await store.put('/w/a', 1);
    await w.untilEvents(1);
    w.watch.close();
    w.watch.close(); // idempotent
    await store.put('/w/b', 2);
    let seen = 0;
    const self = store.watch('/w/', { fromRevision: 0, onEvents: () => (seen++, self.close()) });
    // A witness from the same revision: once it has had /w/c and a fence after it, the closed watches had their chance too.
    const witness = collect(store, '/w/', 0);
    const other = collect(store, '/w/', await store.revision());
    await store.put('/w/c', 3);
    await eventually(() => seen, { what: 'the self-closing watch ran', timeoutMs: 3000, intervalMs: 5, until: (n) => n > 0 });
    await witness.untilEvents(3);
    await witness.fence();
    assert.equal(w.events().length, 1);
    assert.equal(seen, 1, 'a watch closed in its own callback got more');
    await other.untilEvents(1);
    await store.close();
    assert.equal(other.events().length, 1);
  });

  test('a throwing consumer ends its own watch with onError, not the store', async () => {
    const { store } = await open();
    const errors: Error[] = [];
    store.watch('/w/', {
      fromRevision: 0,
      onEvents: () => {
        throw new Error('consumer bug');
      },
      onError: (e) => errors.push(e),
    });
    const healthy = collect(store, '/w/', 0);
    await store.put('/w/a', 1);
    await store.put('/w/b', 2);
    await healthy.untilEvents(2);
    await eventually(() => errors.length, { what: 'the throwing consumer was called', timeoutMs: 3000, intervalMs: 5, until: (n) => n > 0 });
    // A watch that went on after its consumer threw would have failed again before the fence.
    await healthy.fence();
    assert.deepEqual(
      errors.map((e) => e.message),
      ['consumer bug'],
    );
    healthy.watch.close();
    await store.close();
  });

  if (traits.durable)
    test('a watch resumed after a restart sees exactly the missed events', async () => {
      const { store, reopen } = await open();
      assert.ok(reopen, 'a durable store must give `reopen`');
      await store.put('/w/a', 'before');
      const seenUpTo = await store.revision();
      const r2 = await store.put('/w/b', 'missed 1');
      const r3 = await store.delete('/w/a');
      await store.put('/other/x', 'not watched');
      await store.close();
      const again = await reopen();
      assert.equal(await again.revision(), r3 + 1, 'revision survives the restart');
      assert.equal((await again.get('/w/b'))?.modRevision, r2);
      const w = collect(again, '/w/', seenUpTo);
      const r5 = await again.put('/w/c', 'after');
      assert.equal(r5, r3 + 2);
      await w.untilEvents(3);
      await w.fence();
      assert.deepEqual(
        w.events().map((e) => [...brief(e), e.value]),
        [
          ['put', '/w/b', r2, 'missed 1'],
          ['delete', '/w/a', r3, 'before'],
          ['put', '/w/c', r5, 'after'],
        ],
      );
      w.watch.close();
      await again.close();
    });

  test('a watch older than the compacted history fails with WatchCompactedError', async () => {
    const historyLimit = 10;
    const { store } = await open({ historyLimit });
    for (let i = 0; i < historyLimit * 4; i++) await store.put(`/w/k${i % 3}`, i);
    const current = await store.revision();
    const old = collect(store, '/w/', 0);
    await old.untilError();
    assert.ok(old.errors[0] instanceof WatchCompactedError, String(old.errors[0]));
    assert.equal(old.errors[0].fromRevision, 0);
    assert.ok(old.errors[0].compactedTo > 0 && old.errors[0].compactedTo <= current - historyLimit);
    assert.equal(old.events().length, 0);
    const recent = collect(store, '/w/', current - historyLimit);
    await recent.untilEvents(historyLimit);
    await recent.fence();
    assert.deepEqual(
      recent.events().map((e) => e.revision),
      Array.from({ length: historyLimit }, (_, i) => current - historyLimit + 1 + i),
    );
    assert.equal(recent.errors.length, 0);
    recent.watch.close();
    await store.close();
  });
}
