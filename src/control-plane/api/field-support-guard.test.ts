import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FIELD_SUPPORT } from '../../domain/field-support.js';
import { loadModel, type ServiceModel } from './model.js';
import { createEcsHandlers } from '../ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../ec2/ec2-handlers.js';
import { createSsmHandlers } from '../ssm/ssm-handlers.js';
import { createSecretsManagerHandlers } from '../secrets-manager/secrets-manager-handlers.js';
import { createAcmService } from '../acm/acm-handlers.js';
import { createLogsHandlers } from '../logs/logs-handlers.js';
import { createStsHandlers } from '../sts/sts-handlers.js';
import { SERVICE_NAMES } from './service-table.js';
import { ecsKit, awsError } from '../ecs/ecs-test-kit.js';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { createAutoScalingHandlers } from '../autoscaling/autoscaling-handlers.js';
import { createCloudWatchHandlers } from '../cloudwatch/cloudwatch-handlers.js';
import { MemoryMetricStore } from '../cloudwatch/memory-metric-store.js';

/** Member paths of a shape, `[]` for list items, down to `depth` levels. */
function memberPaths(model: ServiceModel, shapeName: string, prefix: string, depth: number): string[] {
  const shape = model.shape(shapeName);
  if (shape.type === 'list') return memberPaths(model, shape.member!.shape, `${prefix}[]`, depth);
  if (shape.type !== 'structure' || depth === 0) return [];
  const out: string[] = [];
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const p = prefix ? `${prefix}.${name}` : name;
    out.push(p, ...memberPaths(model, ref.shape, p, depth - 1));
  }
  return out;
}

