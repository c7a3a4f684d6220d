/**
 * Stored buckets (1- or 5-minute statistic sets) folded into the periods a query asks for. Periods
 * start at multiples of their length since the epoch, as CloudWatch aligns them, and a period is
 * reported only when some bucket fell in it (CloudWatch returns no datapoint, not a zero, for a
 * period without data). Pure.
 */
import { merge, type StatisticSet } from './metric-series.js';

export interface Bucket {
  /** Epoch ms of the bucket's start. */
  readonly t: number;
  readonly values: StatisticSet;
}

export interface PeriodQuery {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
  readonly periodSeconds: number;
}

export function periodDatapoints(buckets: readonly Bucket[], q: PeriodQuery): Bucket[] {
  const size = q.periodSeconds * 1000;
  const first = Math.floor(q.start / size) * size;
  const byPeriod = new Map<number, StatisticSet>();
  for (const b of buckets) {
    if (b.t < first || b.t >= q.end) continue;
    const t = Math.floor(b.t / size) * size;
    const had = byPeriod.get(t);
    byPeriod.set(t, had ? merge(had, b.values) : b.values);
  }
  return [...byPeriod.entries()].sort((a, b) => a[0] - b[0]).map(([t, values]) => ({ t, values }));
}

/** How many datapoints a query may return at most (CloudWatch caps GetMetricStatistics at 1,440). */
export function datapointCount(q: PeriodQuery): number {
  const size = q.periodSeconds * 1000;
  return Math.ceil((q.end - Math.floor(q.start / size) * size) / size);
}
