/**
 * Two `berth up` on one Docker engine, with different data dirs and the same cluster name `default`
 * (a user's own Berth beside the test suite): each agent adopts, stops and removes only containers
 * that carry its own instance id, so neither's reconciliation (which removes containers of no
 * assigned task) touches the other's, and stopping one leaves the other's tasks running.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, waitUntilTasksRunning } from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { containersOfInstance, instanceIdOf, removeContainersOfInstance } from '../support/own-containers.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { ecsClient } from '../support/sdk-clients.js';

const client = (endpoint: string) => ecsClient(endpoint, { maxAttempts: 1 });
const waiter = { minDelay: 1, maxDelay: 1, maxWaitTime: 60 };
const inspect = (id: string): { Id: string; State: { Running: boolean; StartedAt: string } } =>
  JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0];

async function runOne(berth: BerthProcess): Promise<string> {
  const ecs = client(berth.apiUrl);
  try {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'side',
        containerDefinitions: [{ name: 'web', image: TEST_IMAGE, memory: 32, portMappings: [{ containerPort: 80, hostPort: 0 }], stopTimeout: 1 }],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'side' }));
    assert.equal(run.tasks?.length, 1, JSON.stringify(run.failures));
    const arn = run.tasks![0]!.taskArn!;
    await waitUntilTasksRunning({ client: ecs, ...waiter }, { cluster: 'default', tasks: [arn] });
    return arn;
  } finally {
    ecs.destroy();
  }
}

describe('two berth up on one Docker never touch each other', { skip: requirement('docker'), timeout: 120_000 }, () => {
  let a: BerthProcess | undefined;
  let b: BerthProcess | undefined;
  const ids: string[] = [];
  before(async () => {
    await ensureTestImage();
  });
  after(async () => {
    for (const berth of [a, b]) {
      if (!berth) continue;
      await stopAllTasks(berth.apiUrl).catch(() => undefined);
      await berth.stop();
      removeDataDir(berth.dataDir);
    }
    for (const id of ids) removeContainersOfInstance(id);
  });

  test('same cluster name, different data dirs: each keeps its own containers', async () => {
    a = await startBerthProcess({ args: ['--runtime', 'docker', '--cluster', 'default'] });
    const idA = instanceIdOf(a.dataDir);
    ids.push(idA);
    const taskA = await runOne(a);
    const [containerA] = containersOfInstance(idA).map((l) => l.split(' ')[0]!);
    assert.ok(containerA, 'A runs its container');
    const startedA = inspect(containerA).State.StartedAt;

    b = await startBerthProcess({ args: ['--runtime', 'docker', '--cluster', 'default'] });
    const idB = instanceIdOf(b.dataDir);
    ids.push(idB);
    assert.notEqual(idA, idB);
    // B's agent has reconciled many rounds by the time its own task runs; A's agent meanwhile sees B's container.
    const taskB = await runOne(b);
    const [containerB] = containersOfInstance(idB).map((l) => l.split(' ')[0]!);
    assert.ok(containerB, 'B runs its container');
    assert.deepEqual(
      containersOfInstance(idA).map((l) => l.split(' ')[0]),
      [containerA],
      'A still has exactly its one container',
    );

    // Stop everything of B, and B itself: A's container and task are untouched.
    await stopAllTasks(b.apiUrl);
    await b.stop();
    assert.deepEqual(containersOfInstance(idB), [], "B's container stopped");
    const still = inspect(containerA);
    assert.equal(still.State.Running, true, "A's container still runs");
    assert.equal(still.State.StartedAt, startedA, "A's container was never restarted");
    const ecs = client(a.apiUrl);
    try {
      const t = await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [taskA, taskB] }));
      assert.equal(t.tasks?.length, 1, "A does not know B's task");
      assert.equal(t.tasks![0]!.lastStatus, 'RUNNING');
    } finally {
      ecs.destroy();
    }
  });
});
