import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTaskDefinition, validateTaskDefinition, type RegisterTaskDefinitionInput } from './task-definition.js';
import { AwsError } from '../aws-error.js';

const base = (over: Partial<RegisterTaskDefinitionInput> = {}): RegisterTaskDefinitionInput => ({
  family: 'web',
  containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, portMappings: [{ containerPort: 80 }] }],
  ...over,
});
const one = (c: object, over: Partial<RegisterTaskDefinitionInput> = {}) =>
  base({ containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, ...c }], ...over });

describe('validateTaskDefinition', () => {
  const ok: [string, RegisterTaskDefinitionInput][] = [
    ['minimal bridge with dynamic port', base()],
    ['memoryReservation only', one({ memory: undefined, memoryReservation: 64 })],
    ['task-level memory instead of container memory', one({ memory: undefined }, { memory: '512' })],
    ['host mode with equal ports', one({ portMappings: [{ containerPort: 8080, hostPort: 8080 }] }, { networkMode: 'host' })],
    ['host mode with empty hostPort', one({ portMappings: [{ containerPort: 8080 }] }, { networkMode: 'host' })],
    ['awsvpc with equal ports', one({ portMappings: [{ containerPort: 80, hostPort: 80 }] }, { networkMode: 'awsvpc' })],
    ['none without ports', one({ portMappings: [] }, { networkMode: 'none' })],
    ['health check at the limits', one({ healthCheck: { command: ['CMD', 'true'], interval: 5, timeout: 60, retries: 10, startPeriod: 300 } })],
    ['secrets from both stores, every valueFrom shape', one({ secrets: [
      { name: 'A', valueFrom: '/app/token' }, { name: 'B', valueFrom: 'plain' },
      { name: 'C', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/token' },
      { name: 'D', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf' }, { name: 'E', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:password::' },
      { name: 'F', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf::AWSPREVIOUS:' }, { name: 'G', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:k::0123' }] })],
    ['repositoryCredentials by ARN or name', one({ repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf' } })],
    ['repositoryCredentials by name', one({ repositoryCredentials: { credentialsParameter: 'regcreds' } })],
    ['log secretOptions', one({ logConfiguration: { logDriver: 'json-file', secretOptions: [{ name: 'k', valueFrom: '/log/key' }] } })],
    ['a non-essential sidecar next to an essential one', base({ containerDefinitions: [
      { name: 'a', image: 'x', memory: 1 }, { name: 'b', image: 'x', memory: 1, essential: false }] })],
  ];
  for (const [name, input] of ok) test(`accepts: ${name}`, () => assert.doesNotThrow(() => validateTaskDefinition(input)));

  const bad: [string, RegisterTaskDefinitionInput, RegExp][] = [
    ['bad family', base({ family: 'we b' }), /^Family must be/],
    ['no memory anywhere', one({ memory: undefined }),
      /^Invalid setting for container 'app'\. At least one of 'memory' or 'memoryReservation' must be specified\.$/],
    ['memory below reservation', one({ memory: 10, memoryReservation: 20 }), /'memory' value must be greater/],
    ['duplicate names', base({ containerDefinitions: [{ name: 'a', image: 'x', memory: 1 }, { name: 'a', image: 'x', memory: 1 }] }),
      /Duplicate container name found: a/],
    ['no essential container', one({ essential: false }), /does not have any essential container/],
    ['bad container name', one({ name: 'a.b' }), /^Container name must be/],
    ['containerPort 0', one({ portMappings: [{ containerPort: 0 }] }), /Invalid 'containerPort'/],
    ['containerPort 65536', one({ portMappings: [{ containerPort: 65536 }] }), /Invalid 'containerPort'/],
    ['hostPort 70000', one({ portMappings: [{ containerPort: 80, hostPort: 70000 }] }), /Invalid 'hostPort'/],
    ['host mode with different ports', one({ portMappings: [{ containerPort: 80, hostPort: 81 }] }, { networkMode: 'host' }),
      /^When networkMode=host, the host ports and container ports in port mappings must match\.$/],
    ['awsvpc with different ports', one({ portMappings: [{ containerPort: 80, hostPort: 81 }] }, { networkMode: 'awsvpc' }),
      /^When networkMode=awsvpc, the host ports/],
    ['none with ports', one({ portMappings: [{ containerPort: 80 }] }, { networkMode: 'none' }), /networkMode=none/],
    ['interval 4', one({ healthCheck: { command: ['CMD', 'x'], interval: 4 } }), /'interval' must be between 5 and 300/],
    ['timeout 61', one({ healthCheck: { command: ['CMD', 'x'], timeout: 61 } }), /'timeout' must be between 2 and 60/],
    ['retries 0', one({ healthCheck: { command: ['CMD', 'x'], retries: 0 } }), /'retries' must be between 1 and 10/],
    ['startPeriod 301', one({ healthCheck: { command: ['CMD', 'x'], startPeriod: 301 } }), /'startPeriod' must be between 0 and 300/],
    ['empty command', one({ healthCheck: { command: [] } }), /'command' must not be empty/],
    ['no containers', base({ containerDefinitions: [] }), /cannot be empty/],
    ['a secret ARN of another service', one({ secrets: [{ name: 'A', valueFrom: 'arn:aws:s3:::bucket/key' }] }),
      /^Invalid 'secrets' setting for container 'app'\. The valueFrom of 'A' must be/],
    ['a secret ARN with too many parts', one({ secrets: [{ name: 'A', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:k:s:v:extra' }] }), /Invalid 'secrets' setting/],
    ['an ssm ARN without parameter/', one({ secrets: [{ name: 'A', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:document/x' }] }), /Invalid 'secrets' setting/],
    ['an empty valueFrom', one({ secrets: [{ name: 'A', valueFrom: '' }] }), /Invalid 'secrets' setting/],
    ['a duplicate secret name', one({ secrets: [{ name: 'A', valueFrom: 'x' }, { name: 'A', valueFrom: 'y' }] }), /Duplicate name 'A'/],
    ['repositoryCredentials naming an SSM parameter', one({ repositoryCredentials: { credentialsParameter: 'arn:aws:ssm:us-east-1:000000000000:parameter/x' } }),
      /^Invalid 'repositoryCredentials\.credentialsParameter' setting for container 'app'/],
    ['a malformed log secretOption', one({ logConfiguration: { logDriver: 'json-file', secretOptions: [{ name: 'k', valueFrom: 'arn:aws:iam::0:role/x' }] } }),
      /^Invalid 'logConfiguration\.secretOptions' setting/],
  ];
  for (const [name, input, message] of bad) {
    test(`rejects: ${name}`, () =>
      assert.throws(() => validateTaskDefinition(input), (e: unknown) => e instanceof AwsError && e.code === 'ClientException' && message.test(e.message)));
  }
});

describe('buildTaskDefinition', () => {
  const at = { arn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1', revision: 1, now: 5, registeredBy: 'me' };
  test('fills in the defaults ECS shows', () => {
    const td = buildTaskDefinition(one({ healthCheck: { command: ['CMD', 'x'] }, portMappings: [{ containerPort: 80 }] }), at);
    assert.equal(td.networkMode, 'bridge');
    assert.equal(td.status, 'ACTIVE');
    assert.equal(td.revision, 1);
    assert.deepEqual(td.compatibilities, ['EXTERNAL', 'EC2']);
    const c = td.containerDefinitions[0]!;
    assert.equal(c.essential, true);
    assert.equal(c.cpu, 0);
    assert.deepEqual(c.portMappings, [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }]);
    assert.deepEqual(c.healthCheck, { command: ['CMD', 'x'], interval: 30, timeout: 5, retries: 3 });
    assert.ok(td.requiresAttributes.some((a) => a.name === 'ecs.capability.container-health-check'));
    assert.equal('tags' in td, false);
  });
  test('host and awsvpc echo hostPort = containerPort; awsvpc with sizes is FARGATE-compatible', () => {
    const h = buildTaskDefinition(one({ portMappings: [{ containerPort: 81 }] }, { networkMode: 'host' }), at);
    assert.equal(h.containerDefinitions[0]!.portMappings![0]!.hostPort, 81);
    const v = buildTaskDefinition(one({ portMappings: [{ containerPort: 82 }] }, { networkMode: 'awsvpc', cpu: '256', memory: '512' }), at);
    assert.equal(v.containerDefinitions[0]!.portMappings![0]!.hostPort, 82);
    assert.deepEqual(v.compatibilities, ['EXTERNAL', 'EC2', 'FARGATE']);
  });
});
