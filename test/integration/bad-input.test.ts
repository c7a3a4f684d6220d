/**
 * The bad-input table: for every operation Berth serves, requests built from the model with a
 * missing required member, a wrong type, an out-of-range number and an unknown enum each get the
 * exact AWS code and status; malformed bodies and unknown actions too; and the server keeps
 * answering after each. Generated from the vendored models, so a new operation is covered for free.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, type ServiceModel, type Shape } from '../../src/control-plane/api/model.js';
import { startBerth, type RunningBerth } from '../../src/main/up.js';
import { parseUpConfig } from '../../src/main/config.js';
import { silentLogger } from '../../src/platform/logger.js';

const ECS_OPS = [
  'CreateCluster', 'DescribeClusters', 'ListClusters', 'DeleteCluster', 'RegisterTaskDefinition', 'DeregisterTaskDefinition',
  'DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies', 'CreateService', 'UpdateService',
  'DeleteService', 'DescribeServices', 'ListServices', 'RunTask', 'StartTask', 'StopTask', 'DescribeTasks', 'ListTasks',
  'ListContainerInstances', 'DescribeContainerInstances', 'UpdateContainerInstancesState', 'TagResource', 'UntagResource',
  'ListTagsForResource',
];
const ELBV2_OPS = [
  'CreateLoadBalancer', 'DescribeLoadBalancers', 'DeleteLoadBalancer', 'DescribeLoadBalancerAttributes',
  'ModifyLoadBalancerAttributes', 'CreateTargetGroup', 'DescribeTargetGroups', 'ModifyTargetGroup', 'DeleteTargetGroup',
  'DescribeTargetGroupAttributes', 'ModifyTargetGroupAttributes', 'RegisterTargets', 'DeregisterTargets',
  'DescribeTargetHealth', 'CreateListener', 'DescribeListeners', 'ModifyListener', 'DeleteListener', 'CreateRule',
  'DescribeRules', 'ModifyRule', 'DeleteRule', 'SetRulePriorities', 'AddTags', 'RemoveTags', 'DescribeTags',
];

interface Probe {
  kind: 'missing' | 'type' | 'range' | 'enum';
  member: string;
  value: unknown;
}

/** A valid-looking scalar for a shape, so only the probed member is wrong. */
function filler(model: ServiceModel, shapeName: string): unknown {
  const s = model.shape(shapeName);
  switch (s.type) {
    case 'string':
      return s.enum ? s.enum[0] : 'x'.repeat(Math.max(1, s.min ?? 1));
    case 'integer':
    case 'long':
      return Math.max(1, s.min ?? 1);
    case 'boolean':
      return true;
    case 'list':
      return [filler(model, s.member!.shape)];
    case 'structure': {
      const o: Record<string, unknown> = {};
      for (const r of s.required ?? []) o[r] = filler(model, s.members![r]!.shape);
      return o;
    }
    default:
      return undefined;
  }
}

function probes(model: ServiceModel, op: string): { base: Record<string, unknown>; probes: Probe[] } {
  const inputName = model.operations.get(op)!.input?.shape;
  const input: Shape = inputName ? model.shape(inputName) : { type: 'structure', members: {} };
  const base: Record<string, unknown> = {};
  for (const r of input.required ?? []) base[r] = filler(model, input.members![r]!.shape);
  const out: Probe[] = [];
  for (const r of input.required ?? []) out.push({ kind: 'missing', member: r, value: undefined });
  for (const [name, ref] of Object.entries(input.members ?? {})) {
    const s = model.shape(ref.shape);
    if ((s.type === 'integer' || s.type === 'long') && !out.some((p) => p.kind === 'type')) {
      out.push({ kind: 'type', member: name, value: 'not-a-number' });
    }
    if ((s.type === 'integer' || s.type === 'long') && s.max !== undefined && !out.some((p) => p.kind === 'range')) {
      out.push({ kind: 'range', member: name, value: s.max + 1 });
    }
    if (s.type === 'string' && s.enum && !out.some((p) => p.kind === 'enum')) {
      out.push({ kind: 'enum', member: name, value: 'NOT_A_VALUE' });
    }
  }
  return { base, probes: out };
}

