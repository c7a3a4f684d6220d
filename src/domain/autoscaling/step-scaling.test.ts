import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { adjusted, aggregate, decideStep, stepFor, stepScalingConfig, type StepDecisionInput, type StepScalingConfig } from './step-scaling.js';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const config = (over: Partial<StepScalingConfig> = {}): StepScalingConfig => ({
  adjustmentType: 'ChangeInCapacity',
  steps: [
    { upperBound: 0, adjustment: -1 },
    { lowerBound: 0, upperBound: 50, adjustment: 1 },
    { lowerBound: 50, adjustment: 3 },
  ],
  cooldown: 60,
  metricAggregationType: 'Average',
  ...over,
});
const input = (over: Partial<StepDecisionInput>): StepDecisionInput => ({
  now: T0,
  config: config(),
  breach: 10,
  current: 2,
  min: 1,
  max: 10,
  scaleOutSuspended: false,
  scaleInSuspended: false,
  deploymentInProgress: false,
  ...over,
});

describe('step scaling configuration', () => {
  test('a valid configuration is kept, with AWS defaults for Cooldown and MetricAggregationType', () => {
    const c = stepScalingConfig({ AdjustmentType: 'ExactCapacity', StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: 1 }] });
    assert.deepEqual(c, { adjustmentType: 'ExactCapacity', steps: [{ upperBound: 0, adjustment: 1 }], cooldown: 300, metricAggregationType: 'Average' });
    const pct = stepScalingConfig({
      AdjustmentType: 'PercentChangeInCapacity',
      MinAdjustmentMagnitude: 2,
      Cooldown: 0,
      MetricAggregationType: 'Maximum',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 10 },
        { MetricIntervalLowerBound: 10, ScalingAdjustment: 50 },
      ],
    });
    assert.equal(pct.minAdjustmentMagnitude, 2);
    assert.equal(pct.steps.length, 2);
  });

  test('refusals are ValidationException naming the rule broken', () => {
    const cases: [Parameters<typeof stepScalingConfig>[0], RegExp][] = [
      [{ StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }, /AdjustmentType is required/],
      [{ AdjustmentType: 'Sometimes', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }, /AdjustmentType Sometimes/],
      [{ AdjustmentType: 'ChangeInCapacity' }, /at least one step adjustment/],
      [{ AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ ScalingAdjustment: 1 }] }, /cannot both be null/],
      [
        { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 5, MetricIntervalUpperBound: 5, ScalingAdjustment: 1 }] },
        /must be greater than/,
      ],
      [
        {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 10, ScalingAdjustment: 2 },
          ],
        },
        /must not overlap/,
      ],
      [
        {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 20, ScalingAdjustment: 2 },
          ],
        },
        /no gap/,
      ],
      [
        { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 }] },
        /unspecified upper bound/,
      ],
      [
        { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }] },
        /unspecified lower bound/,
      ],
      [
        {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [
            { MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
            { MetricIntervalUpperBound: 5, ScalingAdjustment: -2 },
          ],
        },
        /at most one step adjustment can have a null lower bound/,
      ],
      [
        { AdjustmentType: 'ChangeInCapacity', MinAdjustmentMagnitude: 2, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
        /MinAdjustmentMagnitude may only/,
      ],
      [{ AdjustmentType: 'ExactCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: -1 }] }, /zero or more for ExactCapacity/],
      [{ AdjustmentType: 'ChangeInCapacity', Cooldown: -1, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }, /Cooldown/],
      [
        { AdjustmentType: 'ChangeInCapacity', MetricAggregationType: 'Sum', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
        /MetricAggregationType Sum/,
      ],
      [
        {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: Array.from({ length: 21 }, (_, i) => ({
            MetricIntervalLowerBound: i,
            ...(i < 20 ? { MetricIntervalUpperBound: i + 1 } : {}),
            ScalingAdjustment: 1,
          })),
        },
        /at most 20/,
      ],
    ];
    for (const [bad, message] of cases) assert.throws(() => stepScalingConfig(bad), { code: 'ValidationException', message }, JSON.stringify(bad));
  });
});

