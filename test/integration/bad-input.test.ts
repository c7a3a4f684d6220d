/**
 * The bad-input table, generated from the vendored models for every operation a registered handler
 * serves (ECS, ELBv2, EC2, STS, SSM, Secrets Manager, CloudWatch Logs, ACM, CloudWatch in each of its three protocols; a service added to the API server's handlers must get a row here, which
 * the compiler enforces): every required member left out, every enum given a value outside its set,
 * every bounded integer outside its range and every bounded string over its length, at any depth of
 * the input, each alone in an otherwise valid request. The expected codes come from the model: the
 * operation's declared validation errors and the protocol's common validation codes, never from the
 * validator's rules. Then malformed bodies and unknown actions. In process (fastify inject): seconds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createApiServer, type ApiServerOptions } from '../../src/control-plane/api/api-server.js';
import type { ServiceHandlers } from '../../src/control-plane/api/operation.js';
import { loadModel, type OperationModel, type ServiceModel, type ServiceName } from '../../src/control-plane/api/model.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { createStsHandlers } from '../../src/control-plane/sts/sts-handlers.js';
import { createSsmHandlers } from '../../src/control-plane/ssm/ssm-handlers.js';
import { createSecretsManagerHandlers } from '../../src/control-plane/secrets-manager/secrets-manager-handlers.js';
import { createLogsHandlers } from '../../src/control-plane/logs/logs-handlers.js';
import { createAcmService } from '../../src/control-plane/acm/acm-handlers.js';
import { ephemeralCertificateAuthority } from '../../src/control-plane/acm/certificate-authority.js';
import { sealedBoxFromKey } from '../../src/platform/sealed-box.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { decode as decodeCbor, encode as encodeCbor } from 'cbor-x';
import { createAutoScalingHandlers } from '../../src/control-plane/autoscaling/autoscaling-handlers.js';
import { createCloudWatchHandlers } from '../../src/control-plane/cloudwatch/cloudwatch-handlers.js';
import { MemoryMetricStore } from '../../src/control-plane/cloudwatch/memory-metric-store.js';
import { formBody, inputWith, jsonBody, probesOf, type ProbeKind } from '../support/model-input.js';

type Served = keyof ApiServerOptions['handlers'];

type Wire = 'json' | 'query' | 'ec2' | 'cbor';

/** The protocols a service answers, as the front door speaks them (CloudWatch: CBOR, JSON 1.0 and Query). */
function wiresOf(model: ServiceModel): Wire[] {
  return (model.metadata.protocols ?? [model.metadata.protocol]).map((p) =>
    p === 'smithy-rpc-v2-cbor' ? 'cbor' : p === 'json' ? 'json' : p === 'ec2' ? 'ec2' : 'query',
  );
}

/** CloudWatch keeps its Query codes in every protocol (awsQueryCompatible). */
const QUERY_COMPATIBLE: Record<ProbeKind, readonly string[]> = {
  missing: ['MissingParameter'],
  enum: ['InvalidParameterValue'],
  range: ['InvalidParameterValue'],
  length: ['InvalidParameterValue'],
};

/** The protocol's own validation codes: what any operation of it may answer a constraint violation with. */
const COMMON: Record<'json' | 'query' | 'ec2', Record<ProbeKind, readonly string[]>> = {
  json: {
    missing: ['InvalidParameterException', 'ClientException'],
    enum: ['InvalidParameterException', 'ClientException'],
    range: ['InvalidParameterException', 'ClientException'],
    length: ['InvalidParameterException', 'ClientException'],
  },
  query: { missing: ['ValidationError'], enum: ['ValidationError'], range: ['ValidationError'], length: ['ValidationError'] },
  ec2: { missing: ['MissingParameter'], enum: ['InvalidParameterValue'], range: ['InvalidParameterValue'], length: ['InvalidParameterValue'] },
};

/** The codes a violation may get: the protocol's, plus the operation's declared validation errors. */
function expectedCodes(model: ServiceModel, op: OperationModel, kind: ProbeKind, wire: Wire): Set<string> {
  const declared = (op.errors ?? []).map((e) => model.errorCode(e.shape)).filter((c) => /InvalidParameter|Validation/.test(c));
  const common = model.metadata.awsQueryCompatible ? QUERY_COMPATIBLE[kind] : COMMON[wire === 'cbor' ? 'json' : wire][kind];
  return new Set([...common, ...declared]);
}

