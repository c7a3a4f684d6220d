/**
 * `berth up --stop-tasks-on-exit`: SIGTERM stops Berth and the tasks its local agent runs (without the
 * flag they keep running: test/integration/demo-stack.test.ts shows them answering after a restart).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { ecsClient } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { berthCli, freePort, sampleStack } from './cli-harness.js';

describe('berth up --stop-tasks-on-exit', { timeout: 240_000 }, () => {
  let berth: BerthProcess | undefined;
  let stopped = false;
  after(async () => {
    if (berth && !stopped) {
      await stopAllTasks(berth.apiUrl);
      await berth.stop();
    }
    if (berth) removeDataDir(berth.dataDir);
  });

  test('the banner says so, and SIGTERM leaves no task answering', async () => {
    berth = await startBerthProcess({ args: ['--runtime', 'process', '--stop-tasks-on-exit', '--log-level', 'info'], timeoutMs: 90_000 });
    await eventually(() => (/Ctrl-C stops Berth and the tasks it runs/.test(berth!.output()) ? true : undefined), { what: 'the banner', timeoutMs: 10_000 });
    const applied = await berthCli(berth.apiUrl, ['apply', '-f', sampleStack(await freePort())], { timeoutMs: 120_000 });
    assert.equal(applied.code, 0, applied.stderr);
    const ecs = ecsClient(berth.apiUrl);
    const ports = await eventually(
      async () => {
        const arns = (await ecs.send(new ListTasksCommand({ serviceName: 'web' }))).taskArns ?? [];
        const tasks = arns.length ? ((await ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks ?? []) : [];
        const running = tasks.filter((t) => t.lastStatus === 'RUNNING');
        return running.length === 2 ? running.map((t) => t.containers![0]!.networkBindings![0]!.hostPort!) : undefined;
      },
      { what: 'two RUNNING tasks', timeoutMs: 120_000 },
    );
    ecs.destroy();
    // RUNNING is the process started; its server may take a moment more to listen.
    for (const port of ports) {
      const status = await eventually(
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}/health`);
          await r.arrayBuffer();
          return r.status;
        },
        { what: `the task on ${port} answers while Berth runs`, timeoutMs: 15_000, intervalMs: 100, until: (s) => s === 200 },
      );
      assert.equal(status, 200);
    }
    assert.equal(await berth.stop(), 0);
    stopped = true;
    assert.match(berth.output(), /stopped the local tasks/);
    for (const port of ports) await assert.rejects(fetch(`http://127.0.0.1:${port}/health`), `nothing answers on ${port} after Berth stopped`);
  });
});
