/**
 * The answers of several metric stores (this replica's and its peers') as one: every replica keeps
 * the samples that reached it, so the cluster's data for a series is the union of theirs. Buckets
 * of one series, unit and start merge as statistic sets do (sum of counts and sums, min of minima,
 * max of maxima), so every statistic of the merged bucket is what one store holding every sample
 * would answer. Pure.
 */
import { merge, seriesKey, type StatisticSet } from '../../domain/cloudwatch/metric-series.js';
import type { Bucket } from '../../domain/cloudwatch/period-datapoints.js';
import type { SeriesInfo, UnitBuckets } from './metric-store.js';

/** Every series any store knows (one entry per metric and unit), last seen at the newest of their times. */
export function mergeSeriesLists(lists: readonly (readonly SeriesInfo[])[]): SeriesInfo[] {
  const byKey = new Map<string, SeriesInfo>();
  for (const list of lists) {
    for (const s of list) {
      const key = `${seriesKey(s.metric)}|${s.unit}`;
      const had = byKey.get(key);
      if (!had || s.lastSeen > had.lastSeen) byKey.set(key, had ? { ...had, lastSeen: s.lastSeen } : s);
    }
  }
  return [...byKey.values()];
}

/** One metric's buckets per unit from every store, merged bucket by bucket, in time order. */
export function mergeUnitBuckets(answers: readonly (readonly UnitBuckets[])[]): UnitBuckets[] {
  const byUnit = new Map<string, Map<number, StatisticSet>>();
  for (const answer of answers) {
    for (const { unit, buckets } of answer) {
      let byT = byUnit.get(unit);
      if (!byT) byUnit.set(unit, (byT = new Map()));
      for (const b of buckets) {
        const had = byT.get(b.t);
        byT.set(b.t, had ? merge(had, b.values) : b.values);
      }
    }
  }
  return [...byUnit.entries()].map(([unit, byT]) => ({
    unit,
    buckets: [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([t, values]): Bucket => ({ t, values })),
  }));
}
