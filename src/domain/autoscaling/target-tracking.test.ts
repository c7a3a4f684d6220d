import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decideTargetTracking, proportional, SCALE_IN_MINUTES, type TrackingInput } from './target-tracking.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const minutes = (values: number[], running?: number) => [
  ...values.map((value, i) => ({ t: T0 + i * 60_000, value })),
  ...(running !== undefined ? [{ t: T0 + values.length * 60_000, value: running, running: true }] : []),
];
const input = (over: Partial<TrackingInput>): TrackingInput => ({
  now: T0 + 3600_000,
  current: 1,
  min: 1,
  max: 10,
  targetValue: 100,
  minutes: [],
  scaleOutCooldownMs: 300_000,
  scaleInCooldownMs: 300_000,
  disableScaleIn: false,
  scaleOutSuspended: false,
  scaleInSuspended: false,
  deploymentInProgress: false,
  ...over,
});

describe('target tracking', () => {
  test('scales out in proportion, at once, on the running minute once it is above target', () => {
    assert.deepEqual(decideTargetTracking(input({ minutes: minutes([50], 250) })), { kind: 'scale', desired: 3, direction: 'out', metric: 250 });
    // A running minute still under target waits for the complete ones.
    assert.equal(decideTargetTracking(input({ minutes: minutes([40], 80) })).kind, 'hold');
    assert.deepEqual(decideTargetTracking(input({ current: 2, minutes: minutes([400]) })), { kind: 'scale', desired: 8, direction: 'out', metric: 400 });
  });

  test('stays within max; a cooldown allows only a larger count than the last scale-out', () => {
    assert.deepEqual(decideTargetTracking(input({ minutes: minutes([5000]) })), { kind: 'scale', desired: 10, direction: 'out', metric: 5000 });
    // The last scale-out asked for 5 a few seconds ago; a metric that asks for 4 waits, one that asks for 9 does not.
    const cooling = { lastScaleOut: { at: T0 + 3590_000, to: 5 } };
    assert.deepEqual(decideTargetTracking(input({ current: 3, minutes: minutes([130]), ...cooling })), { kind: 'hold', reason: 'scale-out cooldown' });
    assert.equal(decideTargetTracking(input({ current: 3, minutes: minutes([300]), ...cooling })).kind, 'scale');
  });

  test('scales in only after 15 minutes below 90% of target, by the highest of them, never below min', () => {
    const low = Array.from({ length: SCALE_IN_MINUTES }, () => 20);
    assert.deepEqual(decideTargetTracking(input({ current: 5, minutes: minutes(low) })), { kind: 'scale', desired: 1, direction: 'in', metric: 20 });
    assert.equal(decideTargetTracking(input({ current: 5, minutes: minutes(low.slice(1)) })).kind, 'hold');
    assert.equal(decideTargetTracking(input({ current: 5, minutes: minutes([...low.slice(1), 95]) })).kind, 'hold');
    const spiky = [...low.slice(1), 70];
    assert.deepEqual(decideTargetTracking(input({ current: 5, minutes: minutes(spiky) })), { kind: 'scale', desired: 4, direction: 'in', metric: 70 });
  });

  test('scale-in holds for DisableScaleIn, suspension, a deployment and both cooldowns', () => {
    const low = minutes(Array.from({ length: SCALE_IN_MINUTES }, () => 10));
    const reasons = [
      { disableScaleIn: true },
      { scaleInSuspended: true },
      { deploymentInProgress: true },
      { lastScaleIn: { at: T0 + 3500_000 } },
      { lastScaleOut: { at: T0 + 3500_000, to: 5 } },
    ].map((over) => decideTargetTracking(input({ current: 5, minutes: low, ...over })));
    assert.deepEqual(
      reasons.map((r) => (r.kind === 'hold' ? r.reason : 'scaled')),
      ['scale-in is disabled on the policy', 'dynamic scale-in is suspended', 'a deployment is in progress', 'scale-in cooldown', 'scale-out cooldown'],
    );
  });

  test('a count outside min and max is brought inside at once', () => {
    assert.deepEqual(decideTargetTracking(input({ current: 0, min: 2 })), { kind: 'scale', desired: 2, direction: 'out', metric: Number.NaN });
    assert.deepEqual(decideTargetTracking(input({ current: 12 })), { kind: 'scale', desired: 10, direction: 'in', metric: Number.NaN });
  });

  test('property: a decision is always within [min, max] and moves the way the metric says', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { minLength: 0, maxLength: 20 }),
        (min, span, values) => {
          const max = min + span;
          const current = Math.min(max, Math.max(min, 1));
          const d = decideTargetTracking(input({ current, min, max, minutes: minutes(values) }));
          if (d.kind === 'hold') return;
          assert.ok(d.desired >= min && d.desired <= max);
          if (d.direction === 'out') assert.ok(d.desired > current);
          else assert.ok(d.desired < current);
        },
      ),
    );
    assert.equal(proportional(3, 100, 100), 3);
  });
});
