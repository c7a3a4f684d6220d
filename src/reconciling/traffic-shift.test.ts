import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TrafficShift } from '../domain/ecs/records.js';
import type { TrafficPlan } from '../domain/ecs/deployment-strategy.js';
import { TEST_TRAFFIC_SETTLE_MS, advanceShift, startShift, type ShiftObservation } from './traffic-shift.js';

const MIN = 60_000;
const canary: TrafficPlan = { strategy: 'CANARY', steps: [20, 100], stepBakeMinutes: 2, bakeMinutes: 3 };
const linear: TrafficPlan = { strategy: 'LINEAR', steps: [25, 50, 75, 100], stepBakeMinutes: 1, bakeMinutes: 0 };
const blueGreen: TrafficPlan = { strategy: 'BLUE_GREEN', steps: [100], stepBakeMinutes: 0, bakeMinutes: 5 };
const seen = (over: Partial<ShiftObservation> = {}): ShiftObservation => ({
  now: 0,
  greenReady: true,
  rulesApplied: true,
  blueGone: false,
  greenSideClear: true,
  msPerMinute: MIN,
  ...over,
});

test('nothing moves until green is ready at full size', () => {
  const d = advanceShift(startShift(canary, 0), seen({ greenReady: false }));
  assert.equal(d.shift.stage, 'SCALE_UP');
  assert.equal(d.shift.production, 0);
  assert.equal(d.shift.test, 0);
});

test('test traffic goes to green first, then waits for the rules to carry it', () => {
  const d = advanceShift({ ...startShift(canary, 0), stage: 'SCALE_UP' }, seen({ rulesApplied: false }));
  assert.equal(d.shift.stage, 'TEST_TRAFFIC_SHIFT');
  assert.equal(d.shift.test, 100);
  assert.equal(d.shift.production, 0, 'production still all blue');
});

test('CANARY: the canary share, its bake, then 100%, the final bake, then CLEAN_UP', () => {
  let s: TrafficShift = { ...startShift(canary, 0), stage: 'TEST_TRAFFIC_SHIFT', test: 100 };
  let d = advanceShift(s, seen({ now: 1000 - TEST_TRAFFIC_SETTLE_MS }));
  assert.equal(d.shift.stage, 'POST_TEST_TRAFFIC_SHIFT', 'the test rule settles in the data plane first');
  assert.equal(d.shift.production, 0);
  assert.equal(d.wakeAt, 1000);
  s = d.shift;
  d = advanceShift(s, seen({ now: 1000 }));
  assert.equal(d.shift.stage, 'PRODUCTION_TRAFFIC_SHIFT');
  assert.equal(d.shift.production, 20);
  s = d.shift;
  // The rules carry 20%: the canary bake runs (2 minutes from the shift).
  d = advanceShift(s, seen({ now: 1000 + MIN }));
  assert.equal(d.shift.production, 20);
  assert.equal(d.wakeAt, 1000 + 2 * MIN);
  d = advanceShift(s, seen({ now: 1000 + 2 * MIN }));
  assert.equal(d.shift.production, 100);
  assert.equal(d.shift.stage, 'PRODUCTION_TRAFFIC_SHIFT', '100% must reach the rules first');
  s = d.shift;
  d = advanceShift(s, seen({ now: 1000 + 2 * MIN, rulesApplied: false }));
  assert.equal(d.shift.stage, 'PRODUCTION_TRAFFIC_SHIFT');
  d = advanceShift(s, seen({ now: 1000 + 2 * MIN + 10 }));
  assert.equal(d.shift.stage, 'BAKE_TIME');
  assert.equal(d.wakeAt, 1000 + 2 * MIN + 10 + 3 * MIN);
  assert.equal(d.cleanUp, false);
  d = advanceShift(d.shift, seen({ now: 1000 + 5 * MIN + 10 }));
  assert.equal(d.shift.stage, 'CLEAN_UP');
  assert.equal(d.cleanUp, true);
  assert.equal(d.done, false);
  assert.equal(advanceShift(d.shift, seen({ now: 1000 + 6 * MIN, blueGone: true })).done, true);
  assert.deepEqual(
    d.shift.history?.map(([, p]) => p),
    [0, 20, 100],
  );
});

test('LINEAR 25%: four steps, one per step bake', () => {
  let s: TrafficShift = { ...startShift(linear, 0), stage: 'POST_TEST_TRAFFIC_SHIFT', test: 100, since: -TEST_TRAFFIC_SETTLE_MS };
  const shares: number[] = [];
  for (let t = 0; t <= 5 * MIN; t += MIN / 2) {
    const d = advanceShift(s, seen({ now: t }));
    s = d.shift;
    if (shares.at(-1) !== s.production) shares.push(s.production);
  }
  assert.deepEqual(shares, [25, 50, 75, 100]);
  assert.equal(s.stage, 'CLEAN_UP', 'bake 0: clean-up right after 100%');
});

