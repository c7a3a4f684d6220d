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
import { CBOR_CONTENT_TYPE, decodeCborInput, encodeCborOutput, SMITHY_PROTOCOL } from './cbor-codec.js';
import { cborContentRefusal, contentTypeRefusal, hostRefusal, originRefusal } from './front-door-guard.js';
import { loadModel, packageRoot, type ServiceModel } from './model.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext, type ServiceHandlers } from './operation.js';
import { decodeQueryInput } from './query-decoder.js';
import { cborServiceFor, ec2OperationNames, formServiceFor, jsonServiceFor, SERVICE_NAMES, signingNameOf, type ServiceName } from './service-table.js';
import { authError, parseAuthorization, regionOf, verifySigV4 } from './sigv4.js';
import { errorResponse, type WireProtocol, type WireResponse } from './wire-error.js';
import { encodeEc2Response, encodeQueryResponse } from './xml-encoder.js';

export interface ApiServerOptions {
  /** Per service of the table (service-table.ts), operation name to handler. */
  handlers: Partial<Record<ServiceName, ServiceHandlers>>;
  auth?: { mode: 'none' } | { mode: 'sigv4'; credentials: ReadonlyMap<string, string> };
  /** The account in every ARN (`--account-id`); default 000000000000. */
  accountId?: string;
  /** Host names besides loopback that requests may name under `--auth none` (the configured `--host`). */
  allowedHosts?: readonly string[];
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  /** Bytes; default 10 MiB. */
  bodyLimit?: number;
  /** Extra routes (console, `/berth/...`), registered before the server is made ready. */
  plugins?: readonly FastifyPluginAsync[];
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

interface Call {
  readonly service: ServiceName;
  readonly protocol: WireProtocol;
  readonly model: ServiceModel;
  readonly operation: string;
  /** Decodes and validates the body into the handler's input. */
  readonly decode: () => Record<string, unknown>;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function allModels(): ServiceModel[] {
  return SERVICE_NAMES.map((s) => loadModel(s));
}

/** The form protocol a Query/EC2 request speaks (CloudWatch's model names CBOR first but answers Query too). */
function formProtocolOf(model: ServiceModel): WireProtocol {
  return model.speaks('ec2') ? 'ec2' : 'query';
}

/** A request routed to its service, before the operation is looked up (auth comes in between). */
interface Routed {
  readonly model: ServiceModel;
  /** Looks up the operation; throws the AWS error for a missing/unknown one. */
  readonly identify: () => Call;
}

/** Where a Smithy RPC v2 CBOR request goes: `/service/<name>/operation/<operation>`. */
export interface CborPath {
  readonly service: string;
  readonly operation: string;
}

const CBOR_PATH = /^\/service\/([^/?]+)\/operation\/([^/?]+)$/;

export function cborPathOf(url: string): CborPath | undefined {
  const m = CBOR_PATH.exec(url.split('?')[0] ?? '');
  return m ? { service: decodeURIComponent(m[1]!), operation: decodeURIComponent(m[2]!) } : undefined;
}

function routeCbor(path: CborPath, body: Buffer, models: readonly ServiceModel[]): Routed {
  const model = cborServiceFor(path.service, models);
  if (!model) throw new AwsError('UnknownOperationException', `No service ${path.service} speaks Smithy RPC v2 CBOR here.`, 404);
  return {
    model,
    identify: () => {
      const op = model.operations.get(path.operation);
      if (!op) throw new AwsError('UnknownOperationException', `Operation ${path.operation} is not supported by this service.`, 404);
      return { service: model.service, protocol: 'cbor', model, operation: path.operation, decode: () => decodeCborInput(model, op, body) };
    },
  };
}

/** Which service a request is for, from its CBOR path, X-Amz-Target (JSON) or the form's Version (Query, EC2). */
export function route(target: string | undefined, body: Buffer, cbor?: CborPath): Routed {
  const models = allModels();
  if (cbor !== undefined) return routeCbor(cbor, body, models);
  if (target !== undefined) {
    const model = jsonServiceFor(target, models) ?? loadModel('ecs');
    return {
      model,
      identify: () => {
        const dot = target.lastIndexOf('.');
        const operation = target.slice(dot + 1);
        const op = model.operations.get(operation);
        if (dot < 0 || target.slice(0, dot) !== model.metadata.targetPrefix || !op) {
          throw new AwsError('UnknownOperationException', `Operation ${target} is not supported by this service.`);
        }
        return { service: model.service, protocol: 'json', model, operation, decode: () => decodeJsonInput(model, op, body) };
      },
    };
  }
  const form = parseForm(body.toString('utf8'));
  const action = form.get('Action');
  const model = formServiceFor(form.get('Version'), action, models);
  return {
    model,
    identify: () => {
      if (!action) throw new AwsError('MissingAction', 'Missing Action');
      const op = model.operations.get(action);
      if (!op) {
        if (model.service === 'ec2' && ec2OperationNames(packageRoot()).has(action)) throw unsupported(action);
        throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
      }
      const protocol = formProtocolOf(model);
      const dialect = protocol === 'ec2' ? 'ec2' : 'query';
      return { service: model.service, protocol, model, operation: action, decode: () => decodeQueryInput(model, dialect, op, form) };
    },
  };
}

/** An EC2 action AWS has but Berth does not: the code AWS gives retired features, which tools tolerate. */
function unsupported(action: string): AwsError {
  return new AwsError(
    'UnsupportedOperation',
    `The action ${action} is not supported by Berth (it implements the EC2 VPC, subnet, security-group and instance reads).`,
  );
}

function protocolGuess(req: FastifyRequest, body?: Buffer): WireProtocol {
  if (cborPathOf(req.url) !== undefined) return 'cbor';
  if (header(req, 'x-amz-target') !== undefined) return 'json';
  return body && /(^|&)Version=2016-11-15(&|$)/.test(body.toString('latin1')) ? 'ec2' : 'query';
}

function send(reply: FastifyReply, res: WireResponse): FastifyReply {
  return reply.code(res.status).headers(res.headers).send(res.body);
}

/** The refusal of a request from another site, in the envelope of what it asked for. */
function crossSiteError(protocol: WireProtocol, message: string): AwsError {
  switch (protocol) {
    case 'json':
    case 'cbor':
      return new AwsError('AccessDeniedException', message);
    case 'query':
      return new AwsError('AccessDenied', message, 403);
    case 'ec2':
      return new AwsError('UnauthorizedOperation', message, 403);
  }
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
  const accountId = options.accountId ?? ACCOUNT_ID;
  const allowedHosts = options.allowedHosts ?? [];
  // Load the models up front: the first request should not pay for parsing 1 MB of JSON.
  allModels();

  const app = Fastify({ logger: false, bodyLimit });

  /** Why this request, made for another site, is refused (undefined: it is not). */
  const crossSite = (req: FastifyRequest): string | undefined => {
    const host = header(req, 'host');
    return (auth.mode === 'none' ? hostRefusal(host, allowedHosts) : undefined) ?? originRefusal(header(req, 'origin'), host);
  };
  const isAwsPost = (req: FastifyRequest): boolean => req.method === 'POST' && (req.url.split('?')[0] === '/' || cborPathOf(req.url) !== undefined);

  // Every route (the console, the agent protocol, ...) refuses other sites' requests; `POST /` does
  // it in its handler, once the body tells which protocol's envelope to answer in.
  app.addHook('onRequest', async (req, reply) => {
    if (isAwsPost(req)) return;
    const refusal = crossSite(req);
    if (refusal === undefined) return;
    return reply
      .code(403)
      .header('x-amzn-RequestId', idOf(req))
      .header('content-type', 'application/json')
      .send(JSON.stringify({ code: 'AccessDeniedException', message: refusal }));
  });

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

    const serve = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const requestId = idOf(req);
      const now = clock.now();
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      reply.header('x-amzn-RequestId', requestId);
      let protocol = protocolGuess(req, body);
      let model: ServiceModel | undefined;
      const cbor = cborPathOf(req.url);
      try {
        const refusal = crossSite(req);
        if (refusal !== undefined) throw crossSiteError(protocol, refusal);
        const target = cbor ? undefined : header(req, 'x-amz-target');
        // The body type is checked before a form body is parsed: a text/plain "form" is not one.
        const jsonModel = target !== undefined ? (jsonServiceFor(target, allModels()) ?? loadModel('ecs')) : undefined;
        const contentRefusal = cbor
          ? cborContentRefusal(header(req, 'content-type'), body.length)
          : contentTypeRefusal(header(req, 'content-type'), jsonModel ? { jsonVersion: jsonModel.metadata.jsonVersion ?? '1.1' } : undefined);
        if (contentRefusal !== undefined) {
          throw target !== undefined || cbor
            ? new AwsError('UnknownOperationException', contentRefusal)
            : new AwsError('MissingAction', `Missing Action: the body is read only as a form. ${contentRefusal}`);
        }
        const routed = route(target, body, cbor);
        model = routed.model;
        protocol = cbor ? 'cbor' : target !== undefined ? 'json' : formProtocolOf(routed.model);
        let accessKeyId: string | undefined;
        if (auth.mode === 'sigv4') {
          const verdict = verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, auth.credentials, now, signingNameOf(routed.model));
          if (!verdict.ok) throw authError(protocol, verdict.failure, verdict.message);
          accessKeyId = verdict.scope.accessKeyId;
        } else {
          accessKeyId = parseAuthorization(header(req, 'authorization'))?.scope.accessKeyId;
        }
        const call = routed.identify();
        // Validation is the model's business, so a bad request is reported even for an unimplemented operation.
        const input = call.decode();
        const handler = options.handlers[call.service]?.[call.operation];
        if (!handler) {
          throw call.protocol === 'json' || call.protocol === 'cbor'
            ? new AwsError('UnknownOperationException', `Operation ${call.operation} is not implemented.`)
            : call.protocol === 'ec2'
              ? unsupported(call.operation)
              : new AwsError('InvalidAction', `The action ${call.operation} is not implemented.`);
        }
        const ctx: RequestContext = {
          requestId,
          now,
          accountId,
          sourceIp: req.ip,
          region: regionOf(req.headers) ?? DEFAULT_REGION,
          ...(accessKeyId !== undefined ? { accessKeyId } : {}),
        };
        const output = await handler(input, ctx);
        const op = call.model.operations.get(call.operation)!;
        switch (call.protocol) {
          case 'json':
            return reply
              .code(200)
              .header('content-type', `application/x-amz-json-${call.model.metadata.jsonVersion ?? '1.1'}`)
              .send(encodeJsonOutput(call.model, op, output));
          case 'cbor':
            return reply
              .code(200)
              .header('content-type', CBOR_CONTENT_TYPE)
              .header('smithy-protocol', SMITHY_PROTOCOL)
              .send(encodeCborOutput(call.model, op, output));
          case 'query':
            return reply
              .code(200)
              .header('content-type', 'text/xml')
              .send(encodeQueryResponse(call.model, op, output, requestId));
          case 'ec2':
            return reply
              .code(200)
              .header('content-type', 'text/xml;charset=UTF-8')
              .send(encodeEc2Response(call.model, op, output, requestId));
        }
      } catch (error) {
        const namespace = model?.metadata.xmlNamespace;
        return send(reply, errorResponse(protocol, error, { requestId, logger, ...(namespace ? { namespace } : {}), ...(model ? { model } : {}) }));
      }
    };
    scope.post('/', { bodyLimit }, serve);
    scope.post('/service/:service/operation/:operation', { bodyLimit }, serve);
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
