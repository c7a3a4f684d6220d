import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFieldSupport, unsupportedField } from './field-refusal.js';
import { generatedSection, replaceGeneratedSection } from './field-support-docs.js';
import { AwsError } from './aws-error.js';

describe('unsupportedField walks the input against the table', () => {
  test('finds a refused member at any depth and names where it is', () => {
    const f = unsupportedField('ecs', 'RegisterTaskDefinition', {
      family: 'x',
      containerDefinitions: [{ name: 'a' }, { name: 'b', linuxParameters: { capabilities: { add: ['NET_ADMIN'] } } }],
    });
    assert.equal(f?.path, 'containerDefinitions[1].linuxParameters.capabilities');
  });
  test('values and except refuse only the values they name; a list is refused by one item', () => {
    assert.equal(unsupportedField('ecs', 'CreateService', { schedulingStrategy: 'REPLICA' }), undefined);
    assert.equal(unsupportedField('ecs', 'CreateService', { schedulingStrategy: 'DAEMON' }), undefined);
    assert.equal(unsupportedField('ecs', 'CreateService', { propagateTags: 'NONE' }), undefined);
    assert.equal(unsupportedField('ecs', 'CreateService', { propagateTags: 'SERVICE' })?.path, 'propagateTags');
    assert.equal(unsupportedField('ecs', 'RegisterTaskDefinition', { requiresCompatibilities: ['EC2'] }), undefined);
    assert.equal(unsupportedField('ecs', 'RegisterTaskDefinition', { requiresCompatibilities: ['EC2', 'FARGATE'] })?.value, 'FARGATE');
    assert.equal(unsupportedField('ecs', 'RegisterTaskDefinition', { containerDefinitions: [{ versionConsistency: 'disabled' }] }), undefined);
    assert.equal(
      unsupportedField('ecs', 'RegisterTaskDefinition', { containerDefinitions: [{ versionConsistency: 'enabled' }] })?.path,
      'containerDefinitions[0].versionConsistency',
    );
  });
  test('absent values and switches left off ask for nothing', () => {
    for (const v of [undefined, null, '', [], {}, false]) {
      assert.equal(unsupportedField('ecs', 'RegisterTaskDefinition', { containerDefinitions: [{ privileged: v, secrets: v }] }), undefined);
    }
  });
  test("the error is the service's code with the member in the message", () => {
    const codeOf = (service: 'ecs' | 'elbv2' | 'ec2', op: string, input: object) => {
      try {
        checkFieldSupport(service, op, input);
      } catch (e) {
        assert.ok(e instanceof AwsError);
        return `${e.code}: ${e.message}`;
      }
      return 'accepted';
    };
    assert.match(
      codeOf('ecs', 'RegisterTaskDefinition', { volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] }),
      /^ClientException: volumes\[0\]\.efsVolumeConfiguration is not supported by Berth: /,
    );
    assert.match(codeOf('ecs', 'RunTask', { platformVersion: 'LATEST' }), /^InvalidParameterException: platformVersion 'LATEST' is not supported/);
    assert.equal(codeOf('elbv2', 'CreateTargetGroup', { Protocol: 'HTTPS', ProtocolVersion: 'HTTP2', HealthCheckProtocol: 'HTTPS' }), 'accepted');
    assert.equal(codeOf('elbv2', 'CreateTargetGroup', { Protocol: 'HTTP', ProtocolVersion: 'GRPC', Matcher: { GrpcCode: '0' } }), 'accepted');
    assert.equal(codeOf('elbv2', 'CreateTargetGroup', { Protocol: 'HTTP', ProtocolVersion: 'HTTP1' }), 'accepted');
    // An entry may carry AWS's more specific code.
    assert.match(
      codeOf('ec2', 'CreateVpc', { AmazonProvidedIpv6CidrBlock: true }),
      /^UnsupportedOperation: AmazonProvidedIpv6CidrBlock is not supported by Berth: /,
    );
    assert.match(codeOf('ecs', 'StopServiceDeployment', { stopType: 'ABORT' }), /^UnsupportedFeatureException: stopType 'ABORT'/);
    assert.equal(codeOf('ecs', 'StopServiceDeployment', { stopType: 'ROLLBACK' }), 'accepted');
  });
  test('a map of user keys is not mistaken for members', () => {
    assert.equal(
      unsupportedField('ecs', 'RegisterTaskDefinition', { containerDefinitions: [{ dockerLabels: { secrets: 'x', privileged: 'true' } }] }),
      undefined,
    );
  });
});

test('docs/differences.md holds the table as generated (run `npm run docs` after changing it)', () => {
  const file = join(import.meta.dirname, '..', '..', 'docs', 'differences.md');
  const doc = readFileSync(file, 'utf8');
  assert.ok(doc.includes(generatedSection()), 'docs/differences.md differs from the field-support table: run `npm run docs`');
  assert.equal(replaceGeneratedSection(doc), doc);
});
