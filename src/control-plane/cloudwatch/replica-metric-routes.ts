/**
 * The internal routes a `berth server` replica answers its peers' metric reads on, from its own
 * (local) metric store, for ReplicaMetricStore on the other side:
 *
 *   POST /berth/replica/v1/metrics/series  {namespace?}                      → {series: SeriesInfo[]}
 *   POST /berth/replica/v1/metrics/read    {metric, resolution, from, to}    → {units: UnitBuckets[]}
 *
 * Every call is signed with the cluster's replica key (replica-key.ts), whatever `--auth` says: the
 * routes are for replicas only, never for users. Errors are `{code, message}`: 403 for a call not
 * signed by this cluster, 421 for one meant for another replica, 400 for a body of the wrong shape.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { MetricId } from '../../domain/cloudwatch/metric-series.js';
import type { Resolution } from '../../domain/cloudwatch/retention.js';
import type { Clock } from '../../platform/clock.js';
import type { MetricStore, SeriesInfo, UnitBuckets } from './metric-store.js';
import { verifyReplicaCall } from './replica-key.js';

export const REPLICA_METRICS_PREFIX = '/berth/replica/v1/metrics';
export const REPLICA_SERIES_PATH = `${REPLICA_METRICS_PREFIX}/series`;
export const REPLICA_READ_PATH = `${REPLICA_METRICS_PREFIX}/read`;

export interface SeriesCall {
  readonly namespace?: string;
}
export interface SeriesAnswer {
  readonly series: SeriesInfo[];
}
export interface ReadCall {
  readonly metric: MetricId;
  readonly resolution: Resolution;
  readonly from: number;
  readonly to: number;
}
export interface ReadAnswer {
  readonly units: UnitBuckets[];
}

export interface ReplicaMetricRoutesDeps {
  /** This replica's own store: what the samples sent here made (never the fan-out, or reads would loop). */
  readonly local: MetricStore;
  readonly key: Buffer;
  /** This replica's server id, as the registry publishes it. */
  readonly self: string;
  readonly clock: Clock;
}

class BadCall extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function metricOf(v: unknown): MetricId {
  if (!isObject(v) || typeof v.namespace !== 'string' || typeof v.name !== 'string' || !Array.isArray(v.dimensions)) {
    throw new BadCall('metric must be {namespace, name, dimensions}');
  }
  const dimensions = v.dimensions.map((d: unknown) => {
    if (!isObject(d) || typeof d.Name !== 'string' || typeof d.Value !== 'string') throw new BadCall('each dimension must be {Name, Value}');
    return { Name: d.Name, Value: d.Value };
  });
  return { namespace: v.namespace, name: v.name, dimensions };
}

function readCallOf(v: unknown): ReadCall {
  if (!isObject(v)) throw new BadCall('the body must be a JSON object');
  const { resolution, from, to } = v;
  if (resolution !== 60 && resolution !== 300) throw new BadCall('resolution must be 60 or 300');
  if (typeof from !== 'number' || typeof to !== 'number' || !Number.isFinite(from) || !Number.isFinite(to)) throw new BadCall('from and to must be epoch ms');
  return { metric: metricOf(v.metric), resolution, from, to };
}

function seriesCallOf(v: unknown): SeriesCall {
  if (!isObject(v)) throw new BadCall('the body must be a JSON object');
  if (v.namespace !== undefined && typeof v.namespace !== 'string') throw new BadCall('namespace must be a string');
  return v.namespace === undefined ? {} : { namespace: v.namespace };
}

export function replicaMetricRoutes(deps: ReplicaMetricRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    // The signature covers the body's bytes: keep them, parse here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const route = <T>(path: string, parse: (v: unknown) => T, answer: (call: T) => Promise<unknown>) =>
      app.post(path, async (req, reply) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const verdict = verifyReplicaCall(deps.key, deps.self, { method: req.method, path: req.url, body }, req.headers, deps.clock.now());
        if (!verdict.ok) return reply.code(verdict.status).send({ code: verdict.code, message: verdict.message });
        let call: T;
        try {
          call = parse(body.length === 0 ? {} : JSON.parse(body.toString('utf8')));
        } catch (err) {
          const message = err instanceof BadCall ? err.message : 'the body is not valid JSON';
          return reply.code(400).send({ code: 'ValidationException', message });
        }
        return reply
          .code(200)
          .header('cache-control', 'no-store')
          .send(await answer(call));
      });
    route(REPLICA_SERIES_PATH, seriesCallOf, async (c): Promise<SeriesAnswer> => ({ series: await deps.local.listSeries(c.namespace) }));
    route(REPLICA_READ_PATH, readCallOf, async (c): Promise<ReadAnswer> => ({ units: await deps.local.read(c.metric, c.resolution, c.from, c.to) }));
  };
}
