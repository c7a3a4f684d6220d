import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seriesKey, single, type MetricId } from '../../domain/cloudwatch/metric-series.js';
import { mergeSeriesLists, mergeUnitBuckets } from './metric-merge.js';

const metric = (dimensions: MetricId['dimensions']): MetricId => ({ namespace: 'AWS/ApplicationELB', name: 'RequestCount', dimensions });
const a = metric([
  { Name: 'LoadBalancer', Value: 'app/front/1' },
  { Name: 'TargetGroup', Value: 'targetgroup/web/2' },
]);
const aReordered = metric([...a.dimensions].reverse());
const b = metric([{ Name: 'LoadBalancer', Value: 'app/front/1' }]);

describe('mergeSeriesLists', () => {
  test('the union of dimension sets: a series on two stores is listed once, at its newest time', () => {
    const merged = mergeSeriesLists([
      [
        { metric: a, unit: 'Count', lastSeen: 10 },
        { metric: b, unit: 'Count', lastSeen: 5 },
      ],
      [{ metric: aReordered, unit: 'Count', lastSeen: 30 }],
      [
        { metric: a, unit: 'Seconds', lastSeen: 1 },
        { metric: b, unit: 'Count', lastSeen: 2 },
      ],
    ]);
    assert.equal(merged.length, 3);
    const lastSeen = (m: MetricId, unit: string): number | undefined => merged.find((s) => s.unit === unit && seriesKey(s.metric) === seriesKey(m))?.lastSeen;
    assert.equal(lastSeen(a, 'Count'), 30);
    assert.equal(lastSeen(b, 'Count'), 5);
    assert.equal(lastSeen(a, 'Seconds'), 1);
  });

  test('no stores, or empty ones: nothing', () => {
    assert.deepEqual(mergeSeriesLists([]), []);
    assert.deepEqual(mergeSeriesLists([[], []]), []);
  });
});

describe('mergeUnitBuckets', () => {
  test('sum of sums and counts, min of minima, max of maxima, per unit and bucket, in time order', () => {
    const merged = mergeUnitBuckets([
      [
        {
          unit: 'Seconds',
          buckets: [
            { t: 60_000, values: { sampleCount: 2, sum: 3, minimum: 1, maximum: 2 } },
            { t: 180_000, values: single(9) },
          ],
        },
      ],
      [
        {
          unit: 'Seconds',
          buckets: [
            { t: 0, values: single(4) },
            { t: 60_000, values: { sampleCount: 3, sum: 6, minimum: 0.5, maximum: 3 } },
          ],
        },
        { unit: 'Milliseconds', buckets: [{ t: 60_000, values: single(7) }] },
      ],
    ]);
    assert.deepEqual(merged, [
      {
        unit: 'Seconds',
        buckets: [
          { t: 0, values: single(4) },
          { t: 60_000, values: { sampleCount: 5, sum: 9, minimum: 0.5, maximum: 3 } },
          { t: 180_000, values: single(9) },
        ],
      },
      { unit: 'Milliseconds', buckets: [{ t: 60_000, values: single(7) }] },
    ]);
  });

  test('one store: its answer as it was', () => {
    const only = [{ unit: 'Count', buckets: [{ t: 0, values: single(1) }] }];
    assert.deepEqual(mergeUnitBuckets([only]), only);
  });
});
