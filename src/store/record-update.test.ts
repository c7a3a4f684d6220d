import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.js';
import { SKIP, updateRecord } from './record-update.js';
import { RevisionConflictError, type Store } from './store.js';

interface Counter {
  n: number;
}

describe('updateRecord', () => {
  test('creates, updates, skips and deletes', async () => {
    const store = new MemoryStore();
    const created = await updateRecord<Counter>(store, '/c', (cur) => ({ n: (cur?.n ?? 0) + 1 }));
    assert.deepEqual(created, { value: { n: 1 }, revision: 1 });
    const updated = await updateRecord<Counter>(store, '/c', (cur) => ({ n: cur!.n + 1 }));
    assert.deepEqual(updated, { value: { n: 2 }, revision: 2 });
    const skipped = await updateRecord<Counter>(store, '/c', () => SKIP);
    assert.deepEqual(skipped, { value: { n: 2 }, revision: 2 });
    assert.equal(await store.revision(), 2, 'SKIP writes nothing');
    const deleted = await updateRecord<Counter>(store, '/c', () => undefined);
    assert.deepEqual(deleted, { value: undefined, revision: 3 });
    assert.equal(await store.get('/c'), undefined);
    assert.deepEqual(await updateRecord<Counter>(store, '/c', () => undefined), { value: undefined, revision: 0 });
    assert.deepEqual(await updateRecord<Counter>(store, '/absent', () => SKIP), { value: undefined, revision: 0 });
  });

  test('a racing writer makes fn run again on the fresh value, and no update is lost', async () => {
    const store = new MemoryStore();
    await store.put('/c', { n: 0 });
    const seen: number[] = [];
    let raced = false;
    const result = await updateRecord<Counter>(store, '/c', (cur) => {
      seen.push(cur!.n);
      if (!raced) {
        raced = true;
        // Another writer commits between this read and our write.
        void store.put('/c', { n: 100 });
      }
      return { n: cur!.n + 1 };
    });
    assert.deepEqual(seen, [0, 100]);
    assert.deepEqual(result.value, { n: 101 });
    assert.deepEqual((await store.get('/c'))?.value, { n: 101 });
  });

  test('many concurrent updaters: the count is exact', async () => {
    const store = new MemoryStore();
    await Promise.all(Array.from({ length: 50 }, () => updateRecord<Counter>(store, '/c', (cur) => ({ n: (cur?.n ?? 0) + 1 }), { retries: 100 })));
    assert.deepEqual((await store.get('/c'))?.value, { n: 50 });
  });

  test('gives up with the RevisionConflictError after the retries', async () => {
    const store = new MemoryStore();
    await store.put('/c', { n: 0 });
    let calls = 0;
    const stubborn = updateRecord<Counter>(
      store,
      '/c',
      (cur) => {
        calls++;
        void store.put('/c', { n: -1 }); // someone always gets in first
        return { n: cur!.n + 1 };
      },
      { retries: 3 },
    );
    await assert.rejects(stubborn, RevisionConflictError);
    assert.equal(calls, 4);
  });

  test('errors other than conflicts are not retried', async () => {
    let gets = 0;
    const broken = {
      get: async () => (gets++, undefined),
      put: async () => {
        throw new Error('disk full');
      },
    } as unknown as Store;
    await assert.rejects(
      updateRecord(broken, '/c', () => ({ n: 1 })),
      /disk full/,
    );
    assert.equal(gets, 1);
  });
});