function errorOf(wire: Wire, body: Buffer, headers: Record<string, unknown>): { code: string; message: string } {
  const compat = headers['x-amzn-query-error'];
  if (wire === 'cbor') {
    const c = decodeCbor(body) as { __type?: string; message?: string };
    return { code: typeof compat === 'string' ? compat.split(';')[0]! : String(c.__type ?? '').replace(/^.*#/, ''), message: c.message ?? '' };
  }
  if (wire === 'json') {
    if (typeof compat === 'string') return { code: compat.split(';')[0]!, message: (JSON.parse(body.toString()) as { message?: string }).message ?? '' };
    // Application Auto Scaling's exceptions name the member `Message`.
    const j = JSON.parse(body.toString()) as { __type?: string; message?: string; Message?: string };
    return { code: String(j.__type ?? '').replace(/^.*#/, ''), message: j.message ?? j.Message ?? '' };
  }
  const unescape = (t: string) => t.replace(/&(apos|quot|lt|gt|amp);/g, (_, e: string) => ({ apos: "'", quot: '"', lt: '<', gt: '>', amp: '&' })[e]!);
  const text = body.toString();
  return { code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? '', message: unescape(/<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '') };
}

describe('bad input generated from the models gets a modeled AWS error, and the server keeps answering', () => {
  let app: FastifyInstance;
  const store = new MemoryStore();
  const deps = { store, clock: systemClock, random: seededRandom(3) };
  const sealedBox = sealedBoxFromKey(Buffer.alloc(32, 7));
  // One row per service the API server serves: a new one fails to compile until it is added here.
  const served: Record<Served, ServiceHandlers> = {
    ecs: createEcsHandlers(deps),
    elbv2: createElbv2Handlers(deps),
    ec2: createEc2Handlers(deps),
    sts: createStsHandlers(),
    ssm: createSsmHandlers({ store, sealedBox }),
    secretsmanager: createSecretsManagerHandlers({ store, random: deps.random, sealedBox }),
    logs: createLogsHandlers({ store }),
    acm: createAcmService({ ...deps, sealedBox, authority: ephemeralCertificateAuthority(deps.random, Date.now()) }).handlers,
    applicationautoscaling: createAutoScalingHandlers({ store, random: deps.random }),
    cloudwatch: createCloudWatchHandlers({ store, metrics: new MemoryMetricStore() }),
  };
  before(async () => {
    app = await createApiServer({ handlers: served });
  });
  after(async () => {
    await app?.close();
    await store.close();
  });

  const send = async (model: ServiceModel, op: OperationModel, wire: Wire, body: string | Buffer) => {
    const r = await app.inject({
      method: 'POST',
      url: wire === 'cbor' ? `/service/${model.metadata.targetPrefix}/operation/${op.name}` : '/',
      headers:
        wire === 'json'
          ? { 'content-type': `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`, 'x-amz-target': `${model.metadata.targetPrefix}.${op.name}` }
          : wire === 'cbor'
            ? { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' }
            : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      payload: body,
    });
    return { status: r.statusCode, body: r.rawPayload, headers: r.headers, requestId: r.headers['x-amzn-requestid'] };
  };
  const encode = (model: ServiceModel, op: OperationModel, wire: Wire, input: Record<string, unknown>): string | Buffer =>
    wire === 'json' ? jsonBody(input) : wire === 'cbor' ? encodeCbor(JSON.parse(jsonBody(input))) : formBody(model, wire, op, input);

  let total = 0;
  for (const service of Object.keys(served) as Served[]) {
    const model = loadModel(service as ServiceName);
    const operations = Object.keys(served[service]).sort();
    test(`${service}: every served operation is in the model`, () => {
      assert.deepEqual(
        operations.filter((o) => !model.operations.has(o)),
        [],
      );
      assert.ok(operations.length > 0);
    });
    for (const name of operations) {
      const op = model.operations.get(name);
      if (!op) continue;
      const probes = probesOf(model, op);
      total += probes.length;
      test(`${service} ${name}: ${probes.length} violations, each refused with a modeled code that names the member`, async () => {
        const wrong: string[] = [];
        for (const p of probes)
          for (const wire of wiresOf(model)) {
            const r = await send(model, op, wire, encode(model, op, wire, inputWith(model, op, p)));
            const where = `${wire} ${p.kind} ${p.path.join('.')}`;
            if (r.status !== 400) {
              wrong.push(`${where}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
              continue;
            }
            const { code, message } = errorOf(wire, r.body, r.headers);
            const codes = expectedCodes(model, op, p.kind, wire);
            if (!codes.has(code)) wrong.push(`${where}: ${code} (expected one of ${[...codes].join(', ')}): ${message.slice(0, 160)}`);
            else if (!p.names.some((n) => message.toLowerCase().includes(n.toLowerCase())))
              wrong.push(`${where}: the message does not name the member: ${message.slice(0, 200)}`);
            if (!r.requestId) wrong.push(`${where}: no x-amzn-RequestId`);
          }
        assert.deepEqual(wrong, [], `${wrong.length} of ${probes.length} wrong:\n${wrong.join('\n')}`);
      });
    }
  }

  test('the table is not empty: hundreds of generated requests', () => {
    assert.ok(total > 500, `${total} probes`);
  });

  const ecsModel = loadModel('ecs');
  const ecsRaw = (target: string, body: string) =>
    app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ecsModel.metadata.targetPrefix}.${target}` },
      payload: body,
    });
  const query = (body: string) =>
    app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, payload: body });
  const cbor = (operation: string, body: Buffer, contentType = 'application/cbor') =>
    app.inject({
      method: 'POST',
      url: `/service/GraniteServiceVersion20100801/operation/${operation}`,
      headers: { 'content-type': contentType, 'smithy-protocol': 'rpc-v2-cbor' },
      payload: body,
    });
  const malformed: [string, () => ReturnType<typeof query>, number, RegExp][] = [
    ['CBOR truncated', () => cbor('ListMetrics', Buffer.from([0xa1, 0x69])), 400, /SerializationException/],
    ['CBOR a map announcing 2^32 entries', () => cbor('ListMetrics', Buffer.from([0xba, 0xff, 0xff, 0xff, 0xff])), 400, /SerializationException/],
    ['CBOR a tagged RegExp where a string belongs', () => cbor('ListMetrics', encodeCbor({ Namespace: /x/ })), 400, /SerializationException/],
    ['CBOR sent as text/plain', () => cbor('ListMetrics', encodeCbor({}), 'text/plain'), 400, /UnknownOperationException/],
    ['CBOR to an unknown operation', () => cbor('LaunchRockets', encodeCbor({})), 404, /UnknownOperationException/],
    ['ECS a string where a number belongs', () => ecsRaw('ListClusters', '{"maxResults":"ten"}'), 400, /SerializationException/],
    ['ECS malformed JSON', () => ecsRaw('ListClusters', '{"maxResults":'), 400, /SerializationException/],
    ['ECS JSON that is not an object', () => ecsRaw('ListClusters', '[1,2]'), 400, /SerializationException/],
    ['ECS unknown operation', () => ecsRaw('LaunchRockets', '{}'), 400, /UnknownOperationException/],
    ['ELBv2 a word where a number belongs', () => query('Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=ten'), 400, /<Code>ValidationError<\/Code>/],
    ['ELBv2 unknown action', () => query('Action=LaunchRockets&Version=2015-12-01'), 400, /<Code>InvalidAction<\/Code>/],
    ['query without an action', () => query('Version=2015-12-01'), 400, /<Code>MissingAction<\/Code>/],
    ['a JSON body sent as a form', () => query('{"Action":"DescribeLoadBalancers"}'), 400, /<Code>MissingAction<\/Code>/],
    ['oversized body', () => ecsRaw('ListClusters', JSON.stringify({ pad: 'x'.repeat(11 * 1024 * 1024) })), 413, /RequestEntityTooLarge/],
  ];
  for (const [name, sendIt, status, code] of malformed) {
    test(name, async () => {
      const r = await sendIt();
      assert.equal(r.statusCode, status, r.body);
      assert.match(r.body, code);
      assert.doesNotMatch(r.body, /at .*\.(ts|js):\d+/, 'no stack trace on the wire');
      const still = await ecsRaw('ListClusters', '{}');
      assert.equal(still.statusCode, 200);
    });
  }
});
