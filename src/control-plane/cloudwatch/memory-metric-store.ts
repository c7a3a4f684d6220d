/** The metric store in memory, for unit tests of what reads metrics. Passes metric-store.conformance.ts. */
import { bucketStart, RESOLUTIONS, RETENTION_MS, type Resolution } from '../../domain/cloudwatch/retention.js';
import { merge, seriesKey, type MetricId, type MetricSample, type StatisticSet } from '../../domain/cloudwatch/metric-series.js';
import type { MetricStore, SeriesInfo, UnitBuckets } from './metric-store.js';

interface Series {
  metric: MetricId;
  unit: string;
  lastSeen: number;
  buckets: Record<Resolution, Map<number, StatisticSet>>;
}

export class MemoryMetricStore implements MetricStore {
  private readonly series = new Map<string, Series>();

  async record(samples: readonly MetricSample[]): Promise<void> {
    for (const s of samples) {
      const key = `${seriesKey(s.metric)}|${s.unit}`;
      let series = this.series.get(key);
      if (!series) {
        series = { metric: s.metric, unit: s.unit, lastSeen: s.timestamp, buckets: { 60: new Map(), 300: new Map() } };
        this.series.set(key, series);
      }
      series.lastSeen = Math.max(series.lastSeen, s.timestamp);
      for (const r of RESOLUTIONS) {
        const t = bucketStart(s.timestamp, r);
        const had = series.buckets[r].get(t);
        series.buckets[r].set(t, had ? merge(had, s.values) : s.values);
      }
    }
  }

  async listSeries(namespace?: string): Promise<SeriesInfo[]> {
    return [...this.series.values()]
      .filter((s) => namespace === undefined || s.metric.namespace === namespace)
      .map((s) => ({ metric: s.metric, unit: s.unit, lastSeen: s.lastSeen }));
  }

  async read(metric: MetricId, resolution: Resolution, from: number, to: number): Promise<UnitBuckets[]> {
    const key = seriesKey(metric);
    const out: UnitBuckets[] = [];
    for (const [k, s] of this.series) {
      if (k.slice(0, k.lastIndexOf('|')) !== key) continue;
      const buckets = [...s.buckets[resolution].entries()]
        .filter(([t]) => t >= from && t < to)
        .sort((a, b) => a[0] - b[0])
        .map(([t, values]) => ({ t, values }));
      out.push({ unit: s.unit, buckets });
    }
    return out;
  }

  async prune(now: number): Promise<number> {
    let dropped = 0;
    for (const [k, s] of this.series) {
      for (const r of RESOLUTIONS) {
        for (const t of s.buckets[r].keys()) {
          if (t < now - RETENTION_MS[r]) {
            s.buckets[r].delete(t);
            dropped++;
          }
        }
      }
      if (s.buckets[60].size === 0 && s.buckets[300].size === 0) this.series.delete(k);
    }
    return dropped;
  }

  close(): void {}
}
