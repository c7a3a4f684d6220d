import { describe, test } from 'node:test';
import { eventually } from '../../../test/support/eventually.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStore } from '../../store/memory-store.js';
import { WatchCompactedError, type Store, type Watch, type WatchOptions } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import { RecordCache } from './record-cache.js';

const task = (id: string, n: number) => ({ taskArn: id, group: 'service:web', n });

describe('RecordCache', () => {
  test('lists, then follows every write; waitFor(revision) resolves once the view holds it', async () => {
    const store = new MemoryStore();
    await store.put(keys.task('c1', 'a'), task('a', 1));
    await store.put(keys.containerInstance('c1', 'i1'), { id: 'i1' });
    const cache = await RecordCache.start(store);
    assert.deepEqual(
      cache.tasksOf('c1').map((r) => r.value),
      [task('a', 1)],
    );
    const r1 = await store.put(keys.task('c1', 'b'), task('b', 1));
    await store.put(keys.task('c2', 'x'), task('x', 1));
    const r3 = await store.txn({
      compares: [],
      success: [
        { type: 'delete', key: keys.task('c1', 'a') },
        { type: 'put', key: keys.containerInstance('c1', 'i2'), value: { id: 'i2' } },
      ],
    });
    const unrelated = await store.put('/berth/ecs/clusters/c1', { name: 'c1' });
    assert.equal(await cache.waitFor(unrelated), true);
    assert.ok(cache.revision >= r3.revision);
    assert.deepEqual(
      cache.tasksOf('c1').map((r) => [r.key, r.modRevision]),
      [[keys.task('c1', 'b'), r1]],
    );
    assert.deepEqual(
      cache.instancesOf('c1').map((r) => r.value),
      [{ id: 'i1' }, { id: 'i2' }],
    );
    assert.equal(cache.tasksOf('c2').length, 1);
    assert.equal(await cache.waitFor(unrelated + 100, 50), false, 'a revision never written times out');
    cache.stop();
  });

  test('a watch that fell behind a compaction resynchronises by list-then-watch', async () => {
    const inner = new MemoryStore();
    await inner.put(keys.task('c1', 'a'), task('a', 1));
    let watches = 0;
    // The first watch is told it is compacted (as etcd does to a watch from a compacted revision); meanwhile a write lands.
    const store: Store = Object.create(inner, {
      watch: {
        value: (prefix: string, options: WatchOptions): Watch => {
          if (watches++ > 0) return inner.watch(prefix, options);
          const compacted = () => options.onError?.(new WatchCompactedError(options.fromRevision, 5));
          setTimeout(() => void inner.put(keys.task('c1', 'b'), task('b', 2)).then(compacted), 10);
          return { close: () => {} };
        },
      },
    });
    const cache = await RecordCache.start(store);
    let relisted = 0;
    cache.listen({ onEvents: () => {}, onRelisted: () => relisted++ });
    await eventually(() => (watches >= 2 ? true : undefined), { what: 'the cache watching again after the re-list', timeoutMs: 5000 });
    const later = await inner.put(keys.task('c1', 'c'), task('c', 3));
    assert.equal(await cache.waitFor(later), true);
    assert.equal(watches, 2, 'watched again after the re-list');
    assert.deepEqual(
      cache
        .tasksOf('c1')
        .map((r) => r.value.taskArn)
        .sort(),
      ['a', 'b', 'c'],
      'the write made while the watch was lost is in the view',
    );
    assert.equal(relisted, 1, 'a listener is told of the re-list (events may have been missed)');
    cache.stop();
  });

  test('listeners get every applied batch, each event once, keys of every kind', async () => {
    const store = new MemoryStore();
    const cache = await RecordCache.start(store);
    const seen: string[] = [];
    const unlisten = cache.listen({ onEvents: (events) => seen.push(...events.map((e) => e.key)), onRelisted: () => {} });
    await store.put(keys.task('c1', 'a'), task('a', 1));
    const last = await store.put(keys.service('c1', 'web'), { serviceName: 'web' });
    assert.equal(await cache.waitFor(last), true);
    assert.deepEqual(seen, [keys.task('c1', 'a'), keys.service('c1', 'web')]);
    unlisten();
    const after = await store.put(keys.task('c1', 'b'), task('b', 1));
    assert.equal(await cache.waitFor(after), true, 'the view still applies it');
    assert.equal(seen.length, 2, 'an unsubscribed listener hears nothing more');
    cache.stop();
  });

  test('the by-group index agrees with filtering the cluster, after any puts, regroupings and deletes', async () => {
    const op = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      cluster: fc.constantFrom('c1', 'c2'),
      group: fc.constantFrom('service:web', 'service:api', 'family:x'),
      del: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), fc.integer({ min: 0, max: 12 }), async (ops, listedAfter) => {
        const store = new MemoryStore();
        let cache: RecordCache | undefined;
        let last = 0;
        for (const [i, o] of ops.entries()) {
          // Some writes before the cache lists (they come from the list), the rest through its watch.
          if (i === listedAfter) cache = await RecordCache.start(store);
          const key = keys.task(o.cluster, o.id);
          last = o.del ? await store.delete(key) : await store.put(key, { taskArn: o.id, group: o.group });
        }
        cache ??= await RecordCache.start(store);
        assert.equal(await cache.waitFor(last), true);
        const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
        for (const cluster of ['c1', 'c2'])
          for (const group of ['service:web', 'service:api', 'family:x']) {
            assert.deepEqual(
              cache.tasksOfGroup(cluster, group).sort(byKey),
              cache
                .tasksOf(cluster)
                .filter((r) => r.value.group === group)
                .sort(byKey),
            );
          }
        cache.stop();
      }),
      { numRuns: 60 },
    );
  });
});
