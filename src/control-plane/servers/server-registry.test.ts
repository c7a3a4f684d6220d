import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { keys } from '../../domain/keys.js';
import { eventually } from '../../../test/support/eventually.js';
import { startServerRegistry } from './server-registry.js';
import type { ServerRecord } from './server-record.js';

test('the server record is rewritten only when a sighting changes, and a lost lease gets it written again', async () => {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const puts: ServerRecord[] = [];
  let lost: (() => void) | undefined;
  let checks = 0;
  const heartbeats = new Map<string, number>();
  const registry = await startServerRegistry({
    store,
    clock,
    self: { id: 's1', apiUrl: 'http://127.0.0.1:1', store: 'etcd' },
    localHeartbeats: heartbeats,
    // The check reads the nodes first: counting the reads proves the check ran.
    localLbNodes: () => {
      checks++;
      return [];
    },
    windows: { agentFreshMs: 30_000, lbNodeFreshMs: 15_000, forgetMs: 3_600_000 },
    slot: (onLost) => {
      lost = onLost;
      return {
        put: async (r) => {
          puts.push(r);
          await store.put(keys.server(r.id), r);
        },
        close: async () => {},
      };
    },
    checkMs: 5,
  });
  try {
    assert.equal(puts.length, 1, 'written once at start');
    heartbeats.set('/i/a', clock.now());
    await eventually(() => (puts.length === 2 ? true : undefined), { what: 'first sighting written', timeoutMs: 5_000, intervalMs: 5 });
    assert.deepEqual(puts[1]?.agents, { '/i/a': { fresh: true } });
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      heartbeats.set('/i/a', clock.now());
      const seen = checks;
      await eventually(() => (checks > seen + 1 ? true : undefined), { what: 'a check ran', timeoutMs: 5_000, intervalMs: 5 });
    }
    assert.equal(puts.length, 2, 'fresh heartbeats rewrite nothing');
    clock.advance(31_000);
    await eventually(() => (puts.length === 3 ? true : undefined), { what: 'going stale written', timeoutMs: 5_000, intervalMs: 5 });
    assert.deepEqual(puts[2]?.agents, { '/i/a': { fresh: false, lastSeenAt: clock.now() - 31_000 } });
    lost?.();
    await eventually(() => (puts.length === 4 ? true : undefined), { what: 'written again after the lease was lost', timeoutMs: 5_000, intervalMs: 5 });
  } finally {
    await registry.stop();
    await store.close();
  }
});

test('another server heard from an agent: now while it is fresh there, the moment that server went after its record is gone', async () => {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const other: ServerRecord = {
    id: 's2',
    apiUrl: 'http://127.0.0.1:2',
    store: 'etcd',
    startedAt: 1,
    writtenAt: 1,
    agents: { '/i/b': { fresh: true } },
    lbNodes: { 'lb-b': { advertiseAddress: '127.0.0.22', startedAt: 5, protocolVersion: 1, sighting: { fresh: true } } },
  };
  await store.put(keys.server('s2'), other);
  const registry = await startServerRegistry({
    store,
    clock,
    self: { id: 's1', apiUrl: 'http://127.0.0.1:1', store: 'etcd' },
    localHeartbeats: new Map(),
    localLbNodes: () => [],
    windows: { agentFreshMs: 30_000, lbNodeFreshMs: 15_000, forgetMs: 3_600_000 },
    slot: () => ({ put: async (r) => void (await store.put(keys.server(r.id), r)), close: async () => {} }),
  });
  try {
    assert.equal(registry.heartbeats.get('/i/b'), clock.now());
    assert.deepEqual([...registry.freshRemoteLbNodes(15_000)], ['lb-b']);
    assert.deepEqual(
      registry.servers().map((s) => s.id),
      ['s1', 's2'],
    );
    assert.deepEqual(registry.peers(), [{ id: 's2', apiUrl: 'http://127.0.0.1:2' }]);
    const goneAt = clock.now();
    await store.delete(keys.server('s2'));
    await eventually(() => (registry.servers().length === 1 ? true : undefined), {
      what: "the other server's record gone with its lease",
      timeoutMs: 5_000,
      intervalMs: 5,
    });
    assert.deepEqual(registry.peers(), []);
    // What it saw fresh is now last seen when it went: timed from there, never "never seen".
    clock.advance(20_000);
    assert.equal(registry.heartbeats.get('/i/b'), goneAt);
    assert.deepEqual([...registry.freshRemoteLbNodes(15_000)], []);
    assert.deepEqual([...registry.freshRemoteLbNodes(30_000)], ['lb-b']);
  } finally {
    await registry.stop();
    await store.close();
  }
});
