/**
 * The agent end to end on Docker: RunTask through the real API server and SDK, containers on
 * dynamic host ports answering on 127.0.0.1, StopTask, an essential container exiting, and restart
 * adoption (a new agent on the same state dir adopts the same containers and ports).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type Task,
} from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { DockerRuntime } from '../../src/agent/runtime/docker-runtime.js';
import { probePort } from '../../src/agent/runtime/port-probe.js';
import type { RunningAgent } from '../../src/agent/agent.js';
import { dockerPs, removeClusterContainers, startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from './agent-harness.js';

const waiter = (cp: TestControlPlane) => ({ client: cp.ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 });
const hostPortOf = (t: Task) => t.containers![0]!.networkBindings![0]!.hostPort!;

describe('agent on docker', { skip: requirement('docker'), timeout: 180_000 }, () => {
  let cp: TestControlPlane;
  let agent: RunningAgent;
  const runtime = new DockerRuntime();
  let running: Task[] = [];

  before(async () => {
    await ensureTestImage();
    cp = await startControlPlane();
    agent = await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, 'agent') });
    await cp.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          { name: 'web', image: TEST_IMAGE, memory: 32, essential: true, stopTimeout: 2, portMappings: [{ containerPort: 80, hostPort: 0 }] },
        ],
      }),
    );
  });

  after(async () => {
    await cp?.close();
    if (cp) removeClusterContainers(cp.cluster);
  });

  test('the host registers as a container instance with its resources', async () => {
    const arns = (await cp.ecs.send(new ListContainerInstancesCommand({ cluster: cp.cluster }))).containerInstanceArns!;
    assert.deepEqual(arns, [agent.containerInstanceArn]);
    const ci = (await cp.ecs.send(new DescribeContainerInstancesCommand({ cluster: cp.cluster, containerInstances: arns }))).containerInstances![0]!;
    assert.match(ci.ec2InstanceId!, /^i-[0-9a-f]{17}$/);
    assert.equal(ci.agentConnected, true);
    const cpu = ci.registeredResources!.find((r) => r.name === 'CPU')!;
    assert.ok(cpu.integerValue! >= 1024 && cpu.integerValue! % 1024 === 0);
    assert.deepEqual(ci.registeredResources!.find((r) => r.name === 'PORTS')!.stringSetValue, ['22', '2375', '2376', '51678', '51679']);
    assert.ok(ci.attributes!.some((a) => a.name === 'ecs.os-type' && a.value === 'linux'));
  });

  test('10 tasks with hostPort 0 get 10 distinct host ports, each answering on 127.0.0.1', async () => {
    const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'web', count: 10 }));
    assert.equal(run.tasks!.length, 10, JSON.stringify(run.failures));
    const arns = run.tasks!.map((t) => t.taskArn!);
    await waitUntilTasksRunning(waiter(cp), { cluster: cp.cluster, tasks: arns });
    running = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks!;
    const ports = running.map(hostPortOf);
    assert.equal(new Set(ports).size, 10);
    for (const t of running) {
      assert.equal(t.lastStatus, 'RUNNING');
      const b = t.containers![0]!.networkBindings![0]!;
      assert.equal(b.bindIP, '127.0.0.1');
      assert.equal(b.containerPort, 80);
      assert.ok(b.hostPort! >= agent.portRange.low && b.hostPort! <= agent.portRange.high);
      assert.ok(t.pullStartedAt && t.pullStoppedAt && t.startedAt && t.connectivityAt);
    }
    for (const port of ports) {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Hello from a Berth busybox container/);
    }
    const ps = dockerPs(cp.cluster).filter((c) => c.state === 'running');
    assert.equal(ps.length, 10);
    for (const port of ports)
      assert.ok(
        ps.some((c) => c.ports.includes(`127.0.0.1:${port}->80/tcp`)),
        `docker ps shows ${port}`,
      );
  });

  test('StopTask stops the container with UserInitiated and releases the port', async () => {
    const victim = running[0]!;
    const port = hostPortOf(victim);
    await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task: victim.taskArn!, reason: 'test says so' }));
    await waitUntilTasksStopped(waiter(cp), { cluster: cp.cluster, tasks: [victim.taskArn!] });
    const t = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: [victim.taskArn!] }))).tasks![0]!;
    assert.equal(t.lastStatus, 'STOPPED');
    assert.equal(t.desiredStatus, 'STOPPED');
    assert.equal(t.stopCode, 'UserInitiated');
    assert.equal(t.stoppedReason, 'test says so');
    assert.ok(t.stoppingAt && t.executionStoppedAt && t.stoppedAt);
    assert.equal(t.containers![0]!.lastStatus, 'STOPPED');
    assert.equal(typeof t.containers![0]!.exitCode, 'number');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
    assert.equal(await probePort('127.0.0.1', port), true);
    assert.equal(dockerPs(cp.cluster).filter((c) => c.state === 'running').length, 9);
  });

  test('an essential container that exits stops its task with EssentialContainerExited and its exit code', async () => {
    await cp.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'crash',
        containerDefinitions: [{ name: 'app', image: TEST_IMAGE, memory: 16, command: ['sh', '-c', 'sleep 1; exit 3'], portMappings: [{ containerPort: 80 }] }],
      }),
    );
    const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'crash' }));
    const arn = run.tasks![0]!.taskArn!;
    await waitUntilTasksStopped(waiter(cp), { cluster: cp.cluster, tasks: [arn] });
    const t = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: [arn] }))).tasks![0]!;
    assert.equal(t.stopCode, 'EssentialContainerExited');
    assert.equal(t.stoppedReason, 'Essential container in task exited');
    assert.equal(t.containers![0]!.exitCode, 3);
    assert.equal(t.desiredStatus, 'STOPPED');
  });

  test('a new agent on the same state dir adopts the running containers: same instance, same ports, no duplicate', async () => {
    const before = dockerPs(cp.cluster)
      .filter((c) => c.state === 'running')
      .sort((a, b) => a.name.localeCompare(b.name));
    const arn = agent.containerInstanceArn;
    await agent.stop();
    cp.agents.splice(cp.agents.indexOf(agent), 1);
    agent = await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, 'agent'), portRange: agent.portRange });
    assert.equal(agent.containerInstanceArn, arn);
    await agent.settle();
    const afterPs = dockerPs(cp.cluster)
      .filter((c) => c.state === 'running')
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(afterPs, before);
    const live = running.slice(1);
    const now = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: live.map((t) => t.taskArn!) }))).tasks!;
    for (const t of now) {
      assert.equal(t.lastStatus, 'RUNNING');
      assert.equal(hostPortOf(t), hostPortOf(live.find((x) => x.taskArn === t.taskArn)!));
    }
    // The adopted agent still converges: a new task starts on a port none of the others hold.
    const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'web' }));
    await waitUntilTasksRunning(waiter(cp), { cluster: cp.cluster, tasks: [run.tasks![0]!.taskArn!] });
    const fresh = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    assert.ok(!now.map(hostPortOf).includes(hostPortOf(fresh)));
    assert.equal((await fetch(`http://127.0.0.1:${hostPortOf(fresh)}/`)).status, 200);
  });
});
