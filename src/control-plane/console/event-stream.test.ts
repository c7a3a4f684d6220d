import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryStore } from '../../store/memory-store.js';
import { keys } from '../../domain/keys.js';
import { EventStream } from './event-stream.js';
import type { TrafficStatsSource } from './traffic-stats.js';

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

test('store writes after opening become change messages; writes before do not', async () => {
  const store = new MemoryStore();
  await store.put(keys.service('default', 'old'), { x: 1 });
  const out: string[] = [];
  const stream = new EventStream({ store, write: (c) => out.push(c) });
  await stream.open();
  await store.put(keys.target('tg1', 'i-1', 32768), { State: 'initial' });
  await store.put(keys.tags('arn'), {});
  await until(() => out.some((c) => c.includes('event: change')));
  const changes = out.filter((c) => c.startsWith('event: change'));
  assert.deepEqual(changes, ['event: change\ndata: {"kind":"target","id":"tg1/i-1:32768"}\n\n']);
  assert.match(out[0]!, /^retry: 2000\nevent: ready\ndata: \{"revision":1\}/);
  stream.close();
  await store.close();
});

test('heartbeats and traffic samples tick; close stops them and the watch', async () => {
  const store = new MemoryStore();
  const stats: TrafficStatsSource = {
    snapshot: () => new Map([['arn:tg', { requestsPerSecond: 12.345, errors5xxPerSecond: 1, p99Ms: 8, targets: new Map([['i-1:32768', { inFlight: 2, requestsPerSecond: 12.345 }]]) }]]),
  };
  const out: string[] = [];
  const stream = new EventStream({ store, trafficStats: stats, write: (c) => out.push(c), heartbeatMs: 20, sampleMs: 20 });
  await stream.open();
  await until(() => out.some((c) => c === ': heartbeat\n\n') && out.some((c) => c.startsWith('event: traffic')));
  const traffic = out.find((c) => c.startsWith('event: traffic'))!;
  assert.deepEqual(JSON.parse(traffic.split('data: ')[1]!), {
    'arn:tg': { requestsPerSecond: 12.35, errors5xxPerSecond: 1, p99Ms: 8, targets: { 'i-1:32768': { inFlight: 2, requestsPerSecond: 12.35 } } },
  });
  stream.close();
  const n = out.length;
  await store.put(keys.service('c', 's'), {});
  await sleep(80);
  assert.equal(out.length, n, 'nothing is written after close');
  assert.equal(stream.isClosed, true);
  await store.close();
});
