import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { LB_PROTOCOL_VERSION } from '../../protocols/load-balancer/index.js';
import { LbNodeService } from './lb-node-service.js';

test('heartbeats land in memory: the store is written when a run starts or the address changes, not on every beat', async () => {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const service = new LbNodeService({ store, clock, freshMs: 15_000 });
  try {
    const beat = (advertiseAddress: string) => service.heartbeat({ nodeId: 'lb-a', advertiseAddress, version: LB_PROTOCOL_VERSION });
    await beat('127.0.0.21');
    const first = await store.revision();
    for (let i = 0; i < 10; i++) {
      clock.advance(5_000);
      await beat('127.0.0.21');
    }
    assert.equal(await store.revision(), first, 'ten heartbeats, no write');
    assert.equal(service.localNodes()[0]?.lastSeenAt, clock.now(), 'the last heartbeat is known exactly, in memory');
    await beat('127.0.0.31');
    assert.equal(await store.revision(), first + 1, 'an address change is written');
    clock.advance(60_000);
    await beat('127.0.0.31');
    assert.equal(await store.revision(), first + 2, 'a new run (silent longer than freshness) is written');
    const [stored] = await service.storedNodes();
    assert.equal(stored?.startedAt, clock.now());
    // A write the store refused is made on the next heartbeat.
    const put = store.put.bind(store);
    store.put = async () => {
      throw new Error('store away');
    };
    clock.advance(60_000);
    await assert.rejects(beat('127.0.0.31'), /store away/);
    store.put = put;
    clock.advance(5_000);
    await beat('127.0.0.31');
    assert.equal(await store.revision(), first + 3);
  } finally {
    service.close();
    await store.close();
  }
});
