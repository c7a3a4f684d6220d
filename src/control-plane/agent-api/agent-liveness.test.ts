import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { keys } from '../../domain/keys.js';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import { decideLiveness, startAgentLiveness } from './agent-liveness.js';

const inst = (id: string, agentConnected = true) => ({ id, clusterName: 'c', agentConnected, status: 'ACTIVE' as const });

describe('agent liveness', () => {
  test('an instance silent for the timeout is marked disconnected; a recent heartbeat keeps it', () => {
    const hb = new Map([
      [keys.containerInstance('c', 'a'), 1_000],
      [keys.containerInstance('c', 'b'), 9_000],
    ]);
    assert.deepEqual(decideLiveness([inst('a'), inst('b'), inst('d', false)], hb, 11_000, 5_000, 0), [
      { key: keys.containerInstance('c', 'a'), agentConnected: false },
    ]);
  });

  test('never heard from since the controller started: timed from its start', () => {
    assert.deepEqual(decideLiveness([inst('a')], new Map(), 4_000, 5_000, 0), []);
    assert.equal(decideLiveness([inst('a')], new Map(), 5_000, 5_000, 0).length, 1);
  });

  test('the controller applies the decision with CAS on the stored instance', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(0);
    const record = { ...inst('a'), containerInstanceArn: 'arn', version: 1 } as unknown as ContainerInstanceRecord;
    await store.put(keys.containerInstance('c', 'a'), record);
    const heartbeats = new Map<string, number>();
    const ctl = startAgentLiveness({ store, clock, heartbeats, timeoutMs: 5_000, intervalMs: 60_000 });
    try {
      clock.advance(4_000);
      assert.equal((await ctl.sweep()).length, 0);
      clock.advance(2_000);
      assert.equal((await ctl.sweep()).length, 1);
      const after = (await store.get<ContainerInstanceRecord>(keys.containerInstance('c', 'a')))!.value;
      assert.equal(after.agentConnected, false);
      assert.equal(after.version, 2);
    } finally {
      ctl.stop();
    }
  });
});
