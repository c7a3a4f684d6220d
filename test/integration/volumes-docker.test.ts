/**
 * Volumes and container options end to end: the ECS SDK registers and runs, the agent provisions on
 * real Docker (task-scoped volume created for the task, removed with it), the agent without
 * --allow-privileged stops privileged and Docker-socket tasks before start, the process runtime stops
 * what it cannot honour, and bad volume references are ClientExceptions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import {
  ClientException,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type ContainerDefinition,
  type Volume,
} from '@aws-sdk/client-ecs';
import { DockerRuntime } from '../../src/agent/runtime/docker-runtime.js';
import { ProcessRuntime } from '../../src/agent/runtime/process-runtime.js';
import { BERTH_LABELS } from '../../src/agent/runtime/runtime.js';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { rejectsWith } from '../support/ecs-sdk-server.js';
import { ensureTestImage } from '../support/test-image.js';
import { removeClusterContainers, startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from './agent-harness.js';
import { eventually } from '../support/eventually.js';

const docker = new Docker();
const wait = { maxWaitTime: 40, minDelay: 1, maxDelay: 1 };

async function register(cp: TestControlPlane, family: string, containers: ContainerDefinition[], volumes: Volume[] = []): Promise<void> {
  await cp.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: containers, volumes }));
}

async function runToStop(cp: TestControlPlane, family: string): Promise<{ stopCode?: string; stoppedReason?: string }> {
  const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: family }));
  const arn = run.tasks![0]!.taskArn!;
  await waitUntilTasksStopped({ client: cp.ecs, ...wait }, { cluster: cp.cluster, tasks: [arn] });
  const t = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: [arn] }))).tasks![0]!;
  return { ...(t.stopCode ? { stopCode: t.stopCode } : {}), ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}) };
}

describe('volumes and container options through the agent on Docker', { skip: requirement('docker'), timeout: 120_000 }, () => {
  let cp: TestControlPlane;
  let image: string;

  before(async () => {
    image = await ensureTestImage();
    cp = await startControlPlane();
    // Exited containers go 1.5 s after their task stops, and with them the task's volumes.
    await startTestAgent(cp, { runtime: new DockerRuntime({ docker }), stateDir: tempStateDir(cp, 'agent'), containerRetentionMs: 1_500 });
  });

  after(async () => {
    if (cp) removeClusterContainers(cp.cluster);
    await cp?.close();
  });

  test('a mountPoint naming no volume, and autoprovision on a task-scoped volume, are ClientExceptions', async () => {
    await rejectsWith(
      register(cp, 'badref', [{ name: 'app', image, memory: 32, mountPoints: [{ sourceVolume: 'nope', containerPath: '/data' }] }], [{ name: 'data' }]),
      ClientException,
      /Invalid volume reference: .*container 'app'.*sourceVolume 'nope'/,
    );
    await rejectsWith(
      register(cp, 'badscope', [{ name: 'app', image, memory: 32 }], [{ name: 'd', dockerVolumeConfiguration: { scope: 'task', autoprovision: true } }]),
      ClientException,
      /autoprovision can be true only when the scope is shared/,
    );
    await rejectsWith(
      register(cp, 'badfrom', [{ name: 'app', image, memory: 32, volumesFrom: [{ sourceContainer: 'ghost' }] }]),
      ClientException,
      /volumesFrom.*'ghost'/,
    );
  });

  test('a task-scoped Docker volume is created for the task and removed with it', async () => {
    await register(
      cp,
      'scratch',
      [
        {
          name: 'app',
          image,
          memory: 32,
          entryPoint: ['/bin/sh', '-c'],
          command: ['echo hi > /data/f; sleep 60'],
          stopTimeout: 1,
          mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
        },
      ],
      [{ name: 'data', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } }],
    );
    const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'scratch' }));
    const arn = run.tasks![0]!.taskArn!;
    await waitUntilTasksRunning({ client: cp.ecs, ...wait }, { cluster: cp.cluster, tasks: [arn] });
    const volumesOfTask = async () => (await docker.listVolumes({ filters: { label: [`${BERTH_LABELS.taskArn}=${arn}`] } })).Volumes ?? [];
    assert.equal((await volumesOfTask()).length, 1);
    await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task: arn }));
    await waitUntilTasksStopped({ client: cp.ecs, ...wait }, { cluster: cp.cluster, tasks: [arn] });
    await eventually(async () => ((await volumesOfTask()).length === 0 ? true : undefined), {
      what: 'the task volume to go',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  });

  test('without --allow-privileged: privileged and a Docker socket mount stop before start, naming the field', async () => {
    await register(cp, 'priv', [{ name: 'app', image, memory: 32, command: ['true'], privileged: true }]);
    const p = await runToStop(cp, 'priv');
    assert.equal(p.stopCode, 'TaskFailedToStart');
    assert.match(p.stoppedReason ?? '', /container app: privileged is refused because this agent was not started with --allow-privileged/);
    await register(
      cp,
      'sock',
      [{ name: 'app', image, memory: 32, command: ['true'], mountPoints: [{ sourceVolume: 's', containerPath: '/var/run/docker.sock' }] }],
      [{ name: 's', host: { sourcePath: '/var/run' } }],
    );
    const s = await runToStop(cp, 'sock');
    assert.equal(s.stopCode, 'TaskFailedToStart');
    assert.match(s.stoppedReason ?? '', /sourceVolume 's' \(host.sourcePath \/var\/run\) reaches the Docker socket/);
  });
});

describe('the process runtime refuses what it cannot honour', { timeout: 60_000 }, () => {
  let cp: TestControlPlane;
  before(async () => {
    cp = await startControlPlane();
    await startTestAgent(cp, { runtime: new ProcessRuntime({ stateDir: tempStateDir(cp, 'processes') }), stateDir: tempStateDir(cp, 'agent') });
  });
  after(async () => cp?.close());

  test('a task with mountPoints or user stops before start with the field in stoppedReason', async () => {
    await register(
      cp,
      'mounts',
      [{ name: 'app', image: 'x', memory: 32, entryPoint: ['/bin/true'], mountPoints: [{ sourceVolume: 'd', containerPath: '/d' }] }],
      [{ name: 'd', host: { sourcePath: '/tmp' } }],
    );
    const m = await runToStop(cp, 'mounts');
    assert.equal(m.stopCode, 'TaskFailedToStart');
    assert.match(m.stoppedReason ?? '', /^CannotCreateContainerError: container app: the process runtime cannot honour mountPoints/);
    await register(cp, 'user', [{ name: 'app', image: 'x', memory: 32, entryPoint: ['/bin/true'], user: 'nobody' }]);
    assert.match((await runToStop(cp, 'user')).stoppedReason ?? '', /cannot honour user/);
  });
});

describe('the AWS CLI gets the ClientException for an invalid volume reference', { skip: requirement('aws-cli'), timeout: 60_000 }, () => {
  let cp: TestControlPlane;
  before(async () => (cp = await startControlPlane()));
  after(async () => cp?.close());

  test('aws ecs register-task-definition with a mountPoint naming no volume', async () => {
    const containers = JSON.stringify([{ name: 'app', image: 'x', memory: 32, mountPoints: [{ sourceVolume: 'logs', containerPath: '/logs' }] }]);
    const err = await awsCli(cp.url).awsFails(
      'ecs',
      'register-task-definition',
      '--family',
      'cli-bad',
      '--container-definitions',
      containers,
      '--volumes',
      '[{"name":"data"}]',
    );
    assert.match(
      err,
      /An error occurred \(ClientException\) when calling the RegisterTaskDefinition operation: Invalid volume reference: mountPoints of container 'app' names sourceVolume 'logs'/,
    );
  });
});
