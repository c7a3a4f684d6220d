import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_HEALTH, nextHealth, type HealthStatus } from './health-status.js';

const rules = { retries: 3, startPeriodS: 10, startedAt: 0 };
const run = (results: [boolean, number][], from: HealthStatus = INITIAL_HEALTH) =>
  results.reduce((s, [passed, at]) => nextHealth(s, { passed, at }, rules), from);

test('one pass is HEALTHY; retries consecutive failures are UNHEALTHY', () => {
  assert.equal(run([[true, 11_000]]).health, 'HEALTHY');
  assert.equal(
    run([
      [true, 11_000],
      [false, 12_000],
      [false, 13_000],
    ]).health,
    'HEALTHY',
  );
  assert.equal(
    run([
      [true, 11_000],
      [false, 12_000],
      [false, 13_000],
      [false, 14_000],
    ]).health,
    'UNHEALTHY',
  );
});

test('a pass resets the failing streak', () => {
  const s = run([
    [false, 11_000],
    [false, 12_000],
    [true, 13_000],
    [false, 14_000],
    [false, 15_000],
  ]);
  assert.deepEqual(s, { health: 'HEALTHY', failingStreak: 2 });
});

test('failures in the start period do not count until the first pass', () => {
  assert.deepEqual(
    run([
      [false, 1000],
      [false, 2000],
      [false, 3000],
      [false, 4000],
    ]),
    INITIAL_HEALTH,
  );
  assert.equal(
    run([
      [false, 1000],
      [false, 11_000],
      [false, 12_000],
      [false, 13_000],
    ]).health,
    'UNHEALTHY',
  );
  // After a pass inside the start period, failures count at once.
  assert.equal(
    run([
      [true, 1000],
      [false, 2000],
      [false, 3000],
      [false, 4000],
    ]).health,
    'UNHEALTHY',
  );
});

test('retries of 0 behaves as 1', () => {
  assert.equal(nextHealth(INITIAL_HEALTH, { passed: false, at: 20_000 }, { ...rules, retries: 0 }).health, 'UNHEALTHY');
});
