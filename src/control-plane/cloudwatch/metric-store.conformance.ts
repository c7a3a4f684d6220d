/** What every MetricStore does; metric-store.test.ts runs it against memory and SQLite. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { single, type MetricId } from '../../domain/cloudwatch/metric-series.js';
import type { MetricStore } from './metric-store.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const min = (n: number) => T0 + n * 60_000;
const lb = (name: string): MetricId => ({
  namespace: 'AWS/ApplicationELB',
  name,
  dimensions: [
    { Name: 'TargetGroup', Value: 'targetgroup/web/1' },
    { Name: 'LoadBalancer', Value: 'app/front/2' },
  ],
});

export function metricStoreConformance(name: string, open: () => Promise<MetricStore>): void {
  describe(`MetricStore conformance: ${name}`, () => {
    test('samples merge into 1- and 5-minute buckets; dimension order does not count', async () => {
      const s = await open();
      await s.record([
        { metric: lb('RequestCount'), unit: 'Count', timestamp: min(0) + 1000, values: single(5) },
        { metric: lb('RequestCount'), unit: 'Count', timestamp: min(0) + 30_000, values: single(7) },
        { metric: { ...lb('RequestCount'), dimensions: [...lb('RequestCount').dimensions].reverse() }, unit: 'Count', timestamp: min(3), values: single(1) },
      ]);
      const [minute] = await s.read(lb('RequestCount'), 60, min(0), min(10));
      assert.deepEqual(
        minute?.buckets.map((b) => [b.t, b.values.sampleCount, b.values.sum, b.values.minimum, b.values.maximum]),
        [
          [min(0), 2, 12, 5, 7],
          [min(3), 1, 1, 1, 1],
        ],
      );
      const [five] = await s.read(lb('RequestCount'), 300, min(0), min(10));
      assert.deepEqual(
        five?.buckets.map((b) => [b.t, b.values.sum]),
        [[min(0), 13]],
      );
      s.close();
    });

    test('series are listed per namespace with their last sample; another dimension set is another series', async () => {
      const s = await open();
      await s.record([
        { metric: lb('RequestCount'), unit: 'Count', timestamp: min(1), values: single(1) },
        {
          metric: { ...lb('RequestCount'), dimensions: [{ Name: 'LoadBalancer', Value: 'app/front/2' }] },
          unit: 'Count',
          timestamp: min(2),
          values: single(1),
        },
        { metric: { namespace: 'AWS/ECS', name: 'CPUUtilization', dimensions: [] }, unit: 'Percent', timestamp: min(2), values: single(40) },
      ]);
      const elb = await s.listSeries('AWS/ApplicationELB');
      assert.equal(elb.length, 2);
      assert.deepEqual(elb.map((x) => x.lastSeen).sort(), [min(1), min(2)]);
      assert.equal((await s.listSeries()).length, 3);
      assert.deepEqual(await s.read({ namespace: 'AWS/ECS', name: 'Nope', dimensions: [] }, 60, 0, min(100)), []);
      s.close();
    });

    test('prune drops buckets past retention at each resolution, then empty series', async () => {
      const s = await open();
      await s.record([{ metric: lb('RequestCount'), unit: 'Count', timestamp: min(0), values: single(1) }]);
      const day = 24 * 3600_000;
      assert.equal(await s.prune(min(1)), 0);
      // After 26 h the minute bucket is gone and the 5-minute one stays.
      assert.equal(await s.prune(T0 + day + 2 * 3600_000), 1);
      const minutes = (await s.read(lb('RequestCount'), 60, 0, min(100))).flatMap((u) => u.buckets);
      assert.deepEqual(minutes, []);
      assert.equal((await s.read(lb('RequestCount'), 300, 0, min(100)))[0]?.buckets.length, 1);
      assert.equal(await s.prune(T0 + 16 * day), 1);
      assert.deepEqual(await s.listSeries(), []);
      s.close();
    });
  });
}
