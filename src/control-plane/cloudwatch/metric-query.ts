/**
 * One statistic of one metric over a time range, as GetMetricStatistics, GetMetricData, alarms and
 * the auto scaler ask for it: the checks CloudWatch makes on the range and period (in its codes and
 * words), then the buckets read at the resolution that still holds the range, folded into periods.
 */
import { AwsError } from '../../domain/aws-error.js';
import type { MetricId, StatisticSet } from '../../domain/cloudwatch/metric-series.js';
import { datapointCount, periodDatapoints } from '../../domain/cloudwatch/period-datapoints.js';
import { resolutionFor, PROMISED_MS } from '../../domain/cloudwatch/retention.js';
import type { MetricStore } from './metric-store.js';

export interface MetricRange {
  readonly metric: MetricId;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly periodSeconds: number;
  /** Only data recorded with this unit (all units when absent). */
  readonly unit?: string;
}

export interface Datapoint {
  readonly t: number;
  readonly unit: string;
  readonly values: StatisticSet;
}

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);

/** The range checks CloudWatch makes, with `field` naming the period member (`Period`, `MetricStat.Period`). */
export function checkRange(start: number, end: number, periodSeconds: number, now: number, field = 'Period'): void {
  if (start >= end) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  if (periodSeconds < 60 || periodSeconds % 60 !== 0) {
    throw invalid(
      `The parameter ${field} must be a multiple of 60: Berth keeps 1-minute data (no high-resolution metrics), so ${periodSeconds} seconds cannot be answered.`,
    );
  }
  if (resolutionFor(periodSeconds, start, now) === undefined) {
    throw invalid(
      `The parameter ${field} must be a multiple of 300 for data older than ${PROMISED_MS[60] / 3600_000} hours: Berth keeps 1-minute data for a day and 5-minute data for 15 days.`,
    );
  }
}

export async function queryMetric(store: MetricStore, q: MetricRange, now: number): Promise<Datapoint[]> {
  const resolution = resolutionFor(q.periodSeconds, q.start, now) ?? 300;
  const from = Math.floor(q.start / (q.periodSeconds * 1000)) * q.periodSeconds * 1000;
  const out: Datapoint[] = [];
  for (const { unit, buckets } of await store.read(q.metric, resolution, from, q.end)) {
    if (q.unit !== undefined && q.unit !== unit) continue;
    for (const b of periodDatapoints(buckets, q)) out.push({ t: b.t, unit, values: b.values });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** CloudWatch's cap on one GetMetricStatistics answer, in its words. */
export function checkDatapointLimit(start: number, end: number, periodSeconds: number): void {
  const n = datapointCount({ start, end, periodSeconds });
  if (n > 1440) {
    throw new AwsError(
      'InvalidParameterCombination',
      `You have requested up to ${n} datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
}
