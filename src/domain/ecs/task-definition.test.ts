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
    [
      'secrets from both stores, every valueFrom shape',
      one({
        secrets: [
          { name: 'A', valueFrom: '/app/token' },
          { name: 'B', valueFrom: 'plain' },
          { name: 'C', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/token' },
          { name: 'D', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf' },
          { name: 'E', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:password::' },
          { name: 'F', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf::AWSPREVIOUS:' },
          { name: 'G', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:k::0123' },
        ],
      }),
    ],
    [
      'repositoryCredentials by ARN or name',
      one({ repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf' } }),
    ],
    ['repositoryCredentials by name', one({ repositoryCredentials: { credentialsParameter: 'regcreds' } })],
    ['log secretOptions', one({ logConfiguration: { logDriver: 'json-file', secretOptions: [{ name: 'k', valueFrom: '/log/key' }] } })],
    [
      'a non-essential sidecar next to an essential one',
      base({
        containerDefinitions: [
          { name: 'a', image: 'x', memory: 6 },
          { name: 'b', image: 'x', memory: 6, essential: false },
        ],
      }),
    ],
  ];
  ok.push(
    ['task sizes in vCPU and GB', base({ cpu: '0.25 vCPU', memory: '0.5 GB' })],
    ['exactly 10 containers', base({ containerDefinitions: Array.from({ length: 10 }, (_, i) => ({ name: `c${i}`, image: 'x', memory: 6 })) })],
    ['FARGATE with a valid combination', base({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '1024', memory: '3072' })],
  );
  test('the container and size quotas are the ones given', () => {
    const eleven = base({ containerDefinitions: Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, image: 'x', memory: 6 })) });
    assert.doesNotThrow(() => validateTaskDefinition(eleven, { containersPerTaskDefinition: 11, taskDefinitionBytes: 65536 }));
    assert.throws(() => validateTaskDefinition(base(), { containersPerTaskDefinition: 10, taskDefinitionBytes: 100 }), /maximum size is 100 bytes/);
  });
  for (const [name, input] of ok) test(`accepts: ${name}`, () => assert.doesNotThrow(() => validateTaskDefinition(input)));

  const bad: [string, RegisterTaskDefinitionInput, RegExp][] = [
    ['bad family', base({ family: 'we b' }), /^Family must be/],
    [
      'no memory anywhere',
      one({ memory: undefined }),
      /^Invalid setting for container 'app'\. At least one of 'memory' or 'memoryReservation' must be specified\.$/,
    ],
    ['memory below reservation', one({ memory: 10, memoryReservation: 20 }), /'memory' value must be greater/],
    [
      'duplicate names',
      base({
        containerDefinitions: [
          { name: 'a', image: 'x', memory: 6 },
          { name: 'a', image: 'x', memory: 6 },
        ],
      }),
      /Duplicate container name found: a/,
    ],
    ['no essential container', one({ essential: false }), /does not have any essential container/],
    ['bad container name', one({ name: 'a.b' }), /^Container name must be/],
    ['containerPort 0', one({ portMappings: [{ containerPort: 0 }] }), /Invalid 'containerPort'/],
    ['containerPort 65536', one({ portMappings: [{ containerPort: 65536 }] }), /Invalid 'containerPort'/],
    ['hostPort 70000', one({ portMappings: [{ containerPort: 80, hostPort: 70000 }] }), /Invalid 'hostPort'/],
    [
      'host mode with different ports',
      one({ portMappings: [{ containerPort: 80, hostPort: 81 }] }, { networkMode: 'host' }),
      /^When networkMode=host, the host ports and container ports in port mappings must match\.$/,
    ],
    [
      'awsvpc with different ports',
      one({ portMappings: [{ containerPort: 80, hostPort: 81 }] }, { networkMode: 'awsvpc' }),
      /^When networkMode=awsvpc, the host ports/,
    ],
    ['none with ports', one({ portMappings: [{ containerPort: 80 }] }, { networkMode: 'none' }), /networkMode=none/],
    ['interval 4', one({ healthCheck: { command: ['CMD', 'x'], interval: 4 } }), /'interval' must be between 5 and 300/],
    ['timeout 61', one({ healthCheck: { command: ['CMD', 'x'], timeout: 61 } }), /'timeout' must be between 2 and 60/],
    ['retries 0', one({ healthCheck: { command: ['CMD', 'x'], retries: 0 } }), /'retries' must be between 1 and 10/],
    ['startPeriod 301', one({ healthCheck: { command: ['CMD', 'x'], startPeriod: 301 } }), /'startPeriod' must be between 0 and 300/],
    ['empty command', one({ healthCheck: { command: [] } }), /'command' must not be empty/],
    ['no containers', base({ containerDefinitions: [] }), /cannot be empty/],
    ['negative container memory', one({ memory: -128 }), /^Invalid 'memory' setting for container 'app'\. The minimum is 6 MiB\.$/],
    ['zero container memory', one({ memory: 0 }), /^Invalid 'memory' setting for container 'app'/],
    ['5 MiB of memory', one({ memory: 5 }), /^Invalid 'memory' setting for container 'app'/],
    ['negative memoryReservation', one({ memory: undefined, memoryReservation: -1 }), /^Invalid 'memoryReservation' setting for container 'app'/],
    ['negative container cpu', one({ cpu: -5000 }), /^Invalid 'cpu' setting for container 'app'\.$/],
    ['fractional container cpu', one({ cpu: 1.5 }), /^Invalid 'cpu' setting for container 'app'\.$/],
    ['negative stopTimeout', one({ stopTimeout: -1 }), /^Invalid 'stopTimeout' setting for container 'app'\.$/],
    ['negative task cpu', base({ cpu: '-1024' }), /^Invalid 'cpu' setting for task\.$/],
    ['zero task cpu', base({ cpu: '0' }), /^Invalid 'cpu' setting for task\.$/],
    ['task cpu below 128', base({ cpu: '64' }), /^Invalid 'cpu' setting for task\.$/],
    ['unreadable task cpu', base({ cpu: 'lots' }), /^Invalid 'cpu' setting for task\.$/],
    ['zero task memory', base({ memory: '0' }), /^Invalid 'memory' setting for task\.$/],
    ['negative task memory', base({ memory: '-512' }), /^Invalid 'memory' setting for task\.$/],
    ['container memory above the task memory', one({ memory: 1024 }, { memory: '512' }), /It must not exceed the task's memory \(512 MiB\)/],
    [
      'containers reserving more than the task',
      base({
        memory: '256',
        containerDefinitions: [
          { name: 'a', image: 'x', memoryReservation: 200 },
          { name: 'b', image: 'x', memoryReservation: 200 },
        ],
      }),
      /^Invalid 'memory' setting for task\. The containers reserve 400 MiB/,
    ],
    [
      '11 containers',
      base({ containerDefinitions: Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, image: 'x', memory: 6 })) }),
      /^Too many containers: containerDefinitions holds 11, and a task definition can hold at most 10\.$/,
    ],
    [
      'over 64 KiB',
      one({ environment: [{ name: 'BIG', value: 'x'.repeat(70_000) }] }),
      /^The task definition is \d+ bytes; the maximum size is 65536 bytes \(64 KiB\)\.$/,
    ],
    ['FARGATE in bridge mode', base({ requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' }), /^Fargate only supports network mode 'awsvpc'\.$/],
    [
      'FARGATE without task cpu',
      base({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', memory: '512' }),
      /^Fargate requires that 'cpu' be defined at the task level\.$/,
    ],
    [
      'FARGATE with an invalid combination',
      base({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '4096' }),
      /^No Fargate configuration exists for given values\.$/,
    ],
    [
      'FARGATE with pidMode host',
      base({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '1 vCPU', memory: '2 GB', pidMode: 'host' }),
      /^Fargate does not support pidMode 'host'/,
    ],
    [
      'a secret ARN of another service',
      one({ secrets: [{ name: 'A', valueFrom: 'arn:aws:s3:::bucket/key' }] }),
      /^Invalid 'secrets' setting for container 'app'\. The valueFrom of 'A' must be/,
    ],
    [
      'a secret ARN with too many parts',
      one({ secrets: [{ name: 'A', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:k:s:v:extra' }] }),
      /Invalid 'secrets' setting/,
    ],
    [
      'an ssm ARN without parameter/',
      one({ secrets: [{ name: 'A', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:document/x' }] }),
      /Invalid 'secrets' setting/,
    ],
    ['an empty valueFrom', one({ secrets: [{ name: 'A', valueFrom: '' }] }), /Invalid 'secrets' setting/],
    [
      'a duplicate secret name',
      one({
        secrets: [
          { name: 'A', valueFrom: 'x' },
          { name: 'A', valueFrom: 'y' },
        ],
      }),
      /Duplicate name 'A'/,
    ],
    [
      'repositoryCredentials naming an SSM parameter',
      one({ repositoryCredentials: { credentialsParameter: 'arn:aws:ssm:us-east-1:000000000000:parameter/x' } }),
      /^Invalid 'repositoryCredentials\.credentialsParameter' setting for container 'app'/,
    ],
    [
      'a malformed log secretOption',
      one({ logConfiguration: { logDriver: 'json-file', secretOptions: [{ name: 'k', valueFrom: 'arn:aws:iam::0:role/x' }] } }),
      /^Invalid 'logConfiguration\.secretOptions' setting/,
    ],
  ];
  for (const [name, input, message] of bad) {
    test(`rejects: ${name}`, () =>
      assert.throws(
        () => validateTaskDefinition(input),
        (e: unknown) => e instanceof AwsError && e.code === 'ClientException' && message.test(e.message),
      ));
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
  test('task sizes are stored as CPU units and MiB, as ECS stores them', () => {
    const td = buildTaskDefinition(base({ cpu: '1 vCPU', memory: '2 GB' }), at);
    assert.equal(td.cpu, '1024');
    assert.equal(td.memory, '2048');
  });
});

describe('validateTaskDefinition: dependsOn and startTimeout', () => {
  const hc = { command: ['CMD-SHELL', 'true'] };
  const two = (app: object, side: object) =>
    base({
      containerDefinitions: [
        { name: 'app', image: 'x', memory: 6, ...app },
        { name: 'side', image: 'x', memory: 6, ...side },
      ],
    });
  const refused = (input: RegisterTaskDefinitionInput, message: string) =>
    assert.throws(
      () => validateTaskDefinition(input),
      (e: unknown) => e instanceof AwsError && e.code === 'ClientException' && e.message === message,
    );

  test('every condition on a container that can meet it is accepted, with a startTimeout', () => {
    for (const condition of ['START', 'HEALTHY'])
      validateTaskDefinition(two({ dependsOn: [{ containerName: 'side', condition }] }, { healthCheck: hc, startTimeout: 30 }));
    for (const condition of ['COMPLETE', 'SUCCESS']) validateTaskDefinition(two({ dependsOn: [{ containerName: 'side', condition }] }, { essential: false }));
  });

  test('a HEALTHY dependency without a healthCheck is refused', () => {
    refused(
      two({ dependsOn: [{ containerName: 'side', condition: 'HEALTHY' }] }, {}),
      "Invalid 'dependsOn' setting for container 'app'. The HEALTHY condition requires container 'side' to have a healthCheck.",
    );
  });

  test('COMPLETE or SUCCESS on an essential container is refused', () => {
    refused(
      two({ dependsOn: [{ containerName: 'side', condition: 'SUCCESS' }] }, {}),
      "Invalid 'dependsOn' setting for container 'app'. The SUCCESS condition cannot be set on the essential container 'side'.",
    );
  });

  test('an unknown container and an unknown condition are refused by name', () => {
    refused(
      two({ dependsOn: [{ containerName: 'nope', condition: 'START' }] }, {}),
      "Invalid 'dependsOn' setting for container 'app'. Container 'nope' does not exist in the task definition.",
    );
    refused(
      two({ dependsOn: [{ containerName: 'side', condition: 'READY' }] }, {}),
      "Invalid 'dependsOn' setting for container 'app'. 'condition' must be one of START, COMPLETE, SUCCESS, HEALTHY.",
    );
  });

  test('cycles are refused, naming the chain; so is a container depending on itself', () => {
    refused(
      two({ dependsOn: [{ containerName: 'side', condition: 'START' }] }, { dependsOn: [{ containerName: 'app', condition: 'START' }] }),
      "Invalid 'dependsOn' setting for container 'app'. Circular dependency between containers: app -> side -> app.",
    );
    refused(
      two({ dependsOn: [{ containerName: 'app', condition: 'START' }] }, {}),
      "Invalid 'dependsOn' setting for container 'app'. Circular dependency between containers: app -> app.",
    );
  });

  test('a negative or fractional startTimeout is refused', () => {
    refused(two({}, { startTimeout: -1 }), "Invalid 'startTimeout' setting for container 'side'.");
    refused(two({}, { startTimeout: 1.5 }), "Invalid 'startTimeout' setting for container 'side'.");
  });
});
