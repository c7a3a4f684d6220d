/**
 * The web console's server half, a fastify plugin the API server mounts beside `POST /`:
 *   /berth/console/v1/*   JSON reads and form writes over the existing ECS/ELBv2 handlers, SSE at /events
 *   GET|HEAD /, /assets/*, client routes   the built console from `webRoot`
 * Registered encapsulated, so its error handler and body parser never touch the AWS front door.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AwsError } from '../../domain/aws-error.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { silentLogger, type Logger } from '../../platform/logger.js';
import { systemRandom, type Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext } from '../api/operation.js';
import { verifySigV4 } from '../api/sigv4.js';
import { caller, consoleReads, type ConsoleHandlers } from './console-reads.js';
import { consoleWrites } from './console-writes.js';
import { consoleCertificates } from './console-certificates.js';
import { consoleMetrics } from './console-metrics.js';
import { clearedSessionCookie, ConsoleSessions, cookieValue, SESSION_COOKIE, sessionCookie, type ConsoleAuth } from './console-session.js';
import { EventStream } from './event-stream.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { staticFile } from './static-files.js';
import { trafficSample, type TrafficStatsSource } from './traffic-stats.js';
import type { LogSource } from '../agent-api/agent-service.js';
import { keys } from '../../domain/keys.js';
import type { SystemReport } from '../servers/system-report.js';

export interface ConsoleDeps {
  readonly store: Store;
  readonly handlers: ConsoleHandlers;
  readonly trafficStats?: TrafficStatsSource;
  /** The folder vite built the console into (holds index.html); without one, `/` explains how to build it. */
  readonly webRoot?: string;
  /** Pass the API's own auth: under sigv4 the console wants the same keys. */
  readonly auth?: ConsoleAuth;
  /** The account in every ARN (`--account-id`); default 000000000000. */
  readonly accountId?: string;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly logger?: Logger;
  /** How fast sign-in may be tried; default: 5 at once per client then 1 per 3 s, 20 then 1/s overall. */
  readonly signInThrottle?: SignInThrottle;
  /** SSE timings, shorter in tests. */
  readonly heartbeatMs?: number;
  readonly sampleMs?: number;
  /** A container's log lines: the log store for awslogs containers, the host's runtime log for others (what `berth logs` reads). */
  readonly logs?: LogSource;
  /** The control plane's own state (servers, leader, store members, agents): the System page and `berth status`. */
  readonly system?: () => Promise<SystemReport>;
}

export const CONSOLE_PREFIX = '/berth/console/v1';

/** Reads and the session probe that need no sign-in. */
const OPEN = new Set([`${CONSOLE_PREFIX}/session`, `${CONSOLE_PREFIX}/login`, `${CONSOLE_PREFIX}/logout`]);

