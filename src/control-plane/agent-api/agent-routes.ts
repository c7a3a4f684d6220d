/**
 * The agent protocol over HTTP: `/berth/agent/v1/{register,heartbeat,tasks,task-state,tasks/secrets,logs/batch}` take and
 * give JSON (POST); `GET /berth/agent/v1/logs` streams a container's log as text. Errors are
 * `{code, message}` with the status of the AwsError behind them. Kept under /berth/ so they never
 * meet AWS's `POST /`. Under `--auth sigv4` every route wants a SigV4 signature by a key the API
 * accepts, as AWS's own endpoint does: agents sign with theirs, the CLI with its AWS credentials.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AwsError } from '../../domain/aws-error.js';
import { AGENT_PROTOCOL_PREFIX as P, AGENT_SIGNING_SERVICE, ControlPlaneError, parseLogsQuery, type ProtocolErrorBody } from './agent-protocol.js';
import type { AgentService } from './agent-service.js';
import { authError, verifySigV4 } from '../api/sigv4.js';
import { systemClock, type Clock } from '../../platform/clock.js';

export interface AgentRoutesDeps {
  service: AgentService;
  auth?: { mode: 'none' } | { mode: 'sigv4'; credentials: ReadonlyMap<string, string> };
  clock?: Clock;
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof AwsError || err instanceof ControlPlaneError) {
    const body: ProtocolErrorBody = { code: err.code, message: err.message };
    return reply.code(err.status).send(body);
  }
  return reply.code(500).send({ code: 'ServerException', message: 'internal error' } satisfies ProtocolErrorBody);
}

/** An AbortSignal that fires when the caller goes away before we answered. */
function abortOnHangup(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
}

export async function registerAgentRoutes(app: FastifyInstance, deps: AgentRoutesDeps): Promise<void> {
  const { service } = deps;
  const auth = deps.auth;
  if (auth?.mode === 'sigv4') {
    const clock = deps.clock ?? systemClock;
    // The signature covers the body's bytes: keep them beside the parsed JSON.
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
      const verdict = verifySigV4({ method: req.method, url: req.url, headers: req.headers, body: raw.get(req) ?? Buffer.alloc(0) }, auth.credentials, clock.now(), AGENT_SIGNING_SERVICE);
      if (!verdict.ok) return sendError(reply, authError('json', verdict.failure, verdict.message));
    });
  }
  type Body<M extends 'register' | 'heartbeat' | 'watchTasks' | 'submitTaskState' | 'taskSecrets' | 'shipLogs'> = Parameters<AgentService[M]>[0];
  // The JSON body is taken as the protocol's request type (agent-protocol.ts); no schema checks it here.
  const post = <B>(path: string, handle: (body: B, signal: AbortSignal) => Promise<unknown>) =>
    app.post(`${P}/${path}`, async (req, reply) => {
      try {
        const body = (req.body && typeof req.body === 'object' ? req.body : {}) as B;
        const out = await handle(body, abortOnHangup(reply));
        return reply.code(200).send(out ?? {});
      } catch (err) {
        return sendError(reply, err);
      }
    });

  post('register', (b: Body<'register'>) => service.register(b));
  post('heartbeat', (b: Body<'heartbeat'>) => service.heartbeat(b));
  post('tasks', (b: Body<'watchTasks'>, signal) => service.watchTasks(b, signal));
  post('task-state', (b: Body<'submitTaskState'>) => service.submitTaskState(b));
  post('tasks/secrets', (b: Body<'taskSecrets'>) => service.taskSecrets(b));
  post('logs/batch', (b: Body<'shipLogs'>) => service.shipLogs(b));

  app.get(`${P}/logs`, async (req, reply) => {
    try {
      const logReq = parseLogsQuery(new URL(req.url, 'http://berth').searchParams);
      if (!logReq) throw new AwsError('InvalidParameterException', 'task and container are required.');
      const lines = await service.logs(logReq, abortOnHangup(reply));
      async function* text() {
        for await (const l of lines) yield `${l.line}\n`;
      }
      return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(Readable.from(text()));
    } catch (err) {
      return sendError(reply, err);
    }
  });
}
