/**
 * The verbs that need tasks running: `berth up --runtime process` runs the sample app on dynamic
 * host ports, the service controller registers them, the load balancer health-checks them. ps shows
 * the ports, logs streams the app's output, deploy follows a rollout to COMPLETED (exit 0) or to a
 * rollback (exit 3), rollback goes back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { berthCli, freePort, sampleStack, type CliResult } from './cli-harness.js';
import { eventually } from '../support/eventually.js';

describe('berth CLI with running tasks', { timeout: 300_000 }, () => {
  let berth: BerthProcess;
  let port: number;
  const cli = (...args: string[]): Promise<CliResult> => berthCli(berth.apiUrl, args, { timeoutMs: 150_000 });

  before(async () => {
    port = await freePort();
    berth = await startBerthProcess({ args: ['--runtime', 'process'] });
    const r = await cli('apply', '-f', sampleStack(port));
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    if (berth) await stopAllTasks(berth.apiUrl);
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  async function runningRows(n: number): Promise<{ id: string; ports: string[]; lastStatus: string; health: string; instance: string }[]> {
    return eventually(async () => JSON.parse((await cli('ps', '--service', 'web', '--json')).stdout), {
      what: `${n} healthy RUNNING tasks`,
      timeoutMs: 60_000,
      intervalMs: 1000,
      until: (rows: { id: string; ports: string[]; lastStatus: string; health: string; instance: string }[]) =>
        rows.filter((r) => r.lastStatus === 'RUNNING' && r.health === 'healthy').length >= n,
    });
  }

  test('ps shows two tasks on dynamic host ports, healthy in the target group', async () => {
    const rows = await runningRows(2);
    const running = rows.filter((r) => r.lastStatus === 'RUNNING');
    assert.equal(running.length, 2);
    for (const r of running) {
      assert.match(r.ports[0]!, /^127\.0\.0\.1:\d+->8080\/tcp$/);
      assert.ok(r.instance.startsWith('i-'));
    }
    assert.notEqual(running[0]!.ports[0], running[1]!.ports[0]);
    const targets = JSON.parse((await cli('targets', 'web', '--json')).stdout);
    const ports = running.map((r) => Number(/:(\d+)->/.exec(r.ports[0]!)![1])).sort();
    assert.deepEqual(
      targets
        .filter((t: { state: string }) => t.state === 'healthy')
        .map((t: { port: number }) => t.port)
        .sort(),
      ports,
    );
    const table = await cli('ps');
    assert.match(table.stdout, /127\.0\.0\.1:\d+->8080\/tcp\s+RUNNING\s+healthy/);
  });

  test('logs --tail prints what the app wrote', async () => {
    const [task] = await runningRows(1);
    const r = await cli('logs', task!.id, '--tail', '5');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"msg":"listening"/);
  });

  test('deploy --image follows the rollout to COMPLETED and exits 0', async () => {
    const r = await cli('deploy', 'web', '--image', 'sample-app:v2', '--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.outcome, 'completed');
    const primary = out.deployments.find((d: { status: string }) => d.status === 'PRIMARY');
    assert.equal(primary.taskDefinition, 'web:2');
    assert.equal(primary.rolloutState, 'COMPLETED');
    assert.equal(primary.healthy, 2);
  });

  test('deploy without --json prints the progress table and the outcome', async () => {
    const r = await cli('deploy', 'web', '--task-definition', 'web:1');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /desired=2 running=\d healthy=\d draining=\d/);
    assert.match(r.stdout, /==> Deployment completed/);
  });

  test('rollback goes back to the previous revision and exits 0 when it completes', async () => {
    const r = await cli('rollback', 'web', '--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.outcome, 'completed');
    assert.equal(JSON.parse((await cli('services', '--json')).stdout)[0].taskDefinition, 'web:2');
  });

  test('a deployment whose tasks cannot start is rolled back: exit 3', async () => {
    const broken = sampleStack(port, (t) => t.replace(/entryPoint: \[[^\]]+\]/, 'entryPoint: ["/nonexistent/berth-no-such-binary"]'));
    const dry = await cli('apply', '-f', broken, '--dry-run');
    assert.match(dry.stdout, /~ taskDefinition web/);
    // apply registers the broken revision and starts its deployment; deploy then follows it.
    const reg = await cli('apply', '-f', broken, '--json');
    assert.equal(reg.code, 0, reg.stderr);
    const r = await cli('deploy', 'web', '--task-definition', 'web', '--json', '--timeout', '120');
    const out = JSON.parse(r.stdout || '{}');
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.ok(['rolled-back', 'failed'].includes(out.outcome), out.outcome);
  });
});
