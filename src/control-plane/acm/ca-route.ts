/**
 * `GET /berth/ca.pem`: Berth's CA certificate, for `berth ca`, `curl --cacert` and browsers' trust
 * stores. Unauthenticated on purpose: a CA certificate is public (its key never leaves the data dir).
 */
import type { FastifyPluginAsync } from 'fastify';

export const CA_PATH = '/berth/ca.pem';

export function caRoute(certificatePem: string): FastifyPluginAsync {
  return async (app) => {
    app.get(CA_PATH, async (_req, reply) => reply.header('content-type', 'application/x-pem-file').header('cache-control', 'no-store').send(certificatePem));
  };
}
