import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../domain/ecs/records.js';
import { backoffDelayMs, startBackoff, throttledUntil } from './start-backoff.js';
import { DEFAULT_OPTIONS } from './service-plan.js';
import { task } from './scenario.js';

const opts = { freeFailures: 2, baseMs: 10_000, maxMs: 900_000, stableAfterMs: 30_000 };
const failed = (i: number, at: number) => task(`f${i}`, { status: 'STOPPED', createdAt: at }, { stopCode: 'TaskFailedToStart', stoppedAt: at + 100 });
const crashed = (i: number, at: number, ranFor: number) =>
  task(`c${i}`, { status: 'STOPPED', createdAt: at, startedAt: at + 10 }, { stopCode: 'EssentialContainerExited', stoppedAt: at + 10 + ranFor });

test('backoff is a pure function of (failures, now): free, then doubling from the base, capped at 15 min', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, opts)),
    [0, 0, 0, 10_000, 20_000, 40_000, 80_000],
  );
  assert.equal(backoffDelayMs(20, opts), 900_000);
  assert.equal(backoffDelayMs(1e9, opts), 900_000, 'no overflow for any count');
  assert.equal(throttledUntil(3, 1000, 5000, opts), 11_000);
  assert.equal(throttledUntil(3, 1000, 11_000, opts), undefined);
  assert.equal(throttledUntil(2, 1000, 1001, opts), undefined);
});

test('a couple of failures are free; then the delay doubles from the base, capped at 15 min', () => {
  assert.equal(startBackoff([failed(0, 1), failed(1, 2)], opts, 200).until, undefined);
  assert.equal(startBackoff([failed(0, 1), failed(1, 2), failed(2, 3)], opts, 200).until, 103 + 10_000);
  const many = Array.from({ length: 20 }, (_, i) => failed(i, i));
  assert.equal(startBackoff(many, opts, 200).until, 119 + 900_000);
});

test('a task that RUNS and then exits is a failure: a crash loop is throttled', () => {
  const loop = [crashed(0, 0, 1000), crashed(1, 2000, 1000), crashed(2, 4000, 1000)];
  assert.deepEqual(startBackoff(loop, opts, 5100), { failures: 3, until: 5010 + 10_000 });
});

test('the streak ends at a task that proved itself: RUNNING for stableAfterMs, or stopped by request after it ran', () => {
  const loop = [crashed(0, 0, 1000), crashed(1, 2000, 1000), crashed(2, 4000, 1000)];
  const young = task('y', { status: 'RUNNING', createdAt: 9000, startedAt: 9000 });
  assert.equal(startBackoff([...loop, young], opts, 10_000).failures, 3, 'a task running for 1 s proves nothing');
  assert.equal(startBackoff([...loop, young], opts, 9000 + 30_000).failures, 0);
  const scaledIn = task('s', { status: 'STOPPED', createdAt: 9000, startedAt: 9001 }, { stopCode: 'ServiceSchedulerInitiated', stoppedAt: 9500 });
  assert.equal(startBackoff([...loop, scaledIn], opts, 10_000).failures, 0);
});

test('the bound: a task that dies 1.5 s after each start is launched at most 6 times in 2 minutes (desired 1)', () => {
  // Drive the pure function as the scheduler does: start whenever not throttled, the task dies 1.5 s later.
  const tasks: TaskRecord[] = [];
  const starts: number[] = [];
  for (let now = 0; now <= 120_000; now += 100) {
    const live = tasks.find((t) => t.lastStatus !== 'STOPPED');
    if (live && now >= live.createdAt + 1500)
      Object.assign(live, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedAt: now });
    if (tasks.some((t) => t.lastStatus !== 'STOPPED')) continue;
    if (startBackoff(tasks, DEFAULT_OPTIONS.startBackoff, now).until !== undefined) continue;
    starts.push(now);
    tasks.push(task(`t${starts.length}`, { status: 'RUNNING', createdAt: now, startedAt: now }));
  }
  // 2 free failures, then waits of 10, 20, 40 s (the next, 80 s, falls past the two minutes):
  // free + 1 + log2(120 s / 10 s) rounded down = 2 + 1 + 3 = 6.
  assert.deepEqual(starts, [0, 1500, 3000, 14_500, 36_000, 77_500]);
});
