/**
 * The agent on the process runtime with the sample app (no Docker): each task is a host process
 * told its host port in PORT, the logs route streams its output, and StopTask ends it gracefully.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { ProcessRuntime } from '../../src/agent/runtime/process-runtime.js';
import type { RunningAgent } from '../../src/agent/agent.js';
import { startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from './agent-harness.js';
import { eventually } from '../support/eventually.js';

const SAMPLE_APP = fileURLToPath(new URL('../../examples/sample-app/server.js', import.meta.url));

describe('agent on the process runtime', { timeout: 90_000 }, () => {
  let cp: TestControlPlane;
  let agent: RunningAgent;
  let arns: string[] = [];

  before(async () => {
    cp = await startControlPlane();
    const runtime = new ProcessRuntime({ stateDir: tempStateDir(cp, 'processes') });
    agent = await startTestAgent(cp, { runtime, stateDir: tempStateDir(cp, 'agent'), via: 'http' });
    await cp.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sample',
        containerDefinitions: [
          {
            name: 'app',
            image: 'sample-app',
            memory: 32,
            entryPoint: [process.execPath, SAMPLE_APP],
            environment: [{ name: 'APP_VERSION', value: 'v1' }],
            stopTimeout: 5,
            portMappings: [{ containerPort: 8080, hostPort: 0 }],
          },
        ],
      }),
    );
  });

  after(async () => {
    if (arns.length > 0) {
      for (const task of arns) await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task })).catch(() => undefined);
      await waitUntilTasksStopped({ client: cp.ecs, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: arns }).catch(() => undefined);
    }
    await cp?.close();
  });

  test('three tasks run as processes on three host ports, each told its port', async () => {
    const run = await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'sample', count: 3 }));
    arns = run.tasks!.map((t) => t.taskArn!);
    await waitUntilTasksRunning({ client: cp.ecs, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: arns });
    const tasks = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks!;
    const ports = tasks.map((t) => t.containers![0]!.networkBindings![0]!.hostPort!);
    assert.equal(new Set(ports).size, 3);
    for (const port of ports) {
      assert.ok(port >= agent.portRange.low && port <= agent.portRange.high);
      // The app may still be binding right after RUNNING: the process runtime cannot know when it listens.
      const body = await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.json() as Promise<{ port: number; version: string }>), {
        what: `the app on port ${port} answers`,
        timeoutMs: 5_000,
        intervalMs: 100,
      });
      assert.equal(body.port, port);
      assert.equal(body.version, 'v1');
    }
  });

  test('the logs route streams what the process wrote', async () => {
    const url = `${cp.url}/berth/agent/v1/logs?cluster=${cp.cluster}&task=${encodeURIComponent(arns[0]!)}&container=app&tail=20`;
    const text = await eventually(
      async () => {
        const res = await fetch(url);
        assert.equal(res.status, 200);
        return res.text();
      },
      { what: 'the log has the listening line', timeoutMs: 5_000, intervalMs: 100, until: (t) => t.includes('listening') },
    );
    assert.match(text, /"msg":"listening"/);
    const missing = await fetch(`${cp.url}/berth/agent/v1/logs?cluster=${cp.cluster}&task=${encodeURIComponent(arns[0]!)}&container=nope`);
    assert.equal(missing.status, 404);
  });

  test('StopTask sends SIGTERM: the app shuts down gracefully (exit 0) and the task is STOPPED', async () => {
    const arn = arns[0]!;
    await cp.ecs.send(new StopTaskCommand({ cluster: cp.cluster, task: arn }));
    await waitUntilTasksStopped({ client: cp.ecs, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: [arn] });
    const t = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: [arn] }))).tasks![0]!;
    assert.equal(t.stopCode, 'UserInitiated');
    assert.equal(t.containers![0]!.exitCode, 0);
  });
});
