import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.js';
import { FencedStore, NotLeaderError } from './fenced-store.js';
import { RevisionConflictError } from './store.js';
import type { LeaderGate, LeaderTerm } from './leader-gate.js';

const LEADER = '/berth/control-plane/leader';

function gateWith(term: () => LeaderTerm | undefined): LeaderGate {
  return { term, onChange: () => () => {}, close: async () => {} };
}

describe('FencedStore', () => {
  test('writes under the current term land; after another leader took the key, the same writes fail and change nothing', async () => {
    const store = new MemoryStore();
    const myTerm = await store.put(LEADER, { holder: 'a' });
    const fenced = new FencedStore(
      store,
      gateWith(() => ({ compares: [{ key: LEADER, modRevision: myTerm }], holder: 'a', since: 0 })),
    );
    const r1 = await fenced.put('/berth/x', 1);
    await fenced.txn({ compares: [{ key: '/berth/x', modRevision: r1 }], success: [{ type: 'put', key: '/berth/y', value: 2 }] });
    // A conflict on the caller's own compare is still a conflict, not a lost term.
    await assert.rejects(fenced.put('/berth/x', 9, { expectedRevision: r1 - 1 }), RevisionConflictError);

    await store.put(LEADER, { holder: 'b' }); // another replica won
    const before = await store.revision();
    await assert.rejects(fenced.put('/berth/x', 3), NotLeaderError);
    await assert.rejects(fenced.delete('/berth/y'), NotLeaderError);
    await assert.rejects(fenced.txn({ compares: [], success: [{ type: 'put', key: '/berth/z', value: 1 }] }), NotLeaderError);
    assert.equal(await store.revision(), before, 'a deposed leader wrote something');
    assert.equal((await fenced.get('/berth/x'))?.value, 1, 'reads pass through');
  });

  test('without a term nothing is written at all', async () => {
    const store = new MemoryStore();
    const fenced = new FencedStore(
      store,
      gateWith(() => undefined),
    );
    await assert.rejects(fenced.put('/berth/x', 1), NotLeaderError);
    assert.equal(await store.revision(), 0);
  });
});
