import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './work-queue.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

test('a key added many times while waiting is processed once', async () => {
  const seen: string[] = [];
  const q = new WorkQueue(
    async (k) => {
      seen.push(k);
      if (k === 'busy') await tick(10);
    },
    { concurrency: 1 },
  );
  q.add('busy');
  for (let i = 0; i < 5; i++) q.add('a');
  q.add('b');
  await q.idle();
  assert.deepEqual(seen, ['busy', 'a', 'b']);
  await q.stop();
});

test('one key never runs twice at once; added while in flight, it runs again after', async () => {
  let running = 0;
  let max = 0;
  let runs = 0;
  let release: () => void = () => undefined;
  const q = new WorkQueue(
    async () => {
      running++;
      max = Math.max(max, running);
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
      running--;
    },
    { concurrency: 4 },
  );
  q.add('a');
  await tick(1);
  q.add('a');
  q.add('a');
  release();
  await tick(1);
  await q.idle();
  assert.equal(max, 1);
  assert.equal(runs, 2, `${runs} runs: the adds during the first run collapse into one more run`);
  await q.stop();
});

test('a failing key comes back with backoff until it succeeds', async () => {
  let attempts = 0;
  const errors: unknown[] = [];
  const q = new WorkQueue(
    async () => {
      attempts++;
      if (attempts < 3) throw new Error('conflict');
    },
    { backoffBaseMs: 5, onError: (_k, e) => errors.push(e) },
  );
  q.add('a');
  for (let i = 0; i < 50 && attempts < 3; i++) await tick(5);
  assert.equal(attempts, 3);
  assert.equal(errors.length, 2);
  await q.stop();
});

test('addAfter keeps the earliest visit; stop drops what is scheduled', async () => {
  const seen: number[] = [];
  const q = new WorkQueue(async () => void seen.push(Date.now()));
  q.addAfter('a', 10_000);
  q.addAfter('a', 10);
  await tick(40);
  assert.equal(seen.length, 1);
  q.addAfter('a', 20);
  await q.stop();
  await tick(40);
  assert.equal(seen.length, 1, 'nothing runs after stop');
});
