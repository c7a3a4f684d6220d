/**
 * The agent protocol over HTTP: `/berth/agent/v1/{register,heartbeat,tasks,task-state,tasks/secrets,tasks/stats,logs/batch}` take and
 * give JSON (POST); `GET /berth/agent/v1/logs` streams a container's log as text. Errors are
 * `{code, message}` with the status of the AwsError behind them. Kept under /berth/ so they never
 * meet AWS's `POST /`. Under `--auth sigv4` every route wants a SigV4 signature by a key the API
 * accepts, as AWS's own endpoint does: agents sign with theirs, the CLI with its AWS credentials.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AwsError } from '../../domain/aws-error.js';
import { AGENT_PROTOCOL_PREFIX as P, parseLogsQuery } from '../../protocols/agent/index.js';
import type { AgentService } from './agent-service.js';
import { requireSignedJson, sendProtocolError as sendError, type BerthRouteAuth } from '../api/signed-json-routes.js';
import { systemClock, type Clock } from '../../platform/clock.js';

export interface AgentRoutesDeps {
  service: AgentService;
  auth?: BerthRouteAuth;
  clock?: Clock;
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
  requireSignedJson(app, auth, deps.clock ?? systemClock, sendError);
  type Body<M extends 'register' | 'heartbeat' | 'watchTasks' | 'submitTaskState' | 'taskSecrets' | 'shipLogs' | 'reportTaskStats'> = Parameters<
    AgentService[M]
  >[0];
  // The JSON body is taken as the protocol's request type (src/protocols/agent/); no schema checks it here.
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
  post('tasks/stats', (b: Body<'reportTaskStats'>) => service.reportTaskStats(b));

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
