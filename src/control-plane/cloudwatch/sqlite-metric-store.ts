/**
 * The metric store in its own SQLite file (`<data-dir>/metrics.db`), in WAL mode like the store. One
 * row per series and unit, one row per bucket; a sample is an upsert that merges its statistic set
 * into the bucket's. Bounded: a series holds at most 25 h of 1-minute and 15 days of 5-minute buckets
 * (about 6,000 rows) once prune has run, and the recorder prunes every few minutes.
 */
import Database from 'better-sqlite3';
import { bucketStart, RESOLUTIONS, RETENTION_MS, type Resolution } from '../../domain/cloudwatch/retention.js';
import { seriesKey, sortedDimensions, type Dimension, type MetricId, type MetricSample } from '../../domain/cloudwatch/metric-series.js';
import type { MetricStore, SeriesInfo, UnitBuckets } from './metric-store.js';

interface SeriesRow {
  id: number;
  namespace: string;
  name: string;
  dimensions: string;
  unit: string;
  last_seen: number;
}

interface BucketRow {
  unit: string;
  t: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class SqliteMetricStore implements MetricStore {
  private readonly db: Database.Database;
  private readonly seriesIds = new Map<string, number>();
  /** Prepared once: record runs every few seconds per node, reads on every GetMetricData and alarm evaluation. */
  private readonly sql: {
    insertSeries: Database.Statement;
    upsertBucket: Database.Statement;
    seen: Database.Statement;
    allSeries: Database.Statement;
    seriesOf: Database.Statement;
    buckets: Database.Statement;
    pruneBuckets: Database.Statement;
    pruneSeries: Database.Statement;
  };

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS series (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        unit TEXT NOT NULL,
        last_seen INTEGER NOT NULL,
        UNIQUE (key, unit)
      );
      CREATE TABLE IF NOT EXISTS buckets (
        series INTEGER NOT NULL,
        resolution INTEGER NOT NULL,
        t INTEGER NOT NULL,
        count REAL NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        PRIMARY KEY (series, resolution, t)
      ) WITHOUT ROWID;
    `);
    this.sql = {
      insertSeries: this.db.prepare(
        `INSERT INTO series (key, namespace, name, dimensions, unit, last_seen) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key, unit) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id`,
      ),
      upsertBucket: this.db.prepare(
        `INSERT INTO buckets (series, resolution, t, count, sum, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series, resolution, t) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
           min = min(min, excluded.min), max = max(max, excluded.max)`,
      ),
      seen: this.db.prepare('UPDATE series SET last_seen = max(last_seen, ?) WHERE id = ?'),
      allSeries: this.db.prepare('SELECT * FROM series'),
      seriesOf: this.db.prepare('SELECT * FROM series WHERE namespace = ?'),
      buckets: this.db.prepare(
        `SELECT s.unit AS unit, b.t AS t, b.count AS count, b.sum AS sum, b.min AS min, b.max AS max
         FROM series s JOIN buckets b ON b.series = s.id
         WHERE s.key = ? AND b.resolution = ? AND b.t >= ? AND b.t < ? ORDER BY s.unit, b.t`,
      ),
      pruneBuckets: this.db.prepare('DELETE FROM buckets WHERE resolution = ? AND t < ?'),
      pruneSeries: this.db.prepare('DELETE FROM series WHERE id NOT IN (SELECT DISTINCT series FROM buckets)'),
    };
  }

  private seriesId(s: MetricSample): number {
    const key = seriesKey(s.metric);
    const cacheKey = `${key}|${s.unit}`;
    const known = this.seriesIds.get(cacheKey);
    if (known !== undefined) return known;
    const dims = JSON.stringify(sortedDimensions(s.metric.dimensions));
    const row = this.sql.insertSeries.get(key, s.metric.namespace, s.metric.name, dims, s.unit, s.timestamp) as { id: number };
    this.seriesIds.set(cacheKey, row.id);
    return row.id;
  }

  async record(samples: readonly MetricSample[]): Promise<void> {
    const { upsertBucket: upsert, seen } = this.sql;
    this.db.transaction(() => {
      for (const s of samples) {
        const id = this.seriesId(s);
        seen.run(s.timestamp, id);
        for (const r of RESOLUTIONS) {
          upsert.run(id, r, bucketStart(s.timestamp, r), s.values.sampleCount, s.values.sum, s.values.minimum, s.values.maximum);
        }
      }
    })();
  }

  async listSeries(namespace?: string): Promise<SeriesInfo[]> {
    const rows = (namespace === undefined ? this.sql.allSeries.all() : this.sql.seriesOf.all(namespace)) as SeriesRow[];
    return rows.map((r) => ({
      metric: { namespace: r.namespace, name: r.name, dimensions: JSON.parse(r.dimensions) as Dimension[] },
      unit: r.unit,
      lastSeen: r.last_seen,
    }));
  }

  async read(metric: MetricId, resolution: Resolution, from: number, to: number): Promise<UnitBuckets[]> {
    const rows = this.sql.buckets.all(seriesKey(metric), resolution, from, to) as BucketRow[];
    const byUnit = new Map<string, { t: number; values: { sampleCount: number; sum: number; minimum: number; maximum: number } }[]>();
    for (const r of rows) {
      let list = byUnit.get(r.unit);
      if (!list) byUnit.set(r.unit, (list = []));
      list.push({ t: r.t, values: { sampleCount: r.count, sum: r.sum, minimum: r.min, maximum: r.max } });
    }
    return [...byUnit.entries()].map(([unit, buckets]) => ({ unit, buckets }));
  }

  async prune(now: number): Promise<number> {
    let dropped = 0;
    this.db.transaction(() => {
      for (const r of RESOLUTIONS) {
        dropped += this.sql.pruneBuckets.run(r, now - RETENTION_MS[r]).changes;
      }
      const gone = this.sql.pruneSeries.run().changes;
      if (gone > 0) this.seriesIds.clear();
    })();
    return dropped;
  }

  close(): void {
    this.db.close();
  }
}
