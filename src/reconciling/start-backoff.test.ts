import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackoff } from './start-backoff.js';
import { task } from './scenario.js';

const opts = { freeFailures: 2, baseMs: 10_000, maxMs: 900_000 };
const failed = (i: number, at: number) => task(`f${i}`, { status: 'STOPPED', createdAt: at }, { stopCode: 'TaskFailedToStart', stoppedAt: at + 100 });

test('a couple of failures are free; then the delay doubles from the base, capped at 15 min', () => {
  assert.equal(startBackoff([failed(0, 1), failed(1, 2)], opts).until, undefined);
  assert.equal(startBackoff([failed(0, 1), failed(1, 2), failed(2, 3)], opts).until, 103 + 10_000);
  const many = Array.from({ length: 20 }, (_, i) => failed(i, i));
  assert.equal(startBackoff(many, opts).until, 119 + 900_000);
});

test('a task that reached RUNNING ends the streak; tasks that die after RUNNING are not throttled', () => {
  const ran = task('r', { status: 'STOPPED', createdAt: 10, startedAt: 11 }, { stopCode: 'EssentialContainerExited', stoppedAt: 50 });
  assert.equal(startBackoff([failed(0, 1), failed(1, 2), failed(2, 3), ran], opts).failures, 0);
  const diedRunning = Array.from({ length: 5 }, (_, i) => task(`d${i}`, { status: 'STOPPED', createdAt: i, startedAt: i }, { stopCode: 'EssentialContainerExited' }));
  assert.equal(startBackoff(diedRunning, opts).until, undefined);
});
