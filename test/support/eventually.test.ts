import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './eventually.js';

test('returns the first value other than undefined, false included, retrying what throws', async () => {
  let calls = 0;
  const v = await eventually(
    () => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return calls < 3 ? undefined : false;
    },
    { what: 'the third call', timeoutMs: 5_000, intervalMs: 5 },
  );
  assert.equal(v, false);
  assert.equal(calls, 3);
});

test('times out naming what it waited for and the last error', async () => {
  const started = Date.now();
  await assert.rejects(
    eventually(
      async () => {
        throw new Error('connection refused');
      },
      { what: 'the server', timeoutMs: 100, intervalMs: 10 },
    ),
    { message: 'timed out: the server (Error: connection refused)' },
  );
  assert.ok(Date.now() - started >= 100);
});

test('a probe that never answers times out with the bare message', async () => {
  await assert.rejects(
    eventually(() => undefined, { what: 'nothing', timeoutMs: 30, intervalMs: 5 }),
    { message: 'timed out: nothing' },
  );
});

test('with until, waits for a value it accepts, and a timeout shows the last value seen', async () => {
  let n = 0;
  assert.equal(await eventually(() => ++n, { what: 'three', timeoutMs: 5_000, intervalMs: 5, until: (v) => v >= 3 }), 3);
  await assert.rejects(
    eventually(() => 'red', { what: 'green', timeoutMs: 30, intervalMs: 5, until: (v) => v === 'green' }),
    { message: 'timed out: green (last: "red")' },
  );
});