describe('step scaling decision', () => {
  test('the breach picks its step: lower bound inclusive above the threshold, upper bound inclusive below it', () => {
    const steps = config().steps;
    assert.equal(stepFor(steps, 0)?.adjustment, 1);
    assert.equal(stepFor(steps, 49.9)?.adjustment, 1);
    assert.equal(stepFor(steps, 50)?.adjustment, 3);
    assert.equal(stepFor(steps, -0.1)?.adjustment, -1);
    assert.equal(stepFor([{ lowerBound: 10, adjustment: 1 }], 5), undefined);
  });

  test('adjustment types, percent rounding and MinAdjustmentMagnitude', () => {
    assert.equal(adjusted(config(), 3, 2), 5);
    assert.equal(adjusted(config({ adjustmentType: 'ExactCapacity' }), 3, 7), 7);
    const pct = config({ adjustmentType: 'PercentChangeInCapacity' });
    assert.equal(adjusted(pct, 10, 25), 12); // 2.5 rounds down
    assert.equal(adjusted(pct, 2, 10), 3); // 0.2 rounds to 1
    assert.equal(adjusted(pct, 2, -10), 1); // -0.2 rounds to -1
    assert.equal(adjusted(pct, 10, -25), 8); // -2.5 rounds up
    assert.equal(adjusted({ ...pct, minAdjustmentMagnitude: 4 }, 10, 25), 14);
    assert.equal(aggregate([1, 5, 3], 'Average'), 3);
    assert.equal(aggregate([1, 5, 3], 'Maximum'), 5);
    assert.equal(aggregate([], 'Minimum'), undefined);
  });

  test('scales out and in within min and max', () => {
    assert.deepEqual(decideStep(input({ breach: 60 })), { kind: 'scale', desired: 5, direction: 'out', adjustment: 3 });
    assert.deepEqual(decideStep(input({ breach: 60, max: 4 })), { kind: 'scale', desired: 4, direction: 'out', adjustment: 3 });
    assert.deepEqual(decideStep(input({ breach: -5 })), { kind: 'scale', desired: 1, direction: 'in', adjustment: -1 });
    assert.equal(decideStep(input({ breach: -5, current: 1 })).kind, 'hold');
    const exact = config({ adjustmentType: 'ExactCapacity', steps: [{ upperBound: 0, adjustment: 1 }] });
    assert.deepEqual(decideStep(input({ config: exact, breach: -100, current: 4 })), { kind: 'scale', desired: 1, direction: 'in', adjustment: 1 });
  });

  test('cooldown: a scale-out counts toward the next, a scale-in waits, a scale-out after a scale-in acts at once', () => {
    // +1 from 2 to 3 ten seconds ago; now +3 is asked: computed from 2, so 5 (not 6).
    const out = { lastScaleOut: { at: T0 - 10_000, to: 3, from: 2 } };
    assert.deepEqual(decideStep(input({ current: 3, breach: 60, ...out })), { kind: 'scale', desired: 5, direction: 'out', adjustment: 3 });
    assert.deepEqual(decideStep(input({ current: 3, breach: 10, ...out })), { kind: 'hold', reason: 'scale-out cooldown' });
    assert.equal(decideStep(input({ current: 3, breach: 10, lastScaleOut: { at: T0 - 61_000, to: 3, from: 2 } })).kind, 'scale');
    const inCooling = { lastScaleIn: { at: T0 - 10_000 } };
    assert.deepEqual(decideStep(input({ current: 3, breach: -5, ...inCooling })), { kind: 'hold', reason: 'scale-in cooldown' });
    assert.equal(decideStep(input({ current: 3, breach: 10, ...inCooling })).kind, 'scale');
  });

  test('suspension and deployments hold', () => {
    assert.deepEqual(decideStep(input({ breach: 60, scaleOutSuspended: true })), { kind: 'hold', reason: 'dynamic scale-out is suspended' });
    assert.deepEqual(decideStep(input({ breach: -5, scaleInSuspended: true })), { kind: 'hold', reason: 'dynamic scale-in is suspended' });
    assert.deepEqual(decideStep(input({ breach: -5, deploymentInProgress: true })), { kind: 'hold', reason: 'a deployment is in progress' });
  });

  test('property: a decision stays within [min, max] and moves the way it says', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.constantFrom('ChangeInCapacity' as const, 'PercentChangeInCapacity' as const),
        (min, span, current, breach, adjustmentType) => {
          const d = decideStep(input({ min, max: min + span, current, breach, config: config({ adjustmentType }) }));
          if (d.kind === 'hold') return;
          assert.ok(d.desired >= min && d.desired <= min + span);
          assert.ok(d.direction === 'out' ? d.desired > current : d.desired < current);
        },
      ),
    );
  });
});
