/**
 * A runtime whose list answers late (a busy Docker daemon does): starts that finish while the agent
 * waits for the list must not make their tasks look "vanished". Before the agent snapshotted its
 * tasks before listing, about half of 10 concurrent Docker starts were stopped that way.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { ProcessRuntime } from '../../src/agent/runtime/process-runtime.js';
import { BERTH_LABELS, type ContainerRuntime, type ContainerSpec } from '../../src/agent/runtime/runtime.js';
import { startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from './agent-harness.js';
import { eventually } from '../support/eventually.js';

/**
 * The real process runtime, with the host's list answered 200 ms after it was taken, and creates spread
 * out (40 ms apart, as Docker's are under load) so that some tasks start while a list is on its way.
 */
function laggingList(inner: ContainerRuntime, counts: { wholeHostLists: number }): ContainerRuntime {
  let creates = 0;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'create') {
        return async (spec: ContainerSpec) => {
          await sleep(40 * ++creates);
          return target.create(spec);
        };
      }
      if (prop === 'list') {
        return async (filter: Record<string, string | undefined>) => {
          const seen = await target.list(filter);
          // The agent's whole-host list is the slow one (one inspect per container); a start's
          // look at its own task's containers stays quick.
          if (filter[BERTH_LABELS.taskArn] === undefined) {
            await sleep(200);
            counts.wholeHostLists++;
          }
          return seen;
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('agent with a runtime whose list lags', { timeout: 60_000 }, () => {
  let cp: TestControlPlane;
  let arns: string[] = [];
  /** Late whole-host lists answered so far: one per agent reconcile pass. */
  const counts = { wholeHostLists: 0 };

  before(async () => {
    cp = await startControlPlane();
    const runtime = laggingList(new ProcessRuntime({ stateDir: tempStateDir(cp, 'processes') }), counts);
    await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, 'agent') });
    await cp.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sleeper',
        containerDefinitions: [
          {
            name: 'app',
            image: 'sleeper',
            memory: 16,
            entryPoint: ['/bin/sleep', '120'],
            stopTimeout: 1,
            portMappings: [{ containerPort: 8080, hostPort: 0 }],
          },
        ],
      }),
    );
  });

  after(async () => {
    for (const task of arns) await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task })).catch(() => undefined);
    await waitUntilTasksStopped({ client: cp.ecs, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: arns }).catch(() => undefined);
    await cp?.close();
  });

  test('10 concurrent starts all stay RUNNING', async () => {
    arns = (await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'sleeper', count: 10 }))).tasks!.map((t) => t.taskArn!);
    await waitUntilTasksRunning({ client: cp.ecs, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: arns });
    // Three more reconcile passes, each with a late list, before looking again.
    const at = counts.wholeHostLists;
    await eventually(() => counts.wholeHostLists, { what: 'three more agent passes', timeoutMs: 15_000, intervalMs: 50, until: (n) => n >= at + 3 });
    const tasks = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks!;
    assert.deepEqual(
      tasks.map((t) => `${t.lastStatus} ${t.stoppedReason ?? ''}`.trim()),
      Array(10).fill('RUNNING'),
    );
  });
});
