/**
 * Container order on Docker, through the real API and SDK: a sidecar ordered by HEALTHY, init
 * containers ordered by SUCCESS and COMPLETE, a non-essential container exiting while its task runs,
 * a dependency that never gets healthy stopping its task after startTimeout, and a container that
 * ignores SIGTERM killed after its own stopTimeout. Times come from `docker inspect`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type ContainerDefinition,
  type Task,
} from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { DockerRuntime } from '../../src/agent/runtime/docker-runtime.js';
import { runtimeNameOf } from '../../src/agent/container-spec.js';
import { removeClusterContainers, startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from './agent-harness.js';
import { eventually } from '../support/eventually.js';

interface Inspected {
  State: { Status: string; StartedAt: string; FinishedAt: string; ExitCode: number; Health?: { Log: { ExitCode: number; End: string }[] } };
}

/** `docker inspect` of a task's container, or undefined when the agent never created it. */
function inspect(taskArn: string, name: string): Inspected | undefined {
  try {
    return (
      JSON.parse(execFileSync('docker', ['inspect', runtimeNameOf(taskArn, name)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Inspected[]
    )[0];
  } catch {
    return undefined;
  }
}

const ms = (iso: string) => Date.parse(iso);

describe('container order on docker', { skip: requirement('docker'), timeout: 240_000 }, () => {
  let cp: TestControlPlane;
  const runtime = new DockerRuntime();
  const waiter = () => ({ client: cp.ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 });
  const describeTask = async (arn: string): Promise<Task> => (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: [arn] }))).tasks![0]!;
  const run = async (family: string, containerDefinitions: ContainerDefinition[]): Promise<string> => {
    await cp.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions }));
    const r = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: family }));
    assert.equal(r.tasks?.length, 1, JSON.stringify(r.failures));
    return r.tasks![0]!.taskArn!;
  };
  const loop = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];
  const base = { image: TEST_IMAGE, memory: 16, stopTimeout: 2 };

  before(async () => {
    await ensureTestImage();
    cp = await startControlPlane();
    await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, 'agent') });
  });

  after(async () => {
    await cp?.close();
    if (cp) removeClusterContainers(cp.cluster);
  });

  test('HEALTHY: the app starts only after the sidecar passed its health check; on the way down the app stops first', async (t) => {
    const arn = await run('order-healthy', [
      { ...base, name: 'app', command: loop, dependsOn: [{ containerName: 'sidecar', condition: 'HEALTHY' }] },
      {
        ...base,
        name: 'sidecar',
        command: ['sh', '-c', 'trap "exit 0" TERM; sleep 2; touch /tmp/ready; while true; do sleep 0.2; done'],
        healthCheck: { command: ['CMD-SHELL', 'test -f /tmp/ready'], interval: 5, timeout: 2, retries: 3 },
      },
    ]);
    await waitUntilTasksRunning(waiter(), { cluster: cp.cluster, tasks: [arn] });
    const sidecar = inspect(arn, 'sidecar')!;
    const app = inspect(arn, 'app')!;
    const firstPass = sidecar.State.Health!.Log.find((l) => l.ExitCode === 0)!;
    assert.ok(firstPass, 'the sidecar passed a health check');
    assert.ok(ms(app.State.StartedAt) >= ms(firstPass.End), `app started ${app.State.StartedAt}, sidecar healthy ${firstPass.End}`);
    assert.ok(ms(app.State.StartedAt) - ms(sidecar.State.StartedAt) >= 2_000, 'the app waited for the sidecar');
    t.diagnostic(`app started ${ms(app.State.StartedAt) - ms(firstPass.End)} ms after the sidecar's first passing health check`);
    const task = await describeTask(arn);
    assert.deepEqual(task.containers!.map((c) => [c.name, c.lastStatus]).sort(), [
      ['app', 'RUNNING'],
      ['sidecar', 'RUNNING'],
    ]);

    await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task: arn }));
    await waitUntilTasksStopped(waiter(), { cluster: cp.cluster, tasks: [arn] });
    assert.ok(ms(inspect(arn, 'app')!.State.FinishedAt) <= ms(inspect(arn, 'sidecar')!.State.FinishedAt), 'the dependent stopped first');
  });

  test('SUCCESS and COMPLETE: the app starts after the init containers exited; the task runs with them STOPPED', async () => {
    const arn = await run('order-init', [
      {
        ...base,
        name: 'app',
        command: loop,
        dependsOn: [
          { containerName: 'migrate', condition: 'SUCCESS' },
          { containerName: 'warm', condition: 'COMPLETE' },
        ],
      },
      { ...base, name: 'migrate', essential: false, command: ['sh', '-c', 'sleep 1; exit 0'] },
      { ...base, name: 'warm', essential: false, command: ['sh', '-c', 'sleep 1; exit 4'] },
    ]);
    await waitUntilTasksRunning(waiter(), { cluster: cp.cluster, tasks: [arn] });
    const app = ms(inspect(arn, 'app')!.State.StartedAt);
    assert.ok(app >= ms(inspect(arn, 'migrate')!.State.FinishedAt));
    assert.ok(app >= ms(inspect(arn, 'warm')!.State.FinishedAt));
    const t = await describeTask(arn);
    const byName = new Map(t.containers!.map((c) => [c.name, c]));
    assert.equal(t.lastStatus, 'RUNNING');
    assert.equal(byName.get('app')!.lastStatus, 'RUNNING');
    assert.deepEqual([byName.get('migrate')!.lastStatus, byName.get('migrate')!.exitCode], ['STOPPED', 0]);
    assert.deepEqual([byName.get('warm')!.lastStatus, byName.get('warm')!.exitCode], ['STOPPED', 4]);
    await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task: arn }));
  });

  test("SUCCESS on an init container that exits 1: the task stops before the app is created, with the agent's reason", async () => {
    const arn = await run('order-init-fails', [
      { ...base, name: 'app', command: loop, dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }] },
      { ...base, name: 'migrate', essential: false, command: ['sh', '-c', 'exit 1'] },
    ]);
    await waitUntilTasksStopped(waiter(), { cluster: cp.cluster, tasks: [arn] });
    const t = await describeTask(arn);
    const reason = 'dependency graph: failed to resolve container ordering dependency [migrate] for target [app] as dependency did not exit successfully.';
    assert.equal(t.stopCode, 'TaskFailedToStart');
    assert.equal(t.stoppedReason, reason);
    assert.equal(t.containers!.find((c) => c.name === 'app')!.reason, reason);
    assert.equal(t.containers!.find((c) => c.name === 'migrate')!.exitCode, 1);
    assert.equal(inspect(arn, 'app'), undefined, 'the app was never created');
  });

  test('a non-essential container that exits leaves its task RUNNING', async () => {
    const arn = await run('order-nonessential', [
      { ...base, name: 'web', command: loop },
      { ...base, name: 'job', essential: false, command: ['sh', '-c', 'sleep 1; exit 2'] },
    ]);
    await waitUntilTasksRunning(waiter(), { cluster: cp.cluster, tasks: [arn] });
    let t = await eventually(() => describeTask(arn), {
      what: 'the job exit was reported',
      timeoutMs: 30_000,
      intervalMs: 200,
      until: (task) => task.containers!.find((c) => c.name === 'job')!.lastStatus === 'STOPPED',
    });
    await cp.agents[0]!.settle();
    t = await describeTask(arn);
    assert.equal(t.lastStatus, 'RUNNING');
    assert.equal(t.desiredStatus, 'RUNNING');
    assert.equal(t.containers!.find((c) => c.name === 'job')!.exitCode, 2);
    assert.equal(inspect(arn, 'web')!.State.Status, 'running');
    await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task: arn }));
  });

  test("a dependency that never gets healthy stops the task after its startTimeout, with the agent's reason", async () => {
    const arn = await run('order-timeout', [
      { ...base, name: 'app', command: loop, dependsOn: [{ containerName: 'sidecar', condition: 'HEALTHY' }] },
      { ...base, name: 'sidecar', command: loop, startTimeout: 3, healthCheck: { command: ['CMD-SHELL', 'exit 1'], interval: 5, timeout: 2, retries: 3 } },
    ]);
    await waitUntilTasksStopped(waiter(), { cluster: cp.cluster, tasks: [arn] });
    const t = await describeTask(arn);
    assert.equal(t.stopCode, 'TaskFailedToStart');
    assert.equal(t.stoppedReason, 'dependency graph: container ordering dependency [sidecar] for target [app] has timed out.');
    const sidecar = inspect(arn, 'sidecar')!;
    const waited = ms(sidecar.State.FinishedAt) - ms(sidecar.State.StartedAt);
    assert.ok(waited >= 3_000 && waited < 15_000, `the sidecar ran ${waited} ms`);
    assert.equal(inspect(arn, 'app'), undefined, 'the app was never created');
  });

  test('a container that ignores SIGTERM is killed after its own stopTimeout (2 s), not 30 s', async (t) => {
    const arn = await run('order-stop-timeout', [{ ...base, name: 'stubborn', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.2; done'] }]);
    await waitUntilTasksRunning(waiter(), { cluster: cp.cluster, tasks: [arn] });
    const asked = Date.now();
    await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task: arn }));
    await waitUntilTasksStopped(waiter(), { cluster: cp.cluster, tasks: [arn] });
    const task = await describeTask(arn);
    const s = inspect(arn, 'stubborn')!;
    const took = ms(s.State.FinishedAt) - asked;
    t.diagnostic(`killed ${took} ms after StopTask`);
    assert.equal(task.containers![0]!.exitCode, 137, 'SIGKILL');
    assert.ok(took >= 1_500 && took < 10_000, `stopped ${took} ms after StopTask`);
  });
});
