/** The records half of the store conformance suite (see store.conformance.ts): reads, writes, CAS, txn. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RevisionConflictError, type Store } from './store.js';
import type { OpenStore } from './store.conformance.js';

const keysOf = (r: { records: { key: string }[] }) => r.records.map((x) => x.key);

async function conflict(p: Promise<unknown>): Promise<RevisionConflictError> {
  const err = await p.then(
    () => assert.fail('expected a RevisionConflictError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RevisionConflictError, String(err));
  return err;
}

export function recordsConformance(open: OpenStore): void {
  test('put then get returns the value with its revisions; a missing key is undefined', async () => {
    const { store } = await open();
    assert.equal(await store.revision(), 0);
    assert.equal(await store.get('/k/missing'), undefined);
    const value = { name: 'web', ports: [{ containerPort: 80, hostPort: 0 }], nested: { ok: true, n: null } };
    const r1 = await store.put('/k/a', value);
    assert.equal(r1, 1);
    assert.deepEqual(await store.get('/k/a'), { key: '/k/a', value, createRevision: r1, modRevision: r1 });
    await store.put('/k/other', 'x');
    const r3 = await store.put('/k/a', { name: 'web2' });
    assert.deepEqual(await store.get('/k/a'), { key: '/k/a', value: { name: 'web2' }, createRevision: r1, modRevision: r3 });
    await store.close();
  });

  test('every write gets the next revision; reads do not', async () => {
    const { store } = await open();
    const seen: number[] = [];
    seen.push(await store.put('/k/a', 1));
    seen.push(await store.put('/k/b', 2));
    await store.get('/k/a');
    await store.list('/k/');
    seen.push(await store.delete('/k/a'));
    seen.push((await store.txn({ compares: [], success: [{ type: 'put', key: '/k/c', value: 3 }] })).revision);
    seen.push(await store.put('/k/b', 2));
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(await store.revision(), 5);
    await store.close();
  });

  test('reads return copies: mutating one changes nothing stored', async () => {
    const { store } = await open();
    await store.put('/k/a', { list: [1] });
    const got = await store.get<{ list: number[] }>('/k/a');
    got!.value.list.push(2);
    const listed = await store.list<{ list: number[] }>('/k/');
    listed.records[0]!.value.list.push(3);
    assert.deepEqual((await store.get('/k/a'))?.value, { list: [1] });
    await assert.rejects(store.put('/k/b', undefined), TypeError);
    await store.close();
  });

  test('list: prefix isolation, lexical order, and the revision it was read at', async () => {
    const { store } = await open();
    const keys = ['/s/b', '/s/a/2', '/s/a', '/s/a/10', '/s', '/s0', '/t/a', '/s/a/1', '/r/z', '/s/\u{1F600}', '/s/\uffff'];
    for (const k of keys) await store.put(k, k);
    const under = await store.list('/s/');
    assert.deepEqual(keysOf(under), ['/s/a', '/s/a/1', '/s/a/10', '/s/a/2', '/s/b', '/s/\uffff', '/s/\u{1F600}']);
    assert.ok(under.records.every((r) => r.value === r.key));
    assert.equal(under.revision, keys.length);
    assert.equal(under.more, false);
    assert.deepEqual(keysOf(await store.list('/s/a/')), ['/s/a/1', '/s/a/10', '/s/a/2']);
    assert.deepEqual(keysOf(await store.list('/nothing/')), []);
    assert.equal((await store.list('')).records.length, keys.length);
    await store.close();
  });

  test('list: startAfter + limit pages through everything exactly once, with `more`', async () => {
    const { store } = await open();
    const all = Array.from({ length: 25 }, (_, i) => `/p/${String(i).padStart(3, '0')}`);
    for (const k of [...all].reverse()) await store.put(k, {});
    await store.put('/p0', 'outside');
    const paged: string[] = [];
    const mores: boolean[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = await store.list('/p/', { limit: 10, startAfter });
      paged.push(...keysOf(page));
      mores.push(page.more);
      if (!page.more) break;
      startAfter = page.records.at(-1)!.key;
    }
    assert.deepEqual(paged, all);
    assert.deepEqual(mores, [true, true, false]);
    const exact = await store.list('/p/', { limit: 25 });
    assert.equal(exact.records.length, 25);
    assert.equal(exact.more, false, 'a limit equal to the count is not cut short');
    assert.deepEqual(keysOf(await store.list('/p/', { startAfter: '/a', limit: 2 })), all.slice(0, 2));
    assert.deepEqual(keysOf(await store.list('/p/', { startAfter: '/p/0105' })), all.slice(11));
    assert.deepEqual(keysOf(await store.list('/p/', { startAfter: '/q' })), []);
    await store.close();
  });

  test('put with expectedRevision: 0 creates only, a stale revision conflicts and changes nothing', async () => {
    const { store } = await open();
    const r1 = await store.put('/k/a', 'v1', { expectedRevision: 0 });
    const dup = await conflict(store.put('/k/a', 'again', { expectedRevision: 0 }));
    assert.deepEqual([dup.key, dup.expected, dup.actual], ['/k/a', 0, r1]);
    const r2 = await store.put('/k/a', 'v2', { expectedRevision: r1 });
    const stale = await conflict(store.put('/k/a', 'v3', { expectedRevision: r1 }));
    assert.deepEqual([stale.expected, stale.actual], [r1, r2]);
    const missing = await conflict(store.put('/k/none', 'x', { expectedRevision: 7 }));
    assert.equal(missing.actual, 0);
    assert.equal(await store.revision(), r2, 'failed writes consume no revision');
    assert.deepEqual(await store.get('/k/a'), { key: '/k/a', value: 'v2', createRevision: r1, modRevision: r2 });
    await store.close();
  });

  test('delete: new revision, no-op on a missing key, CAS, and a fresh createRevision on re-create', async () => {
    const { store } = await open();
    const r1 = await store.put('/k/a', 1);
    assert.equal(await store.delete('/k/missing'), r1, 'deleting nothing consumes no revision');
    const stale = await conflict(store.delete('/k/a', { expectedRevision: r1 + 5 }));
    assert.equal(stale.actual, r1);
    assert.ok(await store.get('/k/a'));
    const r2 = await store.delete('/k/a', { expectedRevision: r1 });
    assert.equal(r2, r1 + 1);
    assert.equal(await store.get('/k/a'), undefined);
    assert.deepEqual(keysOf(await store.list('/k/')), []);
    const r3 = await store.put('/k/a', 2);
    assert.deepEqual(await store.get('/k/a'), { key: '/k/a', value: 2, createRevision: r3, modRevision: r3 });
    await store.close();
  });

  test('txn: all compares hold, so every op lands at one revision', async () => {
    const { store } = await open();
    const ra = await store.put('/k/a', 'a');
    const rb = await store.put('/k/b', 'b');
    const res = await store.txn({
      compares: [
        { key: '/k/a', modRevision: ra },
        { key: '/k/b', modRevision: rb },
        { key: '/k/new', modRevision: 0 },
      ],
      success: [
        { type: 'put', key: '/k/a', value: 'a2' },
        { type: 'delete', key: '/k/b' },
        { type: 'put', key: '/k/new', value: 'n' },
      ],
    });
    assert.deepEqual(res, { succeeded: true, revision: rb + 1 });
    assert.equal((await store.get('/k/a'))?.modRevision, res.revision);
    assert.equal(await store.get('/k/b'), undefined);
    assert.deepEqual(await store.get('/k/new'), { key: '/k/new', value: 'n', createRevision: res.revision, modRevision: res.revision });
    assert.equal(await store.revision(), res.revision);
    await store.close();
  });

  test('txn: one failing compare applies nothing', async () => {
    const { store } = await open();
    const ra = await store.put('/k/a', 'a');
    const rb = await store.put('/k/b', 'b');
    const res = await store.txn({
      compares: [
        { key: '/k/a', modRevision: ra },
        { key: '/k/b', modRevision: rb - 1 },
      ],
      success: [
        { type: 'put', key: '/k/a', value: 'changed' },
        { type: 'put', key: '/k/c', value: 'created' },
      ],
    });
    assert.deepEqual(res, { succeeded: false, revision: rb });
    assert.equal((await store.get('/k/a'))?.value, 'a');
    assert.equal(await store.get('/k/c'), undefined);
    const empty = await store.txn({ compares: [{ key: '/k/a', modRevision: ra }], success: [{ type: 'delete', key: '/k/zzz' }] });
    assert.deepEqual(empty, { succeeded: true, revision: rb }, 'a txn that changes nothing consumes no revision');
    await store.close();
  });

  test('parallel compare-and-set increments lose no update', async () => {
    const { store } = await open();
    await store.put('/k/counter', { n: 0 });
    const workers = 16;
    const each = 15;
    let conflicts = 0;
    const increment = async (s: Store) => {
      for (;;) {
        const cur = await s.get<{ n: number }>('/k/counter');
        // Yield between read and write so the workers really interleave.
        await new Promise((r) => setImmediate(r));
        try {
          return await s.put('/k/counter', { n: cur!.value.n + 1 }, { expectedRevision: cur!.modRevision });
        } catch (err) {
          if (!(err instanceof RevisionConflictError)) throw err;
          conflicts++;
        }
      }
    };
    const before = await store.revision();
    const revisions = (
      await Promise.all(
        Array.from({ length: workers }, async () => {
          const mine: number[] = [];
          for (let i = 0; i < each; i++) mine.push(await increment(store));
          return mine;
        }),
      )
    ).flat();
    assert.equal((await store.get<{ n: number }>('/k/counter'))?.value.n, workers * each);
    assert.equal(new Set(revisions).size, workers * each, 'each success got its own revision');
    assert.equal(await store.revision(), before + workers * each);
    assert.ok(conflicts > 0, 'the workers never actually raced');
    await store.close();
  });
}