describe('the field-support table covers the model', () => {
  const model = loadModel('ecs');
  const operations = Object.keys(createEcsHandlers({ store: new MemoryStore(), clock: new ManualClock(), random: seededRandom(1) }));

  test('every top-level member of every ECS operation Berth serves has a decision', () => {
    const missing: string[] = [];
    for (const op of operations) {
      const input = model.operations.get(op)?.input;
      if (!input) continue;
      for (const p of memberPaths(model, input.shape, '', 1)) if (!FIELD_SUPPORT.ecs[op]?.[p]) missing.push(`${op}.${p}`);
    }
    assert.deepEqual(missing, []);
  });

  test('and every top-level member of every operation of every other service Berth serves', () => {
    const missing: string[] = [];
    const deps = { store: new MemoryStore(), clock: new ManualClock(), random: seededRandom(1) };
    // Building handler sets only names their operations; nothing here calls them.
    const served: Record<(typeof SERVICE_NAMES)[number], string[]> = {
      ecs: operations,
      elbv2: Object.keys(createElbv2Handlers({ ...deps, checkListenerPort: async () => undefined } as never)),
      ec2: Object.keys(createEc2Handlers(deps as never)),
      sts: Object.keys(createStsHandlers()),
      ssm: Object.keys(createSsmHandlers(deps as never)),
      secretsmanager: Object.keys(createSecretsManagerHandlers(deps as never)),
      logs: Object.keys(createLogsHandlers(deps as never)),
      acm: Object.keys(createAcmService(deps as never).handlers),
      applicationautoscaling: Object.keys(createAutoScalingHandlers({ store: deps.store, random: deps.random })),
      cloudwatch: Object.keys(createCloudWatchHandlers({ store: deps.store, metrics: new MemoryMetricStore() })),
    };
    for (const service of SERVICE_NAMES) {
      const m = loadModel(service);
      assert.ok(served[service].length > 0, `${service} serves operations`);
      for (const op of served[service]) {
        const input = m.operations.get(op)?.input;
        if (!input) continue;
        assert.ok(FIELD_SUPPORT[service][op], `${service} ${op} has a table entry`);
        for (const p of memberPaths(m, input.shape, '', 1)) if (!FIELD_SUPPORT[service][op]?.[p]) missing.push(`${service} ${op}.${p}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  test('so does every member of what users write by hand: container definitions, overrides, deployment configuration', () => {
    const deep: [string, string, string][] = [
      ['RegisterTaskDefinition', 'ContainerDefinitions', 'containerDefinitions'],
      ['RegisterTaskDefinition', 'RuntimePlatform', 'runtimePlatform'],
      ['RunTask', 'TaskOverride', 'overrides'],
      ['StartTask', 'TaskOverride', 'overrides'],
      ['CreateService', 'DeploymentConfiguration', 'deploymentConfiguration'],
      ['UpdateService', 'DeploymentConfiguration', 'deploymentConfiguration'],
      ['CreateService', 'LoadBalancers', 'loadBalancers'],
    ];
    const missing: string[] = [];
    for (const [op, shape, prefix] of deep) {
      for (const p of memberPaths(model, shape, prefix, 1)) if (!FIELD_SUPPORT.ecs[op]?.[p]) missing.push(`${op}.${p}`);
    }
    for (const p of memberPaths(model, 'ContainerOverrides', 'overrides.containerOverrides', 1)) {
      if (!FIELD_SUPPORT.ecs.RunTask?.[p]) missing.push(`RunTask.${p}`);
    }
    for (const p of memberPaths(model, 'PortMappingList', 'containerDefinitions[].portMappings', 1)) {
      if (!FIELD_SUPPORT.ecs.RegisterTaskDefinition?.[p]) missing.push(`RegisterTaskDefinition.${p}`);
    }
    assert.deepEqual(missing, []);
  });

  test('every path in the table is a member the model has (no typo can hide a refusal)', () => {
    for (const service of SERVICE_NAMES) {
      const m = loadModel(service);
      for (const [op, members] of Object.entries(FIELD_SUPPORT[service])) {
        const input = m.operations.get(op)?.input;
        assert.ok(input, `${service} ${op} is an operation`);
        const known = new Set(memberPaths(m, input.shape, '', 6));
        for (const p of Object.keys(members)) assert.ok(known.has(p), `${service} ${op}: ${p} is not in the model`);
      }
    }
  });
});

describe('refused members fail the request before the handler runs', () => {
  const td = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 64 }] };
  const c0 = td.containerDefinitions[0]!;
  const refusedTaskDefinitions: [string, object, RegExp][] = [
    ['environmentFiles', { containerDefinitions: [{ ...c0, environmentFiles: [{ value: 'arn:x', type: 's3' }] }] }, /environmentFiles/],
    ['firelensConfiguration', { containerDefinitions: [{ ...c0, firelensConfiguration: { type: 'fluentbit' } }] }, /firelensConfiguration/],
    ['capabilities', { containerDefinitions: [{ ...c0, linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } } }] }, /linuxParameters/],
    ['EFS volumes', { volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] }, /^volumes\[0\]\.efsVolumeConfiguration is not supported/],
    [
      'tmpfs',
      { containerDefinitions: [{ ...c0, linuxParameters: { initProcessEnabled: true, tmpfs: [{ containerPath: '/t', size: 1 }] } }] },
      /^containerDefinitions\[0\]\.linuxParameters\.tmpfs is not supported/,
    ],
    ['devices', { containerDefinitions: [{ ...c0, linuxParameters: { devices: [{ hostPath: '/dev/kvm' }] } }] }, /linuxParameters/],
    [
      'awsvpc',
      { networkMode: 'awsvpc' },
      /^networkMode 'awsvpc' is not supported by Berth: awsvpc: a network namespace and address per task would put targets on Docker's bridge subnet/,
    ],
  ];
  for (const [name, over, message] of refusedTaskDefinitions) {
    test(`RegisterTaskDefinition refuses ${name} with ClientException`, async () => {
      const k = ecsKit();
      await assert.rejects(k.call('RegisterTaskDefinition', { ...td, ...over }), awsError('ClientException', message));
    });
  }

  test('switches left off, absent values and honoured members pass', async () => {
    const k = ecsKit();
    const r = await k.call('RegisterTaskDefinition', {
      ...td,
      taskRoleArn: 'arn:aws:iam::000000000000:role/x',
      containerDefinitions: [{ ...c0, privileged: false, secrets: [], mountPoints: [], linuxParameters: {}, hostname: '' }],
    });
    assert.equal(r.taskDefinition.revision, 1);
  });

  test("ECS's own rule speaks before the table: FARGATE in bridge mode", async () => {
    const k = ecsKit();
    await assert.rejects(
      k.call('RegisterTaskDefinition', { ...td, requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' }),
      awsError('ClientException', "Fargate only supports network mode 'awsvpc'."),
    );
  });

  test('services: DAEMON with a desiredCount, traffic-shifting strategies without load balancers, lifecycle hooks, registries, Service Connect, capacity providers', async () => {
    const k = ecsKit();
    await k.call('CreateCluster', {});
    await k.taskDefinition();
    const base = { serviceName: 's', taskDefinition: 'web', desiredCount: 1 };
    const cases: [object, RegExp][] = [
      [{ schedulingStrategy: 'DAEMON' }, /^The daemon scheduling strategy does not support a desired count for services\. /],
      [{ deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 } }, /^deploymentConfiguration\.strategy BLUE_GREEN needs loadBalancers/],
      [
        { deploymentConfiguration: { lifecycleHooks: [{ hookTargetArn: 'arn:x', lifecycleStages: ['SCALE_UP'] }] } },
        /^deploymentConfiguration\.lifecycleHooks/,
      ],
      [{ serviceRegistries: [{ registryArn: 'arn:x' }] }, /^serviceRegistries/],
      [{ serviceConnectConfiguration: { enabled: true } }, /^serviceConnectConfiguration/],
      [{ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }, /^capacityProviderStrategy/],
    ];
    for (const [over, message] of cases) {
      await assert.rejects(k.call('CreateService', { ...base, ...over }), awsError('InvalidParameterException', message));
    }
    // REPLICA and ROLLING are what Berth does.
    const ok = await k.call('CreateService', { ...base, schedulingStrategy: 'REPLICA', deploymentConfiguration: { strategy: 'ROLLING' } });
    assert.equal(ok.service.schedulingStrategy, 'REPLICA');
    await assert.rejects(
      k.call('UpdateService', { service: 's', deploymentConfiguration: { strategy: 'CANARY' } }),
      awsError('InvalidParameterException', /strategy CANARY needs loadBalancers/),
    );
  });

  test('clusters: capacityProviders are refused, not dropped', async () => {
    const k = ecsKit();
    await assert.rejects(
      k.call('CreateCluster', { clusterName: 'c', capacityProviders: ['FARGATE'] }),
      awsError('InvalidParameterException', /^capacityProviders is not supported by Berth: /),
    );
  });
});

describe('every service answers a refused member with its own code, before its handler runs', () => {
  // The handlers get no store: a refusal must come from the guard, before any of them could touch one.
  const none = {} as never;
  const cases: [string, () => Promise<unknown>, string, RegExp][] = [
    [
      'ssm KeyId',
      () => createSsmHandlers(none).PutParameter!({ Name: 'p', Value: 'v', Type: 'SecureString', KeyId: 'alias/mine' }, none),
      'InvalidKeyId',
      /^KeyId 'alias\/mine' is not supported by Berth: /,
    ],
    ['ssm Policies', () => createSsmHandlers(none).PutParameter!({ Name: 'p', Value: 'v', Policies: '[]' }, none), 'ValidationException', /^Policies /],
    [
      'ssm ResourceType',
      () => createSsmHandlers(none).ListTagsForResource!({ ResourceType: 'Document', ResourceId: 'd' }, none),
      'InvalidResourceType',
      /ResourceType 'Document'/,
    ],
    [
      'secretsmanager AddReplicaRegions',
      () => createSecretsManagerHandlers(none).CreateSecret!({ Name: 's', AddReplicaRegions: [{ Region: 'eu-west-1' }] }, none),
      'InvalidParameterException',
      /^AddReplicaRegions /,
    ],
    [
      'secretsmanager RotationToken',
      () => createSecretsManagerHandlers(none).PutSecretValue!({ SecretId: 's', RotationToken: 't' }, none),
      'InvalidParameterException',
      /^RotationToken /,
    ],
    ['logs kmsKeyId', () => createLogsHandlers(none).CreateLogGroup!({ logGroupName: 'g', kmsKeyId: 'k' }, none), 'InvalidParameterException', /^kmsKeyId 'k'/],
    [
      'logs unmask',
      () => createLogsHandlers(none).GetLogEvents!({ logGroupName: 'g', logStreamName: 's', unmask: true }, none),
      'InvalidParameterException',
      /^unmask /,
    ],
    ['ec2 Ipv6Pool', () => createEc2Handlers(none).CreateVpc!({ CidrBlock: '10.0.0.0/16', Ipv6Pool: 'p' }, none), 'UnsupportedOperation', /^Ipv6Pool 'p'/],
    [
      'elbv2 IpamPools',
      () => createElbv2Handlers(none).CreateLoadBalancer!({ Name: 'n', IpamPools: { Ipv4IpamPoolId: 'x' } }, none),
      'InvalidConfigurationRequest',
      /^IpamPools /,
    ],
  ];
  for (const [name, call, code, message] of cases) {
    test(name, async () => {
      await assert.rejects(call(), awsError(code, message));
    });
  }
  test('values left off or at the only one Berth has pass to the handler', async () => {
    // The handler then fails on the missing store, which shows the guard let the request through.
    await assert.rejects(
      createSsmHandlers(none).PutParameter!({ Name: 'p', Value: 'v', Type: 'SecureString', KeyId: 'alias/aws/ssm', DataType: 'text' }, none),
      (e: unknown) => !(e instanceof Error && /not supported by Berth/.test(e.message)),
    );
  });
});
