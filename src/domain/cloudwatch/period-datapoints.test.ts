import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { single } from './metric-series.js';
import { datapointCount, periodDatapoints } from './period-datapoints.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const min = (n: number) => T0 + n * 60_000;

describe('period datapoints', () => {
  test('buckets fold into epoch-aligned periods; empty periods give no datapoint', () => {
    const buckets = [
      { t: min(0), values: single(1) },
      { t: min(1), values: single(3) },
      { t: min(4), values: single(10) },
      { t: min(12), values: single(7) },
    ];
    const out = periodDatapoints(buckets, { start: min(0), end: min(15), periodSeconds: 300 });
    assert.deepEqual(
      out.map((b) => [b.t, b.values.sampleCount, b.values.sum, b.values.minimum, b.values.maximum]),
      [
        [min(0), 3, 14, 1, 10],
        [min(10), 1, 7, 7, 7],
      ],
    );
  });

  test('the end is exclusive and a start inside a period takes the whole period', () => {
    const buckets = [
      { t: min(0), values: single(1) },
      { t: min(5), values: single(2) },
    ];
    assert.deepEqual(
      periodDatapoints(buckets, { start: min(2), end: min(5), periodSeconds: 300 }).map((b) => b.t),
      [min(0)],
    );
  });

  test('datapoint count counts the periods the range touches', () => {
    assert.equal(datapointCount({ start: min(0), end: min(60), periodSeconds: 60 }), 60);
    assert.equal(datapointCount({ start: min(1), end: min(60), periodSeconds: 300 }), 12);
  });
});
