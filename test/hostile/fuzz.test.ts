/**
 * Fuzzing the AWS front door from the models: for a bounded time, fast-check sends every served
 * operation (ECS, ELBv2, EC2) inputs drawn from its input shape, mostly valid, some members of the
 * wrong type, some bounds broken, plus raw junk bodies, over a real socket to the real API server
 * and handlers on SQLite. Every answer is under 500, arrives within 1 s and (for a model-built
 * request) matches the model's output or error shape, and the server still answers afterwards. A failure prints fast-check's seed and path to replay it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createApiServer, type ApiServerOptions } from '../../src/control-plane/api/api-server.js';
import { loadModel, type OperationModel, type ServiceModel } from '../../src/control-plane/api/model.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { formBody, jsonBody } from '../support/model-input.js';
import { checkErrorBody, checkResponseBody } from '../support/model-check.js';

const FUZZ_MS = Number(process.env.BERTH_FUZZ_MS ?? 15_000);
const ANSWER_WITHIN_MS = 1_000;
const MAX_DEPTH = 4;

/** Names the handlers will meet again (so Describe/Delete/Update often find what Create made). */
const NAMES = ['web', 'api', 'default', 'a', 'web:1', 'arn:aws:ecs:us-east-1:000000000000:cluster/default'];

/**
 * Values for a shape. `valid`: within the model's enums and bounds (so requests reach the handlers);
 * otherwise, now and then anything at all in place of a member (wrong types, bounds broken).
 */
