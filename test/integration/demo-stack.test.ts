/**
 * `npm start` on a fresh data dir brings up the seed's demo stack and prints where it is; a second
 * start does not create it again; --no-demo skips it.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeServicesCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { stopAllTasks } from '../support/stop-everything.js';
import { removeDataDir, repoRoot, type BerthProcess } from '../support/berth-process.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ecsClient } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { berthEntry } from '../support/berth-command.js';

/** Like startBerthProcess, but without --no-demo, and waiting for the Demo line too. */
async function startWithDemo(dataDir: string, extra: string[] = []): Promise<BerthProcess & { demoUrl?: string }> {
  const child = spawn(
    process.execPath,
    [...berthEntry(), 'up', '--data-dir', dataDir, '--api-port', '0', '--runtime', 'process', '--log-level', 'warn', ...extra],
    { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  // The banner's last line says what stopping does to the tasks; the banner is one write.
  await eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      return /\n {2}(Tasks keep running|Ctrl-C stops)[^\n]*\n/.test(out) ? true : undefined;
    },
    { what: `berth started:\n${out}`, timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    apiUrl: /API: +(\S+)/.exec(out)![1]!,
    dataDir,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    ...(/Demo: +(\S+)/.exec(out) ? { demoUrl: /Demo: +(\S+)/.exec(out)![1]! } : {}),
  };
}

describe('the demo stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-demo-'));
  let berth: (BerthProcess & { demoUrl?: string }) | undefined;
  after(async () => {
    if (berth) await stopAllTasks(berth.apiUrl);
    await berth?.stop();
    removeDataDir(dataDir);
  });

  test('first start creates it: two tasks on dynamic ports answer through the listener', async () => {
    berth = await startWithDemo(dataDir);
    assert.ok(berth.demoUrl, berth.output());
    const ecs = ecsClient(berth.apiUrl);
    const answered = new Set<number>();
    const demoUrl = berth.demoUrl;
    await eventually(
      async () => {
        const r = await fetch(demoUrl);
        if (r.status === 200) answered.add(((await r.json()) as { port: number }).port);
        else await r.arrayBuffer();
        return answered.size;
      },
      { what: `two tasks on two host ports answer (so far: ${[...answered].join(', ')})`, timeoutMs: 60_000, intervalMs: 250, until: (n) => n >= 2 },
    );
    assert.equal(answered.size, 2, `two tasks on two host ports answered: ${[...answered].join(', ')}`);
    const svc = (await ecs.send(new DescribeServicesCommand({ services: ['demo-web'] }))).services![0]!;
    assert.equal(svc.desiredCount, 2);
  });

  test('a second start keeps it, does not create another, and still prints its URL', async () => {
    const firstUrl = berth!.demoUrl;
    await berth!.stop();
    berth = await startWithDemo(dataDir);
    assert.equal(berth.demoUrl, firstUrl, berth.output());
    const ecs = ecsClient(berth.apiUrl);
    const listed = await ecs.send(new ListServicesCommand({}));
    assert.equal(listed.serviceArns?.filter((a) => a.endsWith('/demo-web')).length, 1);
    ecs.destroy();
    const r = await fetch(berth.demoUrl!);
    assert.equal(r.status, 200, 'the tasks kept running while Berth was down and still answer');
    await r.arrayBuffer();
  });
});

describe('--no-demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-no-demo-'));
  let berth: (BerthProcess & { demoUrl?: string }) | undefined;
  after(async () => {
    await berth?.stop();
    removeDataDir(dataDir);
  });

  test('a fresh data dir with --no-demo gets no demo stack', async () => {
    berth = await startWithDemo(dataDir, ['--no-demo']);
    assert.equal(berth.demoUrl, undefined, berth.output());
    const ecs = ecsClient(berth.apiUrl);
    const described = await ecs.send(new DescribeServicesCommand({ services: ['demo-web'] }));
    assert.deepEqual(
      described.failures?.map((f) => f.reason),
      ['MISSING'],
    );
    ecs.destroy();
  });
});
