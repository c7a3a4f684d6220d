/**
 * A CloudWatch metric: namespace, name and dimensions. Two metrics are the same series only when all
 * three match (the dimension order does not count, as in CloudWatch), so a series is keyed by its
 * dimensions sorted by name.
 */
export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly Dimension[];
}

/** CloudWatch's units (StandardUnit) that Berth's own metrics use; custom metrics may carry any of the model's. */
export type MetricUnit = string;

/** Count, sum, min and max of the samples in one period: what every statistic is computed from. */
export interface StatisticSet {
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
}

/** One sample (or pre-aggregated set) for a series at a time. */
export interface MetricSample {
  readonly metric: MetricId;
  readonly unit: MetricUnit;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly values: StatisticSet;
}

export function sortedDimensions(dimensions: readonly Dimension[]): Dimension[] {
  return [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

export function seriesKey(m: MetricId): string {
  return JSON.stringify([m.namespace, m.name, sortedDimensions(m.dimensions).map((d) => [d.Name, d.Value])]);
}

export function single(value: number): StatisticSet {
  return { sampleCount: 1, sum: value, minimum: value, maximum: value };
}

export function merge(a: StatisticSet, b: StatisticSet): StatisticSet {
  return {
    sampleCount: a.sampleCount + b.sampleCount,
    sum: a.sum + b.sum,
    minimum: Math.min(a.minimum, b.minimum),
    maximum: Math.max(a.maximum, b.maximum),
  };
}

export type Statistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';

export const STATISTICS: readonly Statistic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

export function statisticOf(set: StatisticSet, stat: Statistic): number {
  switch (stat) {
    case 'SampleCount':
      return set.sampleCount;
    case 'Sum':
      return set.sum;
    case 'Minimum':
      return set.minimum;
    case 'Maximum':
      return set.maximum;
    case 'Average':
      return set.sampleCount === 0 ? 0 : set.sum / set.sampleCount;
  }
}

/** Whether a metric matches ListMetrics' dimension filters (a filter without a value matches any value). */
export function matchesDimensionFilters(m: MetricId, filters: readonly { readonly Name: string; readonly Value?: string }[]): boolean {
  return filters.every((f) => m.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)));
}

/** Exactly these dimensions (GetMetricStatistics and alarms name a series, not a family). */
export function sameDimensions(a: readonly Dimension[], b: readonly Dimension[]): boolean {
  if (a.length !== b.length) return false;
  const sa = sortedDimensions(a);
  const sb = sortedDimensions(b);
  return sa.every((d, i) => d.Name === sb[i]!.Name && d.Value === sb[i]!.Value);
}
