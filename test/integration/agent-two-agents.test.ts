/**
 * Two agents in one process, each a different "host" (advertising 127.0.0.2 and 127.0.0.3, two state
 * dirs), both speaking the HTTP agent protocol to the API server: each registers its own instance,
 * tasks land on both, and each task is published on its own instance's address.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  waitUntilTasksRunning,
  type Task,
} from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { DockerRuntime } from '../../src/agent/runtime/docker-runtime.js';
import type { RunningAgent } from '../../src/agent/agent.js';
import { dockerPs, removeClusterContainers, startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from './agent-harness.js';

describe('two agents on two addresses', { skip: requirement('docker'), timeout: 120_000 }, () => {
  let cp: TestControlPlane;
  let a: RunningAgent;
  let b: RunningAgent;

  before(async () => {
    await ensureTestImage();
    cp = await startControlPlane();
    const runtime = new DockerRuntime();
    a = await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, 'a'), advertiseAddress: '127.0.0.2', via: 'http' });
    b = await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, 'b'), advertiseAddress: '127.0.0.3', via: 'http' });
  });

  after(async () => {
    await cp?.close();
    if (cp) removeClusterContainers(cp.cluster);
  });

  test('each agent registers its own container instance', async () => {
    assert.notEqual(a.containerInstanceArn, b.containerInstanceArn);
    assert.notEqual(a.ec2InstanceId, b.ec2InstanceId);
    const out = await cp.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: cp.cluster, containerInstances: [a.containerInstanceArn, b.containerInstanceArn] }),
    );
    assert.equal(out.containerInstances!.length, 2);
    assert.ok(out.containerInstances!.every((ci) => ci.agentConnected && ci.status === 'ACTIVE'));
  });

  test('a static host port fits once per instance, so two tasks land one on each, on their own address', async () => {
    const port = 40_000 + Math.floor(Math.random() * 1000);
    await cp.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'static',
        containerDefinitions: [{ name: 'web', image: TEST_IMAGE, memory: 16, stopTimeout: 1, portMappings: [{ containerPort: 80, hostPort: port }] }],
      }),
    );
    const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'static', count: 2 }));
    assert.equal(run.tasks!.length, 2, JSON.stringify(run.failures));
    const arns = run.tasks!.map((t) => t.taskArn!);
    await waitUntilTasksRunning({ client: cp.ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: arns });
    const tasks = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks!;
    assert.deepEqual(new Set(tasks.map((t) => t.containerInstanceArn)), new Set([a.containerInstanceArn, b.containerInstanceArn]));
    for (const t of tasks) {
      const address = t.containerInstanceArn === a.containerInstanceArn ? '127.0.0.2' : '127.0.0.3';
      assert.deepEqual(t.containers![0]!.networkBindings, [{ bindIP: address, containerPort: 80, hostPort: port, protocol: 'tcp' }]);
      assert.equal((await fetch(`http://${address}:${port}/health`)).status, 200);
    }
    // A third cannot fit anywhere: RESOURCE:PORTS, never a failed container.
    const third = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'static' }));
    assert.equal(third.tasks!.length, 0);
    assert.ok(third.failures!.every((f) => f.reason === 'RESOURCE:PORTS'));
  });

  test('dynamic host ports are published on the address of the instance that runs the task', async () => {
    await cp.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'dynamic',
        containerDefinitions: [{ name: 'web', image: TEST_IMAGE, memory: 16, stopTimeout: 1, portMappings: [{ containerPort: 80 }] }],
      }),
    );
    const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'dynamic', count: 6 }));
    const arns = run.tasks!.map((t) => t.taskArn!);
    await waitUntilTasksRunning({ client: cp.ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: arns });
    const tasks: Task[] = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks!;
    for (const t of tasks) {
      const address = t.containerInstanceArn === a.containerInstanceArn ? '127.0.0.2' : '127.0.0.3';
      const binding = t.containers![0]!.networkBindings![0]!;
      assert.equal(binding.bindIP, address);
      assert.equal((await fetch(`http://${address}:${binding.hostPort}/`)).status, 200);
    }
  });

  test('sharing one Docker engine, neither agent takes the containers of the other for orphans', async () => {
    // settle() waits for each agent's pass in progress and its actions: after it, both have looked at the whole engine.
    await Promise.all([a.settle(), b.settle()]);
    assert.equal(dockerPs(cp.cluster).filter((c) => c.state === 'running').length, 8);
    const arns = [...(await cp.ecs.send(new ListTasksCommand({ cluster: cp.cluster }))).taskArns!];
    const tasks = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks!;
    assert.equal(tasks.length, 8);
    assert.ok(tasks.every((t) => t.lastStatus === 'RUNNING'));
  });
});