/** Query encoding of a flat-ish input (lists as X.member.N, structures with dots). */
function toForm(action: string, input: Record<string, unknown>): string {
  const parts: string[] = [`Action=${action}`, 'Version=2015-12-01'];
  const walk = (prefix: string, v: unknown): void => {
    if (v === undefined) return;
    if (Array.isArray(v)) v.forEach((item, i) => walk(`${prefix}.member.${i + 1}`, item));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x);
    else parts.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(v))}`);
  };
  for (const [k, v] of Object.entries(input)) walk(k, v);
  return parts.join('&');
}

describe('bad input gets the exact AWS error, and the server keeps answering', () => {
  let berth: RunningBerth;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'berth-bad-input-'));
    berth = await startBerth(parseUpConfig(['--data-dir', dataDir, '--api-port', '0', '--no-demo', '--runtime', 'process'], {}), silentLogger);
  });
  after(async () => {
    await berth?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ecs = (target: string, body: string) =>
    fetch(berth.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonEC2ContainerServiceV20141113.${target}` },
      body,
    });
  const query = (body: string) =>
    fetch(berth.apiUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
  const stillAnswers = async (): Promise<void> => {
    const r = await ecs('ListClusters', '{}');
    assert.equal(r.status, 200);
    await r.arrayBuffer();
  };

  const ecsModel = loadModel('ecs');
  for (const op of ECS_OPS) {
    const { base, probes: ps } = probes(ecsModel, op);
    for (const p of ps) {
      test(`ECS ${op}: ${p.kind} ${p.member}`, async () => {
        const body = { ...base, [p.member]: p.value };
        if (p.kind === 'missing') delete body[p.member];
        const r = await ecs(op, JSON.stringify(body));
        const json = (await r.json()) as { __type: string; message: string };
        const expected = p.kind === 'type' ? 'SerializationException' : 'InvalidParameterException';
        assert.equal(r.status, 400, JSON.stringify(json));
        assert.equal(json.__type, expected, json.message);
        assert.ok(r.headers.get('x-amzn-requestid'));
        if (p.kind !== 'type') assert.match(json.message, new RegExp(p.member));
        await stillAnswers();
      });
    }
  }

  const elbModel = loadModel('elbv2');
  for (const op of ELBV2_OPS) {
    const { base, probes: ps } = probes(elbModel, op);
    for (const p of ps) {
      test(`ELBv2 ${op}: ${p.kind} ${p.member}`, async () => {
        const input = { ...base, [p.member]: p.value };
        if (p.kind === 'missing') delete input[p.member];
        const r = await query(toForm(op, input));
        const xml = await r.text();
        assert.equal(r.status, 400, xml);
        assert.match(xml, /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>ValidationError<\/Code>/);
        assert.match(xml, new RegExp(p.member, 'i'));
        await stillAnswers();
      });
    }
  }

  const malformed: [string, () => Promise<Response>, number, RegExp][] = [
    ['ECS malformed JSON', () => ecs('ListClusters', '{"maxResults":'), 400, /SerializationException/],
    ['ECS JSON that is not an object', () => ecs('ListClusters', '[1,2]'), 400, /SerializationException/],
    ['ECS unknown operation', () => ecs('LaunchRockets', '{}'), 400, /UnknownOperationException/],
    ['ELBv2 unknown action', () => query('Action=LaunchRockets&Version=2015-12-01'), 400, /<Code>InvalidAction<\/Code>/],
    ['query without an action', () => query('Version=2015-12-01'), 400, /<Code>MissingAction<\/Code>/],
    ['a JSON body sent as a form', () => query('{"Action":"DescribeLoadBalancers"}'), 400, /<Code>MissingAction<\/Code>/],
    ['oversized body', () => ecs('ListClusters', JSON.stringify({ pad: 'x'.repeat(11 * 1024 * 1024) })), 413, /RequestEntityTooLarge/],
  ];
  for (const [name, send, status, code] of malformed) {
    test(name, async () => {
      const r = await send();
      const text = await r.text();
      assert.equal(r.status, status, text);
      assert.match(text, code);
      assert.doesNotMatch(text, /at .*\.(ts|js):\d+/, 'no stack trace on the wire');
      await stillAnswers();
    });
  }
});
