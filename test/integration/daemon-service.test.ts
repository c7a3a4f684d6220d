/**
 * schedulingStrategy=DAEMON end to end: real agents on the process runtime advertising 127.0.0.2,
 * .3 and .4 over the HTTP agent protocol, the service controller, the AWS SDK. Two instances: two
 * tasks, one each; a third joins: three; one is drained: two, and desiredCount follows; a new
 * task definition replaces them one instance at a time (minimumHealthyPercent 50), each stopped
 * before its replacement starts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { ProcessRuntime } from '../../src/agent/runtime/process-runtime.js';
import type { RunningAgent } from '../../src/agent/agent.js';
import { startServiceController, type ServiceController } from '../../src/control-plane/controllers/service-controller.js';
import { systemClock } from '../../src/platform/clock.js';
import { systemRandom } from '../../src/platform/random.js';
import { startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from './agent-harness.js';
import { eventually } from '../support/eventually.js';

const SERVICE = 'daemon';
// A process that runs until told to stop.
const SLEEPER = [process.execPath, '-e', "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1 << 30);"];

describe('a DAEMON service on three agents', { timeout: 120_000 }, () => {
  let cp: TestControlPlane;
  let controller: ServiceController;
  const agents: RunningAgent[] = [];

  const startAgentOn = async (ip: string) => {
    const runtime = new ProcessRuntime({ stateDir: tempStateDir(cp, `processes-${ip}`) });
    const a = await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, `agent-${ip}`), advertiseAddress: ip, via: 'http' });
    agents.push(a);
    return a;
  };
  const tasks = async (desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<Task[]> => {
    const arns = (await cp.ecs.send(new ListTasksCommand({ cluster: cp.cluster, serviceName: SERVICE, desiredStatus }))).taskArns ?? [];
    return arns.length ? ((await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks ?? []) : [];
  };
  const service = async () => (await cp.ecs.send(new DescribeServicesCommand({ cluster: cp.cluster, services: [SERVICE] }))).services![0]!;
  /** Resolves when exactly one RUNNING task of `family:revision` is on each of `instances` and nothing else runs. */
  const oneEach = (instances: string[], revision: number) =>
    eventually(
      async () => {
        const ts = await tasks();
        const ok =
          ts.length === instances.length &&
          ts.every((t) => t.lastStatus === 'RUNNING' && t.taskDefinitionArn!.endsWith(`:${revision}`)) &&
          new Set(ts.map((t) => t.containerInstanceArn)).size === instances.length &&
          instances.every((i) => ts.some((t) => t.containerInstanceArn === i));
        return ok ? ts : undefined;
      },
      { what: `one task of revision ${revision} on each of ${instances.length} instances`, timeoutMs: 30_000, intervalMs: 200 },
    );

  before(async () => {
    cp = await startControlPlane();
    // Healthy 1 s after RUNNING (ECS: 40 s) so the rollout's limits are exercised quickly.
    controller = startServiceController({
      store: cp.store,
      clock: systemClock,
      random: systemRandom,
      options: { resyncIntervalMs: 1_000, reconcile: { healthyAfterRunningMs: 1_000 } },
    });
    await controller.ready;
    await startAgentOn('127.0.0.2');
    await startAgentOn('127.0.0.3');
    for (const version of ['v1', 'v2']) {
      await cp.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'daemon',
          containerDefinitions: [
            { name: 'd', image: 'sleeper', memory: 16, entryPoint: SLEEPER, stopTimeout: 2, environment: [{ name: 'V', value: version }] },
          ],
        }),
      );
    }
  });

  after(async () => {
    if (cp) {
      await cp.ecs.send(new DeleteServiceCommand({ cluster: cp.cluster, service: SERVICE, force: true })).catch(() => undefined);
      // Every process this test started ends before the agents go: no task of the cluster may be left running.
      await eventually(async () => ([...(await tasks('RUNNING')), ...(await tasks('STOPPED'))].every((t) => t.lastStatus === 'STOPPED') ? true : undefined), {
        what: 'every task stopped',
        timeoutMs: 30_000,
        intervalMs: 200,
      }).catch((err) => console.log(String(err)));
    }
    await controller?.stop();
    await cp?.close();
  });

  test('CreateService refuses what DAEMON does not take, in ECS words', async () => {
    const base = { cluster: cp.cluster, serviceName: 'refused', taskDefinition: 'daemon:1', schedulingStrategy: 'DAEMON' as const };
    await assert.rejects(cp.ecs.send(new CreateServiceCommand({ ...base, desiredCount: 1 })), /does not support a desired count for services/);
    await assert.rejects(
      cp.ecs.send(new CreateServiceCommand({ ...base, placementStrategy: [{ type: 'spread', field: 'instanceId' }] })),
      /does not support placement strategies/,
    );
    await assert.rejects(
      cp.ecs.send(new CreateServiceCommand({ ...base, deploymentConfiguration: { maximumPercent: 200 } })),
      /does not support values above 100 for maximumPercent/,
    );
  });

  test('two instances, two tasks; a third joins, three; one drains, two; a deployment goes one instance at a time', async () => {
    const created = await cp.ecs.send(
      new CreateServiceCommand({ cluster: cp.cluster, serviceName: SERVICE, taskDefinition: 'daemon:1', schedulingStrategy: 'DAEMON' }),
    );
    assert.equal(created.service!.schedulingStrategy, 'DAEMON');
    assert.deepEqual([created.service!.deploymentConfiguration!.maximumPercent, created.service!.deploymentConfiguration!.minimumHealthyPercent], [100, 0]);
    await oneEach([agents[0]!.containerInstanceArn, agents[1]!.containerInstanceArn], 1);
    assert.equal((await service()).desiredCount, 2);

    const third = await startAgentOn('127.0.0.4');
    await oneEach(
      agents.map((a) => a.containerInstanceArn),
      1,
    );
    await eventually(async () => ((await service()).desiredCount === 3 ? true : undefined), { what: 'desiredCount 3', timeoutMs: 30_000, intervalMs: 200 });

    await cp.ecs.send(
      new UpdateContainerInstancesStateCommand({ cluster: cp.cluster, containerInstances: [agents[1]!.containerInstanceArn], status: 'DRAINING' }),
    );
    const kept = [agents[0]!.containerInstanceArn, third.containerInstanceArn];
    const v1 = await oneEach(kept, 1);
    await eventually(
      async () => {
        const s = await service();
        return s.desiredCount === 2 && s.runningCount === 2 && s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED'
          ? true
          : undefined;
      },
      { what: 'desiredCount 2 and steady', timeoutMs: 30_000, intervalMs: 200 },
    );

    await cp.ecs.send(
      new UpdateServiceCommand({ cluster: cp.cluster, service: SERVICE, taskDefinition: 'daemon:2', deploymentConfiguration: { minimumHealthyPercent: 50 } }),
    );
    const v2 = await oneEach(kept, 2);
    const stoppedArns = new Set(v1.map((t) => t.taskArn));
    const old = (await tasks('STOPPED')).filter((t) => stoppedArns.has(t.taskArn!));
    assert.equal(old.length, 2);
    const on = (ts: Task[], i: string) => ts.find((t) => t.containerInstanceArn === i)!;
    for (const i of kept) {
      // Stop, then start: the replacement is created only once the old task on that instance has stopped.
      assert.ok(
        on(v2, i).createdAt!.getTime() >= on(old, i).stoppedAt!.getTime(),
        `on ${i}: created ${on(v2, i).createdAt!.toISOString()} before the old one stopped ${on(old, i).stoppedAt!.toISOString()}`,
      );
    }
    // One instance at a time: the second old task stopped only after the first replacement was running.
    const [first, second] = kept.slice().sort((a, b) => on(old, a).stoppedAt!.getTime() - on(old, b).stoppedAt!.getTime());
    assert.ok(on(old, second!).stoppedAt!.getTime() >= on(v2, first!).startedAt!.getTime(), 'the second instance was stopped before the first replacement ran');
    await eventually(
      async () => {
        const s = await service();
        return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.desiredCount === 2 ? true : undefined;
      },
      { what: 'the deployment completes', timeoutMs: 30_000, intervalMs: 200 },
    );
  });
});
