import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { MemoryMetricStore } from './memory-metric-store.js';
import { metricStoreConformance } from './metric-store.conformance.js';
import { SqliteMetricStore } from './sqlite-metric-store.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

metricStoreConformance('memory', async () => new MemoryMetricStore());
metricStoreConformance('sqlite', async () => new SqliteMetricStore(join(dir, `metrics-${n++}.db`)));
