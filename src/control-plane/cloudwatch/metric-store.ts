/**
 * Where metric data lives: the port the CloudWatch handlers, the alarm evaluator and the auto scaler
 * read, and the metric recorders write. Data is kept as statistic sets per bucket, at the two
 * resolutions of src/domain/cloudwatch/retention.ts, so every standard statistic of any period that is
 * a multiple of a bucket can be answered exactly. Implementations: memory-metric-store.ts (unit tests),
 * sqlite-metric-store.ts (`<data-dir>/metrics.db`, next to the store rather than in it, so a
 * sample per series per minute never becomes a store revision), and on etcd replica-metric-store.ts
 * (this replica's file for writes, every live replica's for reads). All pass metric-store.conformance.ts.
 */
import type { Bucket } from '../../domain/cloudwatch/period-datapoints.js';
import type { MetricId, MetricSample, MetricUnit } from '../../domain/cloudwatch/metric-series.js';
import type { Resolution } from '../../domain/cloudwatch/retention.js';

export interface SeriesInfo {
  readonly metric: MetricId;
  readonly unit: MetricUnit;
  /** Epoch ms of the newest sample. */
  readonly lastSeen: number;
}

export interface UnitBuckets {
  readonly unit: MetricUnit;
  readonly buckets: readonly Bucket[];
}

export interface MetricStore {
  /** Folds samples into their 1- and 5-minute buckets (a sample for a bucket that exists merges into it). */
  record(samples: readonly MetricSample[]): Promise<void>;
  /** Every series of `namespace` (all when absent), newest first by nothing in particular: callers sort. */
  listSeries(namespace?: string): Promise<SeriesInfo[]>;
  /** The buckets of exactly this metric (same namespace, name and dimensions), per unit, with `from <= t < to`. */
  read(metric: MetricId, resolution: Resolution, from: number, to: number): Promise<UnitBuckets[]>;
  /** Drops buckets past their resolution's retention, and series with none left; answers how many buckets went. */
  prune(now: number): Promise<number>;
  close(): void;
}
