import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../domain/elbv2/action.js';
import { greenShareOf, splitWeights, withSplit } from './rule-weights.js';

const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/blue/0000000000000001';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/green/0000000000000002';
const forward = (blue: number, green: number): Action[] => [
  {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: BLUE, Weight: blue },
        { TargetGroupArn: GREEN, Weight: green },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
    },
  },
];

test('weights: all-or-nothing as 1/0, shares in tenths of a percent within 1-999', () => {
  assert.deepEqual(splitWeights(0), { blue: 1, green: 0 });
  assert.deepEqual(splitWeights(100), { blue: 0, green: 1 });
  assert.deepEqual(splitWeights(20), { blue: 800, green: 200 });
  assert.deepEqual(splitWeights(0.1), { blue: 999, green: 1 });
  assert.deepEqual(splitWeights(99.9), { blue: 1, green: 999 });
});

test('a split rewrites the two groups’ weights and keeps stickiness; an applied split changes nothing', () => {
  const next = withSplit(forward(1, 0), BLUE, GREEN, 25);
  assert.deepEqual(next, forward(750, 250));
  assert.equal(greenShareOf(next, BLUE, GREEN), 25);
  const same = forward(750, 250);
  assert.equal(withSplit(same, BLUE, GREEN, 25), same, 'the very array: nothing to write');
});

test('a rule that does not forward to both groups is left alone', () => {
  const only: Action[] = [
    {
      Type: 'forward',
      TargetGroupArn: BLUE,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
    },
  ];
  assert.equal(withSplit(only, BLUE, GREEN, 50), only);
});
