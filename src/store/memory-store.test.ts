import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.js';
import { storeConformance } from './store.conformance.js';
import { compareKeys } from './key-order.js';
import { seededRandom } from '../platform/random.js';

storeConformance('MemoryStore', async (options) => ({ store: new MemoryStore(options) }));

describe('MemoryStore', () => {
  test('operations after close() fail instead of silently succeeding', async () => {
    const store = new MemoryStore();
    await store.close();
    await assert.rejects(store.put('/k', 1), /closed/);
    await assert.rejects(store.get('/k'), /closed/);
    assert.throws(() => store.watch('/', { fromRevision: 0, onEvents: () => {} }), /closed/);
  });

  test('keys put in any order, with deletes and re-puts between scans, list in key order', async () => {
    const store = new MemoryStore();
    const random = seededRandom(9);
    const live = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const ops = [];
      for (let i = 0; i < 50; i++) {
        const key = `/k/${Math.floor(random.next() * 300)}`;
        if (live.has(key) && random.next() < 0.3) {
          live.delete(key);
          ops.push(store.delete(key));
        } else {
          live.add(key);
          ops.push(store.put(key, i));
        }
      }
      await Promise.all(ops);
      const listed = (await store.list('/k/')).records.map((r) => r.key);
      assert.deepEqual(listed, [...live].sort(compareKeys), `round ${round}`);
      const page = await store.list('/k/', { startAfter: listed[10] ?? '', limit: 5 });
      assert.deepEqual(
        page.records.map((r) => r.key),
        listed.slice(11, 16),
      );
    }
  });
});