export function consolePlugin(deps: ConsoleDeps): FastifyPluginAsync {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? systemRandom;
  const logger = deps.logger ?? silentLogger;
  const auth = deps.auth ?? { mode: 'none' };
  const sessions = auth.mode === 'sigv4' ? new ConsoleSessions(auth.credentials, random) : undefined;
  const throttle = deps.signInThrottle ?? new SignInThrottle(undefined, undefined, clock.now());
  const rawBodies = new WeakMap<FastifyRequest, Buffer>();

  const ctxOf = (req: FastifyRequest): RequestContext => ({
    requestId: random.uuid(),
    region: DEFAULT_REGION,
    accountId: deps.accountId ?? ACCOUNT_ID,
    now: clock.now(),
    sourceIp: req.ip,
  });
  const forRequest = (req: FastifyRequest) => {
    const call = caller(deps.handlers, () => ctxOf(req));
    return {
      reads: consoleReads(call, deps.trafficStats),
      writes: consoleWrites(call),
      certificates: consoleCertificates(call, () => clock.now()),
      metrics: consoleMetrics(call, () => clock.now()),
    };
  };

  /** Who is asking, under sigv4: a session cookie or a SigV4-signed request. */
  const principal = (req: FastifyRequest): string | undefined => {
    if (auth.mode !== 'sigv4') return 'anonymous';
    const fromCookie = sessions!.check(cookieValue(req.headers.cookie, SESSION_COOKIE), clock.now());
    if (fromCookie) return fromCookie;
    if (!req.headers.authorization) return undefined;
    const verdict = verifySigV4(
      { method: req.method, url: req.url, headers: req.headers, body: rawBodies.get(req) ?? Buffer.alloc(0) },
      auth.credentials,
      clock.now(),
    );
    return verdict.ok ? verdict.scope.accessKeyId : undefined;
  };

  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      const raw = body as Buffer;
      rawBodies.set(req, raw);
      try {
        done(null, raw.length === 0 ? {} : JSON.parse(raw.toString('utf8')));
      } catch {
        done(new AwsError('ValidationError', 'The request body is not valid JSON.'), undefined);
      }
    });

    app.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
      if (error instanceof AwsError) return reply.code(error.status).send({ code: error.code, message: error.message });
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) return reply.code(status).send({ code: 'ValidationError', message: error.message });
      logger.error({ err: error, url: req.url }, 'console request failed');
      return reply.code(500).send({ code: 'InternalError', message: 'The console request failed on the server; see the server log.' });
    });

    app.addHook('onRequest', async (req, reply) => {
      const path = req.url.split('?')[0]!;
      if (!path.startsWith(`${CONSOLE_PREFIX}/`) || OPEN.has(path)) return;
      // Writes must be JSON: a cross-site HTML form cannot send that without a CORS preflight we never grant.
      if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return reply.code(415).send({ code: 'UnsupportedMediaType', message: 'Console writes take application/json.' });
      }
    });
    app.addHook('preHandler', async (req, reply) => {
      const path = req.url.split('?')[0]!;
      if (!path.startsWith(`${CONSOLE_PREFIX}/`) || OPEN.has(path)) return;
      if (!principal(req)) {
        return reply.code(401).send({ code: 'NotSignedIn', message: 'Sign in with an access key id and secret access key the API accepts.' });
      }
    });

    // --- session -------------------------------------------------------------------------------
    app.get(`${CONSOLE_PREFIX}/session`, async (req) => ({
      authRequired: auth.mode === 'sigv4',
      signedIn: principal(req) !== undefined,
    }));
    app.post(`${CONSOLE_PREFIX}/login`, async (req, reply) => {
      if (!sessions) return { signedIn: true };
      // Before the key is looked at: a refused attempt must not tell whether the key was right.
      const verdict = throttle.attempt(req.ip, clock.now());
      if (!verdict.ok) {
        const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        reply.header('retry-after', String(seconds));
        throw new AwsError('ThrottlingException', `Too many sign-in attempts; try again in ${seconds} s.`, 429);
      }
      const body = (req.body ?? {}) as { accessKeyId?: unknown; secretAccessKey?: unknown };
      const token =
        typeof body.accessKeyId === 'string' && typeof body.secretAccessKey === 'string'
          ? sessions.signIn(body.accessKeyId, body.secretAccessKey, clock.now())
          : undefined;
      if (!token) throw new AwsError('UnrecognizedClientException', 'The access key id or secret access key is not one this server accepts.', 403);
      reply.header('set-cookie', sessionCookie(token, req.protocol === 'https'));
      return { signedIn: true };
    });
    app.post(`${CONSOLE_PREFIX}/logout`, async (req, reply) => {
      sessions?.signOut(cookieValue(req.headers.cookie, SESSION_COOKIE));
      reply.header('set-cookie', clearedSessionCookie());
      return { signedIn: false };
    });

    // --- reads ---------------------------------------------------------------------------------
    type P = { cluster: string; service: string; td: string };
    app.get(`${CONSOLE_PREFIX}/clusters`, (req) => forRequest(req).reads.clusters());
    app.get<{ Params: P }>(`${CONSOLE_PREFIX}/clusters/:cluster/services`, (req) => forRequest(req).reads.services(req.params.cluster));
    app.get<{ Params: P }>(`${CONSOLE_PREFIX}/clusters/:cluster/services/:service`, async (req) => {
      const found = await forRequest(req).reads.service(req.params.cluster, req.params.service);
      if (!found) throw new AwsError('ServiceNotFoundException', `Service ${req.params.service} was not found in cluster ${req.params.cluster}.`, 404);
      return found;
    });
    app.get<{ Params: P }>(`${CONSOLE_PREFIX}/clusters/:cluster/tasks`, (req) => forRequest(req).reads.tasks(req.params.cluster));
    app.get<{ Params: P }>(`${CONSOLE_PREFIX}/clusters/:cluster/container-instances`, (req) => forRequest(req).reads.containerInstances(req.params.cluster));
    // The task page's logs: the same source as `berth logs`; the last `tail` lines (default 200, at most 10,000).
    app.get<{ Params: { cluster: string; task: string }; Querystring: { container?: string; tail?: string } }>(
      `${CONSOLE_PREFIX}/clusters/:cluster/tasks/:task/logs`,
      async (req) => {
        if (!deps.logs) throw new AwsError('ServerException', 'This server serves no container logs.', 501);
        const container = req.query.container;
        if (!container) throw new AwsError('ValidationError', 'container is required.');
        const tail = req.query.tail === undefined ? 200 : Number(req.query.tail);
        if (!Number.isInteger(tail) || tail < 0 || tail > 10_000) throw new AwsError('ValidationError', 'tail must be an integer from 0 to 10000.');
        // The page names the task by id; agents find containers by the full ARN they carry as a label.
        const rec = await deps.store.get<{ taskArn: string }>(keys.task(req.params.cluster, req.params.task));
        if (!rec) throw new AwsError('InvalidParameterException', `Task ${req.params.task} was not found in cluster ${req.params.cluster}.`, 404);
        const ac = new AbortController();
        try {
          const lines = [];
          for await (const l of await deps.logs({ cluster: req.params.cluster, taskArn: rec.value.taskArn, containerName: container, tail }, ac.signal))
            lines.push(l);
          return { lines };
        } catch (err) {
          // The agent's words (no such container on its host, agent unreachable), with their status.
          const e = err as { code?: unknown; status?: unknown; message?: unknown };
          if (!(err instanceof AwsError) && typeof e.code === 'string' && typeof e.status === 'number') throw new AwsError(e.code, String(e.message), e.status);
          throw err;
        } finally {
          ac.abort();
        }
      },
    );
    app.get(`${CONSOLE_PREFIX}/task-definitions`, (req) => forRequest(req).reads.taskDefinitions());
    app.get<{ Params: P }>(`${CONSOLE_PREFIX}/task-definitions/:td`, (req) => forRequest(req).reads.taskDefinition(req.params.td));
    app.get(`${CONSOLE_PREFIX}/load-balancers`, (req) => forRequest(req).reads.loadBalancers());
    app.get(`${CONSOLE_PREFIX}/target-groups`, (req) => forRequest(req).reads.targetGroups());
    app.get(`${CONSOLE_PREFIX}/system`, async (_req, reply) => (deps.system ? deps.system() : reply.code(404).send({ message: 'no system report here' })));
    app.get(`${CONSOLE_PREFIX}/certificates`, (req) => forRequest(req).certificates.list());
    app.get(`${CONSOLE_PREFIX}/ssl-policies`, (req) => forRequest(req).certificates.sslPolicies());
    app.get<{ Querystring: { targetGroupArn?: string; loadBalancerArn?: string } }>(`${CONSOLE_PREFIX}/metrics/target-group`, async (req, reply) => {
      const { targetGroupArn, loadBalancerArn } = req.query;
      if (!deps.handlers.cloudwatch) return reply.code(404).send({ code: 'NotFound', message: 'this server keeps no CloudWatch metrics' });
      if (!targetGroupArn || !loadBalancerArn)
        return reply.code(400).send({ code: 'ValidationError', message: 'targetGroupArn and loadBalancerArn are required' });
      return forRequest(req).metrics.targetGroup(targetGroupArn, loadBalancerArn);
    });
    app.get<{ Querystring: { cluster?: string; service?: string } }>(`${CONSOLE_PREFIX}/metrics/service`, async (req, reply) => {
      const { cluster, service } = req.query;
      if (!deps.handlers.cloudwatch) return reply.code(404).send({ code: 'NotFound', message: 'this server keeps no CloudWatch metrics' });
      if (!cluster || !service) return reply.code(400).send({ code: 'ValidationError', message: 'cluster and service are required' });
      return forRequest(req).metrics.service(cluster, service);
    });
    app.get(`${CONSOLE_PREFIX}/traffic`, async () => (deps.trafficStats ? trafficSample(deps.trafficStats) : {}));

    // --- writes --------------------------------------------------------------------------------
    app.post(`${CONSOLE_PREFIX}/load-balancers`, (req) => forRequest(req).writes.createLoadBalancer(req.body));
    app.post(`${CONSOLE_PREFIX}/certificates/import`, (req) => forRequest(req).certificates.import(req.body));
    app.post(`${CONSOLE_PREFIX}/certificates/request`, (req) => forRequest(req).certificates.request(req.body));
    app.post(`${CONSOLE_PREFIX}/target-groups`, (req) => forRequest(req).writes.createTargetGroup(req.body));
    app.post(`${CONSOLE_PREFIX}/task-definitions`, (req) => forRequest(req).writes.registerTaskDefinition(req.body));
    app.post(`${CONSOLE_PREFIX}/services`, (req) => forRequest(req).writes.createService(req.body));
    app.post(`${CONSOLE_PREFIX}/services/update`, (req) => forRequest(req).writes.updateService(req.body));

    // --- live ----------------------------------------------------------------------------------
    app.get(`${CONSOLE_PREFIX}/events`, async (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const stream = new EventStream({
        store: deps.store,
        trafficStats: deps.trafficStats,
        write: (chunk) => {
          if (!res.destroyed) res.write(chunk);
        },
        heartbeatMs: deps.heartbeatMs,
        sampleMs: deps.sampleMs,
        onError: (err) => {
          logger.warn({ err }, 'console event stream ended');
          res.end();
        },
      });
      req.raw.on('close', () => stream.close());
      res.on('close', () => stream.close());
      await stream.open();
      if (res.destroyed) stream.close();
    });

    // --- the built console ---------------------------------------------------------------------
    const serve = async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0]!;
      if (path.startsWith('/berth/')) return reply.callNotFound();
      if (!deps.webRoot) {
        return reply.code(503).type('text/plain; charset=utf-8').send('The Berth console is not built. Run `npx vite build` (output: dist/web) and restart.\n');
      }
      const file = await staticFile(deps.webRoot, req.url);
      if (!file) return reply.callNotFound();
      return reply.type(file.contentType).header('cache-control', file.cacheControl).header('x-content-type-options', 'nosniff').send(file.body);
    };
    app.get('/', serve);
    app.get('/*', serve);
  };
}
