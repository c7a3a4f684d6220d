/**
 * Berth's own protocols (agent, load-balancer node) under `--auth sigv4`: every route in the plugin
 * this is applied to wants a SigV4 signature (service `berth`) by a key the API accepts. The
 * signature covers the body's bytes, so JSON is parsed here with the raw bytes kept beside it.
 * Applied inside an encapsulated plugin, it changes nothing for the AWS front door.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AwsError } from '../../domain/aws-error.js';
import { BERTH_SIGNING_SERVICE } from '../../protocols/signing.js';
import { authError, verifySigV4 } from './sigv4.js';
import type { Clock } from '../../platform/clock.js';
import { ControlPlaneError, type ProtocolErrorBody } from '../../protocols/agent/index.js';

export type BerthRouteAuth = { mode: 'none' } | { mode: 'sigv4'; credentials: ReadonlyMap<string, string> };

export function requireSignedJson(
  app: FastifyInstance,
  auth: BerthRouteAuth | undefined,
  clock: Clock,
  refuse: (reply: FastifyReply, err: AwsError) => FastifyReply,
): void {
  if (auth?.mode !== 'sigv4') return;
  const raw = new WeakMap<object, Buffer>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    raw.set(req, body as Buffer);
    try {
      done(null, (body as Buffer).length === 0 ? {} : JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new AwsError('SerializationException', 'The request body is not valid JSON.'), undefined);
    }
  });
  app.addHook('preHandler', async (req, reply) => {
    const signed = { method: req.method, url: req.url, headers: req.headers, body: raw.get(req) ?? Buffer.alloc(0) };
    const verdict = verifySigV4(signed, auth.credentials, clock.now(), BERTH_SIGNING_SERVICE);
    if (!verdict.ok) return refuse(reply, authError('json', verdict.failure, verdict.message));
  });
}

/** `{code, message}` with the status of the AwsError (or ControlPlaneError) behind it; anything else is a 500. */
export function sendProtocolError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof AwsError || err instanceof ControlPlaneError) {
    const body: ProtocolErrorBody = { code: err.code, message: err.message };
    return reply.code(err.status).send(body);
  }
  return reply.code(500).send({ code: 'ServerException', message: 'internal error' } satisfies ProtocolErrorBody);
}