function valueOf(model: ServiceModel, shapeName: string, depth: number, cache: Map<string, fc.Arbitrary<unknown>>, valid: boolean): fc.Arbitrary<unknown> {
  const key = `${shapeName}@${depth}@${valid}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const s = model.shape(shapeName);
  const deeper = (name: string) => valueOf(model, name, depth + 1, cache, valid);
  let arb: fc.Arbitrary<unknown>;
  switch (s.type) {
    case 'structure': {
      if (s.document || depth > MAX_DEPTH) arb = fc.constant({});
      else {
        // The required members, and up to three optional ones: small inputs reach the handlers fast.
        const required = new Set(s.required ?? []);
        const entries = Object.entries(s.members ?? {});
        const must = fc.record(Object.fromEntries(entries.filter(([k]) => required.has(k)).map(([k, ref]) => [k, deeper(ref.shape)])));
        const optional = entries.filter(([k]) => !required.has(k)).map(([k, ref]) => deeper(ref.shape).map((v) => ({ [k]: v })));
        arb =
          optional.length === 0 ? must : fc.tuple(must, fc.array(fc.oneof(...optional), { maxLength: 3 })).map(([m, extra]) => Object.assign({}, m, ...extra));
      }
      break;
    }
    case 'list':
      arb = depth > MAX_DEPTH ? fc.constant([]) : fc.array(deeper(s.member!.shape), { maxLength: 3 });
      break;
    case 'map':
      arb = depth > MAX_DEPTH ? fc.constant({}) : fc.dictionary(fc.string({ maxLength: 8 }), deeper(s.value!.shape), { maxKeys: 3 });
      break;
    case 'string':
      arb = s.enum
        ? fc.constantFrom(...s.enum)
        : fc.oneof(
            fc.constantFrom(...NAMES.filter((n) => n.length >= (s.min ?? 0) && n.length <= (s.max ?? Infinity))),
            fc.string({ minLength: s.min ?? 0, maxLength: Math.max(s.min ?? 0, Math.min(s.max ?? 24, 24)) }),
            fc.string({ unit: 'binary', minLength: s.min ?? 0, maxLength: Math.max(s.min ?? 0, Math.min(s.max ?? 40, 40)) }),
          );
      break;
    case 'integer':
    case 'long':
      arb = valid
        ? fc.integer({ min: Math.max(s.min ?? -10, -1e9), max: Math.min(s.max ?? 70_000, 1e9) })
        : fc.oneof(fc.integer(), fc.constantFrom(0, -1, 65_536, 2 ** 31, Number.MAX_SAFE_INTEGER));
      break;
    case 'double':
    case 'float':
      arb = fc.double({ noNaN: true, noDefaultInfinity: true });
      break;
    case 'boolean':
      arb = fc.boolean();
      break;
    case 'timestamp':
      arb = fc.oneof(fc.integer({ min: 0, max: 4_000_000_000 }), fc.constant(-1));
      break;
    case 'blob':
      arb = fc.base64String({ maxLength: 16 });
      break;
  }
  if (!valid) arb = fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });
  cache.set(key, arb);
  return arb;
}

describe('fuzzing the API from the models', () => {
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  let store: SqliteStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-fuzz-'));
    store = SqliteStore.open(join(dir, 'berth.db'));
    const deps = { store, clock: systemClock, random: seededRandom(5) };
    // No load balancer node and no agent: listeners bind nothing and tasks start nowhere.
    const handlers: ApiServerOptions['handlers'] = { ecs: createEcsHandlers(deps), elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) };
    app = await createApiServer({ handlers });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  interface Req {
    headers: Record<string, string>;
    body: string;
    what: string;
    /** The operation the body is for, when it is a model-built request: its answer is checked against the model. */
    model?: ServiceModel;
    op?: OperationModel;
  }
  const ecsHeaders = (model: ServiceModel, op: string) => ({
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `${model.metadata.targetPrefix}.${op}`,
  });
  const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

  const send = async (r: Req): Promise<{ status: number; ms: number; text: string }> => {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: r.headers, body: r.body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - t0, text };
  };

  test(`${FUZZ_MS / 1000} s of generated requests: no 5xx, each answered within ${ANSWER_WITHIN_MS} ms, and the server is still up`, {
    timeout: FUZZ_MS + 60_000,
  }, async () => {
    const ops: fc.Arbitrary<Req>[] = [];
    for (const service of ['ecs', 'elbv2', 'ec2'] as const) {
      const model = loadModel(service);
      const served = Object.keys(
        service === 'ecs'
          ? createEcsHandlers({ store, clock: systemClock, random: seededRandom(1) })
          : service === 'elbv2'
            ? createElbv2Handlers({ store, clock: systemClock, random: seededRandom(1) })
            : createEc2Handlers({ store, clock: systemClock, random: seededRandom(1) }),
      );
      for (const name of served) {
        const op: OperationModel | undefined = model.operations.get(name);
        if (!op?.input) continue;
        const cache = new Map<string, fc.Arbitrary<unknown>>();
        const input = fc
          .oneof(
            { weight: 3, arbitrary: valueOf(model, op.input.shape, 0, cache, true) },
            { weight: 1, arbitrary: valueOf(model, op.input.shape, 0, cache, false) },
          )
          .filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
        ops.push(
          input.map((v) => {
            const i = v as Record<string, unknown>;
            return model.metadata.protocol === 'json'
              ? { headers: ecsHeaders(model, name), body: jsonBody(i), what: `${service} ${name}`, model, op }
              : { headers: form, body: formBody(model, model.metadata.protocol === 'ec2' ? 'ec2' : 'query', op, i), what: `${service} ${name}`, model, op };
          }),
        );
      }
    }
    const ecs = loadModel('ecs');
    const junk: fc.Arbitrary<Req> = fc.oneof(
      fc
        .record({ op: fc.constantFrom(...ecs.operations.keys()), body: fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })) })
        .map(({ op, body }) => ({ headers: ecsHeaders(ecs, op), body, what: `ecs ${op} raw` })),
      fc.oneof(fc.string(), fc.webQueryParameters(), fc.string({ unit: 'binary' })).map((q) => ({ headers: form, body: q, what: 'form raw' })),
      fc
        .tuple(
          fc.constantFrom('DescribeLoadBalancers', 'CreateTargetGroup', 'DescribeSecurityGroups', 'CreateRule'),
          fc.constantFrom('2015-12-01', '2016-11-15'),
          fc.webQueryParameters(),
        )
        .map(([a, v, q]) => ({ headers: form, body: `Action=${a}&Version=${v}&${q}`, what: `${a} ${v} raw` })),
    );
    const request = fc.oneof({ weight: 6, arbitrary: fc.oneof(...ops) }, { weight: 1, arbitrary: junk });

    let sent = 0;
    let slowest = 0;
    let slowestWhat = '';
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await send(r);
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.ms > slowest) [slowest, slowestWhat] = [res.ms, r.what];
        if (res.status >= 500) throw new Error(`${r.what}: HTTP ${res.status} ${res.text.slice(0, 300)}\nbody: ${r.body.slice(0, 500)}`);
        if (r.model && r.op) {
          const problems = res.status < 300 ? checkResponseBody(r.model, r.op, res.text) : checkErrorBody(r.model, r.op, res.status, res.text);
          if (problems.length) throw new Error(`${r.what}: the answer does not match the model:\n  ${problems.join('\n  ')}\nbody: ${r.body.slice(0, 500)}`);
        }
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: FUZZ_MS, markInterruptAsFailure: false },
    );
    console.log(`fuzz: ${sent} requests, slowest ${slowest.toFixed(0)} ms (${slowestWhat}), by status ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok(sent > 100, `only ${sent} requests in ${FUZZ_MS} ms`);
    const still = await send({ headers: ecsHeaders(ecs, 'ListClusters'), body: '{}', what: 'ListClusters' });
    assert.equal(still.status, 200);
  });
});
