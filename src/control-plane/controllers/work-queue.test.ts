import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './work-queue.js';
import { eventually } from '../../../test/support/eventually.js';

/** A promise the test resolves when it chooses: holds a handler in flight without a timer. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

test('a key added many times while waiting is processed once', async () => {
  const seen: string[] = [];
  const busy = gate();
  const q = new WorkQueue(
    async (k) => {
      seen.push(k);
      if (k === 'busy') await busy.wait;
    },
    { concurrency: 1 },
  );
  q.add('busy');
  for (let i = 0; i < 5; i++) q.add('a');
  q.add('b');
  busy.open();
  await q.idle();
  assert.deepEqual(seen, ['busy', 'a', 'b']);
  await q.stop();
});

test('one key never runs twice at once; added while in flight, it runs again after', async () => {
  let running = 0;
  let max = 0;
  let runs = 0;
  const first = gate();
  const q = new WorkQueue(
    async () => {
      running++;
      max = Math.max(max, running);
      runs++;
      if (runs === 1) await first.wait;
      running--;
    },
    { concurrency: 4 },
  );
  q.add('a');
  // The handler starts at once: the adds below land while it is in flight.
  assert.equal(running, 1);
  q.add('a');
  q.add('a');
  first.open();
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
  await eventually(() => attempts, { what: 'three attempts', timeoutMs: 2_000, intervalMs: 5, until: (n) => n >= 3 });
  await q.idle();
  assert.equal(attempts, 3);
  assert.equal(errors.length, 2);
  await q.stop();
});

test('addAfter keeps the earliest visit; stop drops what is scheduled', async () => {
  const seen: number[] = [];
  const q = new WorkQueue(async () => void seen.push(Date.now()));
  q.addAfter('a', 10_000);
  q.addAfter('a', 10);
  await eventually(() => seen.length, { what: 'the earlier visit', timeoutMs: 2_000, intervalMs: 5, until: (n) => n > 0 });
  assert.equal(seen.length, 1);
  q.addAfter('a', 20);
  await q.stop();
  // A witness scheduled right after, with the same delay: Node fires equal timers in the order they were set,
  // so once the witness has run, a visit that survived stop would have run too.
  const witnessed: string[] = [];
  const witness = new WorkQueue(async (k) => void witnessed.push(k));
  witness.addAfter('w', 20);
  await eventually(() => witnessed.length, { what: 'the witness visit', timeoutMs: 2_000, intervalMs: 5, until: (n) => n > 0 });
  assert.equal(seen.length, 1, 'nothing runs after stop');
  await witness.stop();
});
