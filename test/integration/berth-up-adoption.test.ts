/**
 * `berth up` with its local agent on Docker: kill -9 the whole process while tasks run, restart it,
 * and it adopts its containers (same tasks, same host ports, no duplicate, no orphan). A container
 * that vanishes under it is reported STOPPED with a reason; that report is also the proof that the
 * restarted agent has run a pass over every container before the others are checked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type Task,
} from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { ecsClient } from '../support/sdk-clients.js';
import { instanceIdOf, removeContainersOfInstance } from '../support/own-containers.js';
import { INSTANCE_LABEL } from '../../src/agent/container-spec.js';

const client = (endpoint: string) => ecsClient(endpoint, { maxAttempts: 1 });
const waiter = { minDelay: 1, maxDelay: 1, maxWaitTime: 60 };
let instanceId = '';
/** This Berth's containers of one task (a task ARN alone could be another Berth's on this Docker). */
const dockerPs = (taskArn: string): string[] =>
  execFileSync('docker', ['ps', '-q', '--filter', `label=com.berth.task-arn=${taskArn}`, '--filter', `label=${INSTANCE_LABEL}=${instanceId}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
const hostPorts = (t: Task): number[] => (t.containers ?? []).flatMap((c) => (c.networkBindings ?? []).map((b) => b.hostPort!));

describe('berth up adopts its containers after kill -9', { skip: requirement('docker') }, () => {
  let berth: BerthProcess;
  let taskArns: string[] = [];
  before(async () => {
    await ensureTestImage();
    berth = await startBerthProcess({ args: ['--runtime', 'docker'] });
    instanceId = instanceIdOf(berth.dataDir);
  });
  after(async () => {
    await berth?.kill9();
    if (instanceId) removeContainersOfInstance(instanceId);
    if (berth) removeDataDir(berth.dataDir);
  });

  test('same tasks, same ports, no duplicate; then a vanished container is reported', async () => {
    let ecs = client(berth.apiUrl);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'adopt',
        containerDefinitions: [{ name: 'web', image: TEST_IMAGE, memory: 32, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'adopt', count: 3 }));
    assert.equal(run.tasks?.length, 3, JSON.stringify(run.failures));
    taskArns = run.tasks!.map((t) => t.taskArn!);
    await waitUntilTasksRunning({ client: ecs, ...waiter }, { tasks: taskArns });
    const before = (await ecs.send(new DescribeTasksCommand({ tasks: taskArns }))).tasks!;
    const portsBefore = new Map(before.map((t) => [t.taskArn!, hostPorts(t)]));
    for (const [, ports] of portsBefore) {
      const r = await fetch(`http://127.0.0.1:${ports[0]}/`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }

    await berth.kill9();
    berth = await startBerthProcess({ dataDir: berth.dataDir, args: ['--runtime', 'docker'] });
    ecs = client(berth.apiUrl);
    // Make one container vanish and wait until the restarted agent reports it: that pass listed every
    // container of this Berth after the restart, so had it meant to move or double the others, it has.
    const [victim, ...kept] = taskArns as [string, ...string[]];
    execFileSync('docker', ['rm', '-f', ...dockerPs(victim)], { stdio: 'ignore' });
    await waitUntilTasksStopped({ client: ecs, ...waiter }, { tasks: [victim] });
    const stopped = (await ecs.send(new DescribeTasksCommand({ tasks: [victim] }))).tasks![0]!;
    assert.equal(stopped.lastStatus, 'STOPPED');
    assert.ok(stopped.stoppedReason, 'a vanished container gives a reason');

    const afterRestart = (await ecs.send(new DescribeTasksCommand({ tasks: kept }))).tasks!;
    assert.equal(afterRestart.length, kept.length);
    for (const t of afterRestart) {
      assert.equal(t.lastStatus, 'RUNNING');
      assert.deepEqual(hostPorts(t), portsBefore.get(t.taskArn!));
      assert.equal(dockerPs(t.taskArn!).length, 1, 'exactly one container per task');
      const r = await fetch(`http://127.0.0.1:${hostPorts(t)[0]}/`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
  });
});
