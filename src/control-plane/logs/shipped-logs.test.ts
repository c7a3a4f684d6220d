import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import type { RequestContext } from '../api/operation.js';
import { createLogsHandlers } from './logs-handlers.js';
import { appendShipped, openShippedStream, type ShipTarget } from './shipped-logs.js';

const NOW = 1_700_000_000_000;
const ctx: RequestContext = { requestId: 'r', region: 'us-east-1', accountId: '123456789012', now: NOW, sourceIp: '127.0.0.1' };
const target = (over: Partial<ShipTarget> = {}): ShipTarget => ({ region: 'us-east-1', group: '/ecs/ship', stream: 'ecs/app/t1', createGroup: false, ...over });
const ev = (t: number, k: number, message = `line ${t}.${k}`) => ({ timestamp: t, message, last: { t, k } });

async function read(store: MemoryStore, stream = 'ecs/app/t1'): Promise<string[]> {
  const h = createLogsHandlers({ store });
  const r = (await h.GetLogEvents!({ logGroupName: '/ecs/ship', logStreamName: stream, startFromHead: true }, ctx)) as { events: { message: string }[] };
  return r.events.map((e) => e.message);
}

test('a missing group is not created without awslogs-create-group, and is with it', async () => {
  const store = new MemoryStore();
  assert.deepEqual(await openShippedStream(store, target(), NOW), { ok: false });
  assert.deepEqual(await openShippedStream(store, target({ createGroup: true }), NOW), { ok: true });
  assert.deepEqual(await read(store), []);
});

test('a retried batch, or one re-read from an older cursor, stores only what is past the high-water mark', async () => {
  const store = new MemoryStore();
  await openShippedStream(store, target({ createGroup: true }), NOW);
  assert.deepEqual(await appendShipped(store, target(), [ev(NOW - 10, 0), ev(NOW - 10, 1)], NOW), { stored: 2, skipped: 0 });
  assert.deepEqual(await appendShipped(store, target(), [ev(NOW - 10, 0), ev(NOW - 10, 1)], NOW), { stored: 0, skipped: 2 });
  assert.deepEqual(await appendShipped(store, target(), [ev(NOW - 10, 1), ev(NOW - 10, 2), ev(NOW - 5, 0)], NOW), { stored: 2, skipped: 1 });
  assert.deepEqual(await read(store), [`line ${NOW - 10}.0`, `line ${NOW - 10}.1`, `line ${NOW - 10}.2`, `line ${NOW - 5}.0`]);
  assert.deepEqual(await openShippedStream(store, target(), NOW), { ok: true, shipped: { t: NOW - 5, k: 0 } });
});

test('a stream deleted while the task runs is opened again; its mark goes with it', async () => {
  const store = new MemoryStore();
  await openShippedStream(store, target({ createGroup: true }), NOW);
  await appendShipped(store, target(), [ev(NOW - 3, 0)], NOW);
  await createLogsHandlers({ store }).DeleteLogStream!({ logGroupName: '/ecs/ship', logStreamName: 'ecs/app/t1' }, ctx);
  assert.deepEqual(await appendShipped(store, target(), [ev(NOW - 3, 0), ev(NOW - 2, 0)], NOW), { stored: 2, skipped: 0 });
  assert.equal((await read(store)).length, 2);
});
