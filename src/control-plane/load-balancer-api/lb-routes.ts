/**
 * The load-balancer node protocol over HTTP, for `berth lb --server URL[,URL...]`:
 *
 *   GET  /berth/lb/v1/routing?after=REV&timeoutMs=MS  RoutingSnapshot: at once without `after` or when
 *                                                     the records changed after REV, else on the next
 *                                                     change or after timeoutMs (default 20 s, max 60 s)
 *   POST /berth/lb/v1/heartbeat       {nodeId, advertiseAddress, version}
 *   POST /berth/lb/v1/target-health   {nodeId, target: {targetGroupArn, id, port}, health: {state, reason?, description?}}
 *   POST /berth/lb/v1/drained         {nodeId, target, at}
 *   POST /berth/lb/v1/metrics         {nodeId, samples}
 *
 * Errors are `{code, message}` with the AwsError's status, as on the agent routes; under
 * `--auth sigv4` every route wants a SigV4 signature (service `berth`) by a key the API accepts.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AwsError } from '../../domain/aws-error.js';
import {
  LB_PROTOCOL_PREFIX as P,
  type DrainedRequest,
  type HeartbeatRequest,
  type MetricsRequest,
  type TargetHealthRequest,
} from '../../protocols/load-balancer/index.js';
import { requireSignedJson, sendProtocolError, type BerthRouteAuth } from '../api/signed-json-routes.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import type { LbNodeService } from './lb-node-service.js';

export interface LbRoutesDeps {
  readonly service: LbNodeService;
  readonly auth?: BerthRouteAuth;
  readonly clock?: Clock;
}

function abortOnHangup(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
}

function optionalInt(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new AwsError('InvalidParameterException', `${name} must be a non-negative integer.`);
  return n;
}

export async function registerLbRoutes(app: FastifyInstance, deps: LbRoutesDeps): Promise<void> {
  const { service } = deps;
  requireSignedJson(app, deps.auth, deps.clock ?? systemClock, sendProtocolError);

  app.get(`${P}/routing`, async (req, reply) => {
    try {
      const q = new URL(req.url, 'http://berth').searchParams;
      const snapshot = await service.routing(optionalInt(q, 'after'), optionalInt(q, 'timeoutMs'), abortOnHangup(reply));
      return reply.code(200).send(snapshot);
    } catch (err) {
      return sendProtocolError(reply, err);
    }
  });

  const post = <T>(path: string, handle: (body: T) => Promise<void>) =>
    app.post(`${P}/${path}`, async (req, reply) => {
      try {
        const body = (req.body && typeof req.body === 'object' ? req.body : {}) as T;
        await handle(body);
        return reply.code(200).send({});
      } catch (err) {
        return sendProtocolError(reply, err);
      }
    });
  post<HeartbeatRequest>('heartbeat', (b) => service.heartbeat(b));
  post<TargetHealthRequest>('target-health', (b) => service.reportTargetHealth(b));
  post<DrainedRequest>('drained', (b) => service.reportDrained(b));
  post<MetricsRequest>('metrics', (b) => service.reportMetrics(b));
}
