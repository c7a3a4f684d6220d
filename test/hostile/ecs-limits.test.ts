/**
 * Hostile ECS input (issue 9) through the real API server and the AWS SDK: quotas that keep one
 * request from asking for unbounded work, sizes that could make a host report more than it has,
 * container settings the runtime would drop, and networkConfiguration as ECS checks it. Each is
 * refused fast with ECS's code and a message naming the field, nothing is stored, and Berth still
 * starts on the data dir afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ECSClient,
  CreateClusterCommand,
  CreateServiceCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
} from '@aws-sdk/client-ecs';
import { startBerth, type RunningBerth } from '../../src/main/up.js';
import { parseUpConfig } from '../../src/main/config.js';
import { silentLogger } from '../../src/platform/logger.js';
import { defaultNetwork } from '../../src/domain/ec2/default-network.js';
import { ecsClient } from '../support/sdk-clients.js';

const QUOTA_FLAGS = ['--max-services-per-cluster', '3'];

describe('hostile ECS input is refused, fast, with ECS errors', () => {
  let dataDir: string;
  let berth: RunningBerth;
  let ecs: ECSClient;
  const cluster = `limits-${Math.random().toString(36).slice(2, 8)}`;
  const start = async () => {
    berth = await startBerth(parseUpConfig(['--data-dir', dataDir, '--api-port', '0', '--no-demo', ...QUOTA_FLAGS], {}), silentLogger, { withAgent: false });
    ecs = ecsClient(berth.apiUrl, { region: 'us-east-1', credentials: { accessKeyId: 'berth', secretAccessKey: 'berth' }, maxAttempts: 1 });
  };
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'berth-hostile-limits-'));
    await start();
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'lim', containerDefinitions: [{ name: 'app', image: 'x', memory: 64 }] }));
  });
  after(async () => {
    ecs?.destroy();
    await berth?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The call's error as `Code: message`, and how long it took. */
  const failure = async (p: Promise<unknown>): Promise<{ error: string; ms: number }> => {
    const t0 = performance.now();
    try {
      await p;
    } catch (e) {
      const err = e as { name: string; message: string };
      return { error: `${err.name}: ${err.message}`, ms: performance.now() - t0 };
    }
    throw new Error('the request was accepted');
  };

  test('desiredCount above the tasks-per-service quota (5,000) is refused at once, on create and update', async () => {
    for (const desiredCount of [5001, 5_000_000, 2 ** 31 - 1]) {
      const f = await failure(ecs.send(new CreateServiceCommand({ cluster, serviceName: 'big', taskDefinition: 'lim', desiredCount })));
      assert.equal(f.error, 'InvalidParameterException: Desired count exceeds limit.');
      assert.ok(f.ms < 2000, `answered in ${f.ms} ms`);
    }
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'small', taskDefinition: 'lim', desiredCount: 0 }));
    const u = await failure(ecs.send(new UpdateServiceCommand({ cluster, service: 'small', desiredCount: 2 ** 31 - 1 })));
    assert.equal(u.error, 'InvalidParameterException: Desired count exceeds limit.');
    const listed = await ecs.send(new ListServicesCommand({ cluster }));
    assert.deepEqual(
      listed.serviceArns?.map((a) => a.split('/').pop()),
      ['small'],
    );
  });

  test('negative grace periods and deployment percentages are refused, naming the field', async () => {
    const base = { cluster, serviceName: 'neg', taskDefinition: 'lim', desiredCount: 0 };
    assert.match(
      (await failure(ecs.send(new CreateServiceCommand({ ...base, healthCheckGracePeriodSeconds: -1 })))).error,
      /^InvalidParameterException: healthCheckGracePeriodSeconds must be between 0 and 2147483647\.$/,
    );
    assert.match(
      (await failure(ecs.send(new CreateServiceCommand({ ...base, deploymentConfiguration: { maximumPercent: -50 } })))).error,
      /^InvalidParameterException: deploymentConfiguration\.maximumPercent /,
    );
    assert.match(
      (await failure(ecs.send(new CreateServiceCommand({ ...base, deploymentConfiguration: { minimumHealthyPercent: -1 } })))).error,
      /^InvalidParameterException: deploymentConfiguration\.minimumHealthyPercent must be between 0 and 100\.$/,
    );
  });

  test('task definitions: 150 containers, 100 KiB, negative and zero sizes', async () => {
    const many: ContainerDefinition[] = Array.from({ length: 150 }, (_, i) => ({ name: `c${i}`, image: 'x', memory: 6 }));
    assert.match(
      (await failure(ecs.send(new RegisterTaskDefinitionCommand({ family: 'many', containerDefinitions: many })))).error,
      /^ClientException: Too many containers: containerDefinitions holds 150, and a task definition can hold at most 10\.$/,
    );
    const big = [{ name: 'app', image: 'x', memory: 64, environment: [{ name: 'BIG', value: 'x'.repeat(100 * 1024) }] }];
    assert.match(
      (await failure(ecs.send(new RegisterTaskDefinitionCommand({ family: 'big', containerDefinitions: big })))).error,
      /^ClientException: The task definition is \d+ bytes; the maximum size is 65536 bytes \(64 KiB\)\.$/,
    );
    const sized = (c: Partial<ContainerDefinition>, task: { cpu?: string; memory?: string } = {}) =>
      failure(ecs.send(new RegisterTaskDefinitionCommand({ family: 'neg', containerDefinitions: [{ name: 'app', image: 'x', memory: 64, ...c }], ...task })));
    assert.equal((await sized({ memory: -128 })).error, "ClientException: Invalid 'memory' setting for container 'app'. The minimum is 6 MiB.");
    assert.equal((await sized({ memory: 0 })).error, "ClientException: Invalid 'memory' setting for container 'app'. The minimum is 6 MiB.");
    assert.equal((await sized({ cpu: -5000 })).error, "ClientException: Invalid 'cpu' setting for container 'app'.");
    assert.equal((await sized({}, { cpu: '-1024' })).error, "ClientException: Invalid 'cpu' setting for task.");
    assert.equal((await sized({}, { memory: '0' })).error, "ClientException: Invalid 'memory' setting for task.");
  });

  test('container settings the runtime would drop are refused at registration', async () => {
    const reg = (c: Partial<ContainerDefinition>) =>
      failure(ecs.send(new RegisterTaskDefinitionCommand({ family: 'drop', containerDefinitions: [{ name: 'app', image: 'x', memory: 64, ...c }] })));
    // privileged and a docker.sock bind register (ECS takes them); the agent stops such a task unless --allow-privileged (test/integration/volumes-docker.test.ts).
    assert.match(
      (await reg({ mountPoints: [{ sourceVolume: 'sock', containerPath: '/var/run/docker.sock' }] })).error,
      /^ClientException: Invalid volume reference: mountPoints of container 'app' names sourceVolume 'sock'/,
    );
    assert.match(
      (await reg({ linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } } })).error,
      /^ClientException: containerDefinitions\[0\]\.linuxParameters\.capabilities /,
    );
    assert.match(
      (await reg({ linuxParameters: { devices: [{ hostPath: '/dev/mem' }] } })).error,
      /^ClientException: containerDefinitions\[0\]\.linuxParameters\.devices /,
    );
    // secrets are honoured now; a malformed reference is still refused at registration.
    assert.match(
      (await reg({ secrets: [{ name: 'A', valueFrom: 'arn:aws:ssm:x' }] })).error,
      /^ClientException: Invalid 'secrets' setting for container 'app'/,
    );
  });

  test('networkConfiguration is checked as ECS checks it', async () => {
    const subnet = defaultNetwork('000000000000', 'us-east-1').Subnets[0]!.SubnetId;
    const run = (awsvpcConfiguration: { subnets: string[]; securityGroups?: string[] }) =>
      failure(ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'lim', networkConfiguration: { awsvpcConfiguration } })));
    assert.equal((await run({ subnets: [] })).error, 'InvalidParameterException: subnets can not be empty.');
    assert.equal(
      (await run({ subnets: ['subnet-0000000000000dead'] })).error,
      "InvalidParameterException: Error retrieving subnet information for [subnet-0000000000000dead]: The subnet ID 'subnet-0000000000000dead' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
    );
    assert.equal(
      (await run({ subnets: [subnet], securityGroups: ['sg-0000000000000dead'] })).error,
      "InvalidParameterException: Error retrieving security group information for [sg-0000000000000dead]: The security group 'sg-0000000000000dead' does not exist (ErrorCode: InvalidGroup.NotFound)",
    );
    assert.equal(
      (await run({ subnets: [subnet] })).error,
      'InvalidParameterException: Network Configuration is not valid for the given networkMode of this task definition.',
    );
    const svc = await failure(
      ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: 'vpc',
          taskDefinition: 'lim',
          desiredCount: 0,
          networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
        }),
      ),
    );
    assert.equal(svc.error, 'InvalidParameterException: Network Configuration is not valid for the given networkMode of this task definition.');
    assert.match(
      (
        await failure(
          ecs.send(
            new RegisterTaskDefinitionCommand({
              family: 'vpc',
              networkMode: 'awsvpc',
              containerDefinitions: [{ name: 'app', image: 'x', memory: 64 }],
            }),
          ),
        )
      ).error,
      /^ClientException: networkMode 'awsvpc' is not supported by Berth: /,
    );
  });

  test('services per cluster stop at the configured quota; Berth restarts on the same data dir', async () => {
    // 'small' exists from the first test; the quota here is 3.
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'q2', taskDefinition: 'lim', desiredCount: 0 }));
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'q3', taskDefinition: 'lim', desiredCount: 0 }));
    const f = await failure(ecs.send(new CreateServiceCommand({ cluster, serviceName: 'q4', taskDefinition: 'lim', desiredCount: 0 })));
    assert.equal(f.error, 'InvalidParameterException: The cluster already holds the maximum number of services (3); delete one first.');
    // Creating an existing service again (idempotent) is not a new one.
    await ecs
      .send(new CreateServiceCommand({ cluster, serviceName: 'q3', taskDefinition: 'lim', desiredCount: 0, clientToken: 'same' }))
      .catch(() => undefined);
    ecs.destroy();
    await berth.stop();
    await start();
    const listed = await ecs.send(new ListServicesCommand({ cluster }));
    assert.equal(listed.serviceArns?.length, 3);
  });
});
