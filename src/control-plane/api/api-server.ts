/**
 * The AWS front door: one `POST /` that tells ECS (JSON 1.1, by X-Amz-Target) from ELBv2 and EC2
 * (form bodies, by Version), checks SigV4 when asked, decodes and validates against the model,
 * calls the handler and writes the answer in that protocol. Every answer, success or error, carries
 * `x-amzn-RequestId`. Its parsers and error handler live in an encapsulated plugin, so routes others
 * add (console `GET /`, `/berth/...`) keep fastify's defaults.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { AwsError } from '../../domain/aws-error.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { silentLogger, type Logger } from '../../platform/logger.js';
import { systemRandom, type Random } from '../../platform/random.js';
import { parseForm } from './form-tree.js';
import { decodeJsonInput, encodeJsonOutput } from './json-codec.js';
import { loadModel, type ServiceModel } from './model.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext, type ServiceHandlers } from './operation.js';
import { decodeQueryInput } from './query-decoder.js';
import { authError, regionOf, verifySigV4 } from './sigv4.js';
import { errorResponse, type WireProtocol, type WireResponse } from './wire-error.js';
import { encodeEc2Response, encodeQueryResponse } from './xml-encoder.js';

export interface ApiServerOptions {
  handlers: { ecs: ServiceHandlers; elbv2: ServiceHandlers; ec2: ServiceHandlers };
  auth?: { mode: 'none' } | { mode: 'sigv4'; credentials: ReadonlyMap<string, string> };
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  /** Bytes; default 10 MiB. */
  bodyLimit?: number;
  /** Extra routes (console, `/berth/...`), registered before the server is made ready. */
  plugins?: readonly FastifyPluginAsync[];
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

type Service = 'ecs' | 'elbv2' | 'ec2';

interface Call {
  readonly service: Service;
  readonly protocol: WireProtocol;
  readonly model: ServiceModel;
  readonly operation: string;
  /** Decodes and validates the body into the handler's input. */
  readonly decode: () => Record<string, unknown>;
}

const PROTOCOL: Record<Service, WireProtocol> = { ecs: 'json', elbv2: 'query', ec2: 'ec2' };

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Which service and operation a request is for; throws the AWS error for a missing/unknown one. */
export function identify(target: string | undefined, body: Buffer): Call {
  if (target !== undefined) {
    const model = loadModel('ecs');
    const dot = target.lastIndexOf('.');
    const operation = target.slice(dot + 1);
    const op = model.operations.get(operation);
    if (dot < 0 || target.slice(0, dot) !== model.metadata.targetPrefix || !op) {
      throw new AwsError('UnknownOperationException', `Operation ${target} is not supported by this service.`);
    }
    return { service: 'ecs', protocol: 'json', model, operation, decode: () => decodeJsonInput(model, op, body) };
  }
  const form = parseForm(body.toString('utf8'));
  const version = form.get('Version');
  const action = form.get('Action');
  const elbv2 = loadModel('elbv2');
  const ec2 = loadModel('ec2');
  const service: Service =
    version === ec2.metadata.apiVersion || (version === undefined && action !== undefined && ec2.operations.has(action) && !elbv2.operations.has(action))
      ? 'ec2'
      : 'elbv2';
  const model = service === 'ec2' ? ec2 : elbv2;
  if (!action) throw new AwsError('MissingAction', 'Missing Action');
  const op = model.operations.get(action);
  if (!op) throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
  const dialect = service === 'ec2' ? 'ec2' : 'query';
  return { service, protocol: PROTOCOL[service], model, operation: action, decode: () => decodeQueryInput(model, dialect, op, form) };
}

function protocolGuess(req: FastifyRequest, body?: Buffer): WireProtocol {
  if (header(req, 'x-amz-target') !== undefined) return 'json';
  return body && /(^|&)Version=2016-11-15(&|$)/.test(body.toString('latin1')) ? 'ec2' : 'query';
}

function send(reply: FastifyReply, res: WireResponse): FastifyReply {
  return reply.code(res.status).headers(res.headers).send(res.body);
}

export async function createApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const auth = options.auth ?? { mode: 'none' };
  const requestIds = new WeakMap<FastifyRequest, string>();
  const idOf = (req: FastifyRequest): string => {
    let id = requestIds.get(req);
    if (!id) requestIds.set(req, (id = random.uuid()));
    return id;
  };
  // Load the models up front: the first request should not pay for parsing 1 MB of JSON.
  for (const s of ['ecs', 'elbv2', 'ec2'] as const) loadModel(s);

  const app = Fastify({ logger: false, bodyLimit });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

    scope.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
      const requestId = idOf(req);
      const status = error.statusCode ?? 500;
      const protocol = protocolGuess(req);
      let err: unknown = error;
      if (status === 413) err = new AwsError('RequestEntityTooLarge', `Request body exceeds the limit of ${bodyLimit} bytes`, 413);
      else if (status >= 400 && status < 500) {
        err = new AwsError(protocol === 'json' ? 'SerializationException' : 'MalformedInput', error.message, status);
      }
      return send(reply.header('x-amzn-RequestId', requestId), errorResponse(protocol, err, { requestId, logger }));
    });

    scope.post('/', { bodyLimit }, async (req, reply) => {
      const requestId = idOf(req);
      const now = clock.now();
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      reply.header('x-amzn-RequestId', requestId);
      let protocol = protocolGuess(req, body);
      try {
        if (auth.mode === 'sigv4') {
          const verdict = verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, auth.credentials, now);
          if (!verdict.ok) throw authError(protocol, verdict.failure, verdict.message);
        }
        const call = identify(header(req, 'x-amz-target'), body);
        protocol = call.protocol;
        // Validation is the model's business, so a bad request is reported even for an unimplemented operation.
        const input = call.decode();
        const handler = options.handlers[call.service][call.operation];
        if (!handler) {
          throw call.protocol === 'json'
            ? new AwsError('UnknownOperationException', `Operation ${call.operation} is not implemented.`)
            : new AwsError('InvalidAction', `The action ${call.operation} is not implemented.`);
        }
        const ctx: RequestContext = {
          requestId, now, accountId: ACCOUNT_ID, sourceIp: req.ip,
          region: regionOf(req.headers) ?? DEFAULT_REGION,
        };
        const output = await handler(input, ctx);
        const op = call.model.operations.get(call.operation)!;
        switch (call.protocol) {
          case 'json':
            return reply.code(200).header('content-type', 'application/x-amz-json-1.1').send(encodeJsonOutput(call.model, op, output));
          case 'query':
            return reply.code(200).header('content-type', 'text/xml').send(encodeQueryResponse(call.model, op, output, requestId));
          case 'ec2':
            return reply.code(200).header('content-type', 'text/xml;charset=UTF-8').send(encodeEc2Response(call.model, op, output, requestId));
        }
      } catch (error) {
        return send(reply, errorResponse(protocol, error, { requestId, logger }));
      }
    });
  });

  for (const plugin of options.plugins ?? []) await app.register(plugin);

  app.setNotFoundHandler((req, reply) => {
    const requestId = idOf(req);
    reply
      .code(404)
      .header('x-amzn-RequestId', requestId)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ __type: 'NotFound', message: `No route for ${req.method} ${req.url.split('?')[0]}` }));
  });

  await app.ready();
  return app;
}
