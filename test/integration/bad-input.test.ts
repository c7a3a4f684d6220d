/**
 * The bad-input table, generated from the vendored models for every operation a registered handler
 * serves (ECS, ELBv2, EC2, STS, SSM, Secrets Manager, CloudWatch Logs; a service added to the API server's handlers must get a row here, which
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
import { formBody, inputWith, jsonBody, probesOf, type ProbeKind } from '../support/model-input.js';

type Served = keyof ApiServerOptions['handlers'];

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
function expectedCodes(model: ServiceModel, op: OperationModel, kind: ProbeKind): Set<string> {
  const declared = (op.errors ?? []).map((e) => model.errorCode(e.shape)).filter((c) => /InvalidParameter|Validation/.test(c));
  return new Set([...COMMON[model.metadata.protocol][kind], ...declared]);
}

function errorOf(protocol: string, body: string): { code: string; message: string } {
  if (protocol === 'json') {
    const j = JSON.parse(body) as { __type?: string; message?: string };
    return { code: String(j.__type ?? '').replace(/^.*#/, ''), message: j.message ?? '' };
  }
  const unescape = (t: string) => t.replace(/&(apos|quot|lt|gt|amp);/g, (_, e: string) => ({ apos: "'", quot: '"', lt: '<', gt: '>', amp: '&' })[e]!);
  return { code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '', message: unescape(/<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '') };
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
  };
  before(async () => {
    app = await createApiServer({ handlers: served });
  });
  after(async () => {
    await app?.close();
    await store.close();
  });

  const send = async (model: ServiceModel, op: OperationModel, body: string) => {
    const json = model.metadata.protocol === 'json';
    const r = await app.inject({
      method: 'POST',
      url: '/',
      headers: json
        ? { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.metadata.targetPrefix}.${op.name}` }
        : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      payload: body,
    });
    return { status: r.statusCode, body: r.body, requestId: r.headers['x-amzn-requestid'] };
  };
  const encode = (model: ServiceModel, op: OperationModel, input: Record<string, unknown>): string =>
    model.metadata.protocol === 'json' ? jsonBody(input) : formBody(model, model.metadata.protocol === 'ec2' ? 'ec2' : 'query', op, input);

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
        for (const p of probes) {
          const r = await send(model, op, encode(model, op, inputWith(model, op, p)));
          const where = `${p.kind} ${p.path.join('.')}`;
          if (r.status !== 400) {
            wrong.push(`${where}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
            continue;
          }
          const { code, message } = errorOf(model.metadata.protocol, r.body);
          const codes = expectedCodes(model, op, p.kind);
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
  const malformed: [string, () => ReturnType<typeof query>, number, RegExp][] = [
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
