import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.js';
import { storeConformance } from './store.conformance.js';

storeConformance('MemoryStore', async (options) => ({ store: new MemoryStore(options) }));

describe('MemoryStore', () => {
  test('operations after close() fail instead of silently succeeding', async () => {
    const store = new MemoryStore();
    await store.close();
    await assert.rejects(store.put('/k', 1), /closed/);
    await assert.rejects(store.get('/k'), /closed/);
    assert.throws(() => store.watch('/', { fromRevision: 0, onEvents: () => {} }), /closed/);
  });
});
