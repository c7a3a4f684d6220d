import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { keys } from '../../domain/keys.js';
import { EventStream } from './event-stream.js';
import type { TrafficStatsSource } from './traffic-stats.js';
import { eventually } from '../../../test/support/eventually.js';

const until = (check: () => boolean, what: string): Promise<true> => eventually(() => (check() ? true : undefined), { what, timeoutMs: 2000, intervalMs: 10 });

test('store writes after opening become change messages; writes before do not', async () => {
  const store = new MemoryStore();
  await store.put(keys.service('default', 'old'), { x: 1 });
  const out: string[] = [];
  const stream = new EventStream({ store, write: (c) => out.push(c) });
  await stream.open();
  await store.put(keys.target('tg1', 'i-1', 32768), { State: 'initial' });
  await store.put(keys.tags('arn'), {});
  await until(() => out.some((c) => c.includes('event: change')), 'a change message');
  const changes = out.filter((c) => c.startsWith('event: change'));
  assert.deepEqual(changes, ['event: change\ndata: {"kind":"target","id":"tg1/i-1:32768"}\n\n']);
  assert.match(out[0]!, /^retry: 2000\nevent: ready\ndata: \{"revision":1\}/);
  stream.close();
  await store.close();
});

test('heartbeats and traffic samples tick; close stops them and the watch', async () => {
  const store = new MemoryStore();
  const stats: TrafficStatsSource = {
    snapshot: () =>
      new Map([
        [
          'arn:tg',
          { requestsPerSecond: 12.345, errors5xxPerSecond: 1, p99Ms: 8, targets: new Map([['i-1:32768', { inFlight: 2, requestsPerSecond: 12.345 }]]) },
        ],
      ]),
  };
  const out: string[] = [];
  const stream = new EventStream({ store, trafficStats: stats, write: (c) => out.push(c), heartbeatMs: 20, sampleMs: 20 });
  await stream.open();
  await until(() => out.some((c) => c === ': heartbeat\n\n') && out.some((c) => c.startsWith('event: traffic')), 'a heartbeat and a traffic sample');
  const traffic = out.find((c) => c.startsWith('event: traffic'))!;
  assert.deepEqual(JSON.parse(traffic.split('data: ')[1]!), {
    'arn:tg': { requestsPerSecond: 12.35, errors5xxPerSecond: 1, p99Ms: 8, targets: { 'i-1:32768': { inFlight: 2, requestsPerSecond: 12.35 } } },
  });
  stream.close();
  const n = out.length;
  // A witness stream on the same store: once it has the change and two more heartbeats and samples,
  // the closed stream would have written too, had its watch or timers survived.
  const seen: string[] = [];
  const witness = new EventStream({ store, trafficStats: stats, write: (c) => seen.push(c), heartbeatMs: 20, sampleMs: 20 });
  await witness.open();
  await store.put(keys.service('c', 's'), {});
  await until(
    () => seen.some((c) => c.startsWith('event: change')) && seen.filter((c) => c === ': heartbeat\n\n').length >= 2,
    'the witness saw the change and ticked twice',
  );
  witness.close();
  assert.equal(out.length, n, 'nothing is written after close');
  assert.equal(stream.isClosed, true);
  await store.close();
});
