/**
 * `GET /health`: whether this Berth can do its work, for operators, `berth status` and probes.
 * 200 `{"status":"ok",...}` while the store takes writes; 503 `{"status":"unavailable",...}` with
 * the store's fault (disk full, database locked, I/O error) while writes fail. Unauthenticated on
 * purpose, like an ALB health check: it carries no state beyond that one verdict and the fd limit.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { StoreHealth } from '../../store/store.js';

export const HEALTH_PATH = '/health';

export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly store: StoreHealth;
  /** The open-files limit the process runs with. */
  readonly fdLimit?: { readonly soft: number; readonly hard: number };
}

export interface HealthSources {
  readonly store: () => StoreHealth;
  readonly fdLimit?: { readonly soft: number; readonly hard: number };
}

/** Pure: the sources' answers → the report. */
export function healthReport(sources: HealthSources): HealthReport {
  const store = sources.store();
  return { status: store.ok ? 'ok' : 'unavailable', store, ...(sources.fdLimit ? { fdLimit: sources.fdLimit } : {}) };
}

export function healthRoute(sources: HealthSources): FastifyPluginAsync {
  return async (app) => {
    app.get(HEALTH_PATH, async (_req, reply) => {
      const report = healthReport(sources);
      return reply
        .code(report.status === 'ok' ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(report);
    });
  };
}
