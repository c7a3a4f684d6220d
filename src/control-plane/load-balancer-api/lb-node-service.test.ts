import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { LB_PROTOCOL_VERSION } from '../../protocols/load-balancer/index.js';
import { LbNodeService } from './lb-node-service.js';
import { keys } from '../../domain/keys.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';

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

test('a restarted server lets no node outvote verdicts on record before the others have had time to beat', async () => {
  const store = new MemoryStore();
  const clock = new ManualClock(1_000_000);
  const tgId = '0123456789abcdef';
  const targetGroupArn = `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/${tgId}`;
  const key = keys.target(tgId, '10.0.0.9', 8080);
  // As the store holds it across the restart: lb-b saw the target healthy (and goes on seeing it).
  const record: TargetRecord = {
    TargetGroupArn: targetGroupArn,
    Id: '10.0.0.9',
    Port: 8080,
    registeredAt: 1,
    state: 'healthy',
    nodeHealth: { 'lb-b': { state: 'healthy', at: clock.now() - 60_000 } },
  };
  await store.put(key, record);
  const service = new LbNodeService({ store, clock, freshMs: 15_000 });
  const report = (reason: string) =>
    service.reportTargetHealth({ nodeId: 'lb-a', target: { targetGroupArn, id: '10.0.0.9', port: 8080 }, health: { state: 'unhealthy', reason } });
  try {
    // lb-a (broken) beats and reports first; lb-b's next beat is still seconds away.
    await service.heartbeat({ nodeId: 'lb-a', advertiseAddress: '127.0.0.21', version: LB_PROTOCOL_VERSION });
    clock.advance(1_000);
    await report('Target.Timeout');
    const during = (await store.get<TargetRecord>(key))!.value;
    assert.equal(during.state, 'healthy', "lb-b's verdict on record still counts in the window after the restart");
    assert.equal(during.nodeHealth?.['lb-a']?.state, 'unhealthy', "lb-a's verdict is recorded");
    // lb-b never beats again: after the window it has no say.
    clock.advance(15_000);
    await service.heartbeat({ nodeId: 'lb-a', advertiseAddress: '127.0.0.21', version: LB_PROTOCOL_VERSION });
    await report('Target.ResponseCodeMismatch');
    assert.equal((await store.get<TargetRecord>(key))!.value.state, 'unhealthy', 'a node silent for the whole window no longer outvotes');
  } finally {
    service.close();
    await store.close();
  }
});