test('BLUE_GREEN: production all at once, then the bake', () => {
  const d = advanceShift({ ...startShift(blueGreen, 0), stage: 'POST_TEST_TRAFFIC_SHIFT', test: 100 }, seen({ now: TEST_TRAFFIC_SETTLE_MS }));
  assert.equal(d.shift.production, 100);
  const e = advanceShift(d.shift, seen({ now: TEST_TRAFFIC_SETTLE_MS + 1 }));
  assert.equal(e.shift.stage, 'BAKE_TIME');
  assert.equal(e.wakeAt, TEST_TRAFFIC_SETTLE_MS + 1 + 5 * MIN);
});

test('with deployment alarms (testWatchMs), green serves the test listener alone for the watch before production moves', () => {
  const plan: TrafficPlan = { ...canary, testWatchMs: 30_000 };
  const s: TrafficShift = { ...startShift(plan, 0), stage: 'POST_TEST_TRAFFIC_SHIFT', test: 100, since: 1000 };
  const during = advanceShift(s, seen({ now: 30_999 }));
  assert.equal(during.shift.stage, 'POST_TEST_TRAFFIC_SHIFT');
  assert.equal(during.shift.production, 0, 'production all blue while the alarms watch');
  assert.equal(during.wakeAt, 31_000);
  // Not scaled by the test aid: the alarms' cadence is real time.
  assert.equal(advanceShift(s, seen({ now: 30_999, msPerMinute: 1000 })).shift.production, 0);
  const after = advanceShift(s, seen({ now: 31_000 }));
  assert.equal(after.shift.stage, 'PRODUCTION_TRAFFIC_SHIFT');
  assert.equal(after.shift.production, 20);
});

test('a shorter minute (the test aid) shortens every bake alike', () => {
  const s: TrafficShift = { ...startShift(canary, 0), stage: 'PRODUCTION_TRAFFIC_SHIFT', production: 20, test: 100, since: 0 };
  assert.equal(advanceShift(s, seen({ now: 2000, msPerMinute: 1000 })).shift.production, 100);
  assert.equal(advanceShift(s, seen({ now: 2000 })).shift.production, 20);
});

// Properties: over any sequence of observations, shares only grow, production never moves before
// test traffic is green, production only moves while the rules carry the last shares, and
// CLEAN_UP comes only at 100% after the final bake.
test('property: monotone shares, no production before test, clean-up only after the bake at 100%', () => {
  const planArb = fc.oneof(
    fc.constant(blueGreen),
    fc.integer({ min: 1, max: 999 }).map((t): TrafficPlan => ({ strategy: 'CANARY', steps: [t / 10, 100], stepBakeMinutes: 1, bakeMinutes: 2 })),
    fc.integer({ min: 30, max: 1000 }).map((t): TrafficPlan => {
      const steps: number[] = [];
      for (let x = t; x < 1000; x += t) steps.push(x / 10);
      return { strategy: 'LINEAR', steps: [...steps, 100], stepBakeMinutes: 1, bakeMinutes: 1 };
    }),
  );
  const obsArb = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 3 * MIN }), greenReady: fc.boolean(), rulesApplied: fc.boolean() }), { maxLength: 40 });
  fc.assert(
    fc.property(planArb, obsArb, (plan, obs) => {
      let s = startShift(plan, 0);
      let now = 0;
      let fullAt: number | undefined;
      for (const o of obs) {
        now += o.dt;
        const before = s;
        const d = advanceShift(s, seen({ now, greenReady: o.greenReady, rulesApplied: o.rulesApplied }));
        s = d.shift;
        assert.ok(s.production >= before.production && s.test >= before.test, 'shares never go back');
        if (s.production > 0) assert.equal(s.test, 100, 'production moves only after test traffic');
        if (s.production !== before.production && before.production > 0) assert.ok(o.rulesApplied, 'a step waits for the last to be applied');
        if (s.production === 100 && fullAt === undefined) fullAt = now;
        if (s.stage === 'CLEAN_UP') {
          assert.equal(s.production, 100);
          assert.ok(fullAt !== undefined && now - fullAt >= 0);
        }
        assert.ok(s.production === 0 || plan.steps.includes(s.production), 'only the plan’s steps');
      }
    }),
  );
});

test('RECONCILE_SERVICE: with more than one revision active, it waits until green’s side is clear', () => {
  const s = startShift(canary, 0, true);
  assert.equal(s.stage, 'RECONCILE_SERVICE');
  assert.equal(advanceShift(s, seen({ greenSideClear: false })).shift.stage, 'RECONCILE_SERVICE');
  assert.equal(advanceShift(s, seen({ greenReady: false })).shift.stage, 'SCALE_UP');
});
