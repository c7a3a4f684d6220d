import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../domain/aws-error.js';
import { decodeJsonInput, encodeJsonOutput } from './json-codec.js';
import { loadModel } from './model.js';

const ecs = loadModel('ecs');
const op = (name: string) => ecs.operations.get(name)!;
const decode = (name: string, body: unknown) => decodeJsonInput(ecs, op(name), typeof body === 'string' ? body : JSON.stringify(body));

function rejects(fn: () => unknown, code: string, message?: RegExp | string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

describe('JSON 1.1 input', () => {
  test('nested input arrives intact; unknown members and nulls are dropped', () => {
    const input = decode('RegisterTaskDefinition', {
      family: 'web',
      unknownTop: 1,
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'app',
          image: 'nginx',
          memory: 128,
          essential: true,
          cpu: null,
          bogus: 'x',
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          dockerLabels: { a: 'b' },
          healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5 },
        },
      ],
    });
    assert.deepEqual(input, {
      family: 'web',
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'app',
          image: 'nginx',
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          dockerLabels: { a: 'b' },
          healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5 },
        },
      ],
    });
  });

  test('an empty body is an empty input', () => {
    assert.deepEqual(decode('ListClusters', ''), {});
    assert.deepEqual(decode('ListClusters', '{}'), {});
  });

  test('timestamps in epoch seconds become epoch ms', () => {
    const input = decode('SubmitTaskStateChange', { pullStartedAt: 1700000000.5, pullStoppedAt: '1700000001' });
    assert.equal(input.pullStartedAt, 1_700_000_000_500);
    assert.equal(input.pullStoppedAt, 1_700_000_001_000);
  });

  test('malformed JSON is a SerializationException', () => {
    rejects(() => decode('ListClusters', '{"maxResults":'), 'SerializationException', /Malformed JSON/);
  });

  test('type mismatches are SerializationExceptions', () => {
    rejects(() => decode('ListClusters', { maxResults: 'ten' }), 'SerializationException', 'STRING_VALUE can not be converted to an Integer');
    rejects(() => decode('ListClusters', { maxResults: 1.5 }), 'SerializationException');
    rejects(() => decode('DescribeClusters', { clusters: 'default' }), 'SerializationException');
    rejects(() => decode('CreateCluster', { clusterName: 5 }), 'SerializationException', 'NUMBER_VALUE can not be converted to a String');
    rejects(() => decode('CreateCluster', { clusterName: ['a'] }), 'SerializationException', 'Start of list found where not expected.');
    rejects(() => decode('DeleteService', { service: 's', force: 'yes' }), 'SerializationException');
    rejects(() => decode('ListClusters', [1]), 'SerializationException');
    rejects(() => decode('SubmitTaskStateChange', { pullStartedAt: 'soon' }), 'SerializationException');
  });

  test('missing required members: InvalidParameterException in Coral wording', () => {
    rejects(
      () => decode('RegisterTaskDefinition', { containerDefinitions: [{ name: 'a', portMappings: [{}] }] }),
      'InvalidParameterException',
      "1 validation error detected: Value null at 'family' failed to satisfy constraint: Member must not be null",
    );
    rejects(() => decode('CreateService', {}), 'InvalidParameterException', /at 'serviceName'/);
  });

  test('enum, range and length violations', () => {
    rejects(
      () => decode('ListTasks', { desiredStatus: 'DONE' }),
      'InvalidParameterException',
      "1 validation error detected: Value 'DONE' at 'desiredStatus' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, PENDING, STOPPED]",
    );
    rejects(
      () => decode('CreateCluster', { tags: [{ key: '', value: 'v' }] }),
      'InvalidParameterException',
      /Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    );
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}` }));
    rejects(() => decode('CreateCluster', { tags: tooMany }), 'InvalidParameterException', /length less than or equal to 50/);
  });
});

describe('JSON 1.1 output', () => {
  test('keeps declared members only and leaves out null/undefined', () => {
    const body = encodeJsonOutput(ecs, op('DescribeClusters'), {
      clusters: [{ clusterName: 'c', status: 'ACTIVE', secret: 'no', tags: undefined, settings: null }],
      failures: [],
      extra: 1,
    });
    assert.deepEqual(JSON.parse(body), { clusters: [{ clusterName: 'c', status: 'ACTIVE' }], failures: [] });
  });

  test('timestamps given as ms or Date go out as epoch seconds', () => {
    const body = JSON.parse(
      encodeJsonOutput(ecs, op('DescribeTaskDefinition'), {
        taskDefinition: { family: 'f', registeredAt: 1_700_000_000_123, deregisteredAt: new Date(1_700_000_001_000) },
      }),
    );
    assert.equal(body.taskDefinition.registeredAt, 1_700_000_000.123);
    assert.equal(body.taskDefinition.deregisteredAt, 1_700_000_001);
  });

  test('maps keep every key; nothing returned is {}', () => {
    const body = JSON.parse(
      encodeJsonOutput(ecs, op('DescribeTaskDefinition'), {
        taskDefinition: { containerDefinitions: [{ name: 'a', dockerLabels: { x: '1', y: '2' } }] },
      }),
    );
    assert.deepEqual(body.taskDefinition.containerDefinitions[0].dockerLabels, { x: '1', y: '2' });
    assert.equal(encodeJsonOutput(ecs, op('ListClusters'), undefined), '{}');
  });
});
