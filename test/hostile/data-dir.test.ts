/**
 * The data dir under hostile use, through the real `berth` processes: a second `berth up` on it, a
 * corrupt or truncated database, backup and restore, and the open-files limit after start.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { CreateClusterCommand, DescribeClustersCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { repoRoot, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { berthCli } from '../integration/cli-harness.js';
import { parseNofile } from '../../src/main/fd-limit.js';
import { ecsClient } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { berthEntry } from '../support/berth-command.js';
import { stopAllTasks } from '../support/stop-everything.js';

const client = (endpoint: string) => ecsClient(endpoint, { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
const up = (dataDir: string): Promise<BerthProcess> => startBerthProcess({ dataDir, args: ['--runtime', 'process'] });
const suffix = Math.random().toString(36).slice(2, 8);

const root = mkdtempSync(join(tmpdir(), 'berth-data-dir-'));
const started: BerthProcess[] = [];
after(async () => {
  for (const b of started) await b.kill9();
  rmSync(root, { recursive: true, force: true });
});
const freshDir = (): string => mkdtempSync(join(root, 'd-'));

/** `berth up` that is expected not to start: its exit code and what it printed. */
function upFails(dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...berthEntry(), 'up', '--data-dir', dataDir, '--api-port', '0', '--no-demo', '--runtime', 'process', '--log-level', 'warn'],
      {
        cwd: repoRoot,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, output })));
  });
}

describe('one Berth per data dir', () => {
  test('a second berth up on the same data dir is refused in one line; the first keeps working', async () => {
    const dir = freshDir();
    const first = await up(dir);
    started.push(first);
    const second = await upFails(dir);
    assert.equal(second.code, 1);
    const lines = second.output.trim().split('\n');
    assert.equal(lines.length, 1, second.output);
    assert.match(lines[0]!, new RegExp(`^berth: data dir ${dir} is in use by another Berth \\(pid ${first.child.pid}\\)`));
    await client(first.apiUrl).send(new CreateClusterCommand({ clusterName: `still-${suffix}` }));
    // kill -9 leaves no stale lock: the next berth up starts.
    await first.kill9();
    const next = await up(dir);
    started.push(next);
    const d = await client(next.apiUrl).send(new DescribeClustersCommand({ clusters: [`still-${suffix}`] }));
    assert.equal(d.clusters?.length, 1);
    await next.stop();
  });
});

describe('a damaged database', () => {
  async function stoppedDataDir(): Promise<string> {
    const dir = freshDir();
    const b = await up(dir);
    const ecs = client(b.apiUrl);
    for (let i = 0; i < 60; i++) await ecs.send(new CreateClusterCommand({ clusterName: `c${i}-${suffix}`, tags: [{ key: 'pad', value: 'p'.repeat(250) }] }));
    assert.equal(await b.stop(), 0);
    return dir;
  }

  test('a corrupt page refuses to start, pointing to berth restore', async () => {
    const dir = await stoppedDataDir();
    const db = join(dir, 'berth.db');
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 2);
    closeSync(fd);
    const r = await upFails(dir);
    assert.equal(r.code, 1);
    assert.match(r.output, new RegExp(`berth: the database ${db} is corrupt .*berth restore`));
  });

  test('a truncated or 0-byte database refuses to start instead of starting empty', async () => {
    const dir = await stoppedDataDir();
    const db = join(dir, 'berth.db');
    truncateSync(db, Math.floor(statSync(db).size / 2));
    assert.match((await upFails(dir)).output, /is corrupt .*berth restore/);
    truncateSync(db, 0);
    assert.match((await upFails(dir)).output, new RegExp(`berth: the database ${db} is empty \\(0 bytes.*berth restore`));
  });
});

describe('berth backup and berth restore', () => {
  test('backup while Berth runs; restore is refused while it runs, then brings the state back', async () => {
    const dir = freshDir();
    const b = await up(dir);
    started.push(b);
    const ecs = client(b.apiUrl);
    await ecs.send(new CreateClusterCommand({ clusterName: `kept-${suffix}` }));
    const file = join(root, `backup-${suffix}.db`);
    const backup = await berthCli(b.apiUrl, ['backup', '--out', file, '--data-dir', dir]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /backed up .* at revision \d+ to /);
    await ecs.send(new CreateClusterCommand({ clusterName: `after-backup-${suffix}` }));

    const refused = await berthCli(b.apiUrl, ['restore', file, '--data-dir', dir]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^berth: data dir .* is in use by another Berth \(pid \d+\); restore refuses while a Berth owns the data dir/);

    assert.equal(await b.stop(), 0);
    const restored = await berthCli(b.apiUrl, ['restore', file, '--data-dir', dir]);
    assert.equal(restored.code, 0, restored.stderr);
    const again = await up(dir);
    started.push(again);
    const d = await client(again.apiUrl).send(new DescribeClustersCommand({ clusters: [`kept-${suffix}`, `after-backup-${suffix}`] }));
    assert.deepEqual(
      d.clusters?.map((c) => c.clusterName),
      [`kept-${suffix}`],
    );
    assert.equal(d.failures?.[0]?.reason, 'MISSING');
    await again.stop();
  });
});

/** `berth <command>` under `prlimit --nofile=soft:hard`, until it is up. */
async function underLimit(soft: number, hard: number, command: 'up' | 'server', logLevel: string) {
  const dir = freshDir();
  const child = spawn(
    'prlimit',
    [
      `--nofile=${soft}:${hard}`,
      process.execPath,
      ...berthEntry(),
      command,
      '--data-dir',
      dir,
      '--api-port',
      '0',
      '--no-demo',
      '--runtime',
      'process',
      '--log-level',
      logLevel,
    ],
    { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`berth ${command} exited with ${child.exitCode}`);
      return /Berth is up/.test(out) ? true : undefined;
    },
    { what: `berth ${command} started:\n${out}`, timeoutMs: 30_000, intervalMs: 50 },
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  const api = /API: +(http:\/\/\S+)/.exec(out)?.[1];
  if (!api) throw new Error(`berth ${command} named no API:\n${out}`);
  return { child, dataDir: dir, apiUrl: api, output: () => out };
}

/** Complete lines in a file (0 while it does not exist). */
const lineCount = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0);

/** The one task's `<id>.stdout` (what the process wrote) and `<id>.log` (what the tailer made of it) under a data dir. */
function taskLogFiles(dataDir: string): { stdout: string; log: string } | undefined {
  const stdout = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.stdout'));
  return stdout ? { stdout: join(dataDir, stdout), log: join(dataDir, stdout.replace(/\.stdout$/, '.log')) } : undefined;
}

describe('open files', () => {
  test("idle connections past the fd limit, while a task's log is tailed, do not end the process", async () => {
    const b = await underLimit(160, 160, 'up', 'warn');
    const sockets: Socket[] = [];
    try {
      const ecs = client(b.apiUrl);
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `chatty-${suffix}`,
          containerDefinitions: [
            { name: 'c', image: 'sample-app', memory: 32, entryPoint: [process.execPath, '-e', 'setInterval(() => console.log("tick " + Date.now()), 20)'] },
          ],
        }),
      );
      const taskArn = (await ecs.send(new RunTaskCommand({ taskDefinition: `chatty-${suffix}` }))).tasks![0]!.taskArn!;
      await eventually(async () => (await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks?.[0]?.lastStatus, {
        what: 'the task is RUNNING',
        timeoutMs: 20_000,
        intervalMs: 100,
        until: (s) => s === 'RUNNING',
      });
      const files = await eventually(() => taskLogFiles(b.dataDir), { what: "the task's log files", timeoutMs: 10_000, intervalMs: 50 });
      await eventually(() => lineCount(files.log), { what: 'the tailer copies lines into the log', timeoutMs: 10_000, intervalMs: 50, until: (n) => n > 0 });
      const { port } = new URL(b.apiUrl);
      for (let i = 0; i < 300; i++) {
        const s = connect(Number(port), '127.0.0.1');
        s.on('error', () => undefined);
        sockets.push(s);
      }
      // Proof that the tailer met the exhausted table, not only that time passed: the process holds (nearly) every
      // descriptor, and the task wrote 25 lines (0.5 s, five of the tailer's 100 ms polls) more than the tailer copied.
      await eventually(() => readdirSync(`/proc/${b.child.pid}/fd`).length, {
        what: 'the process holds every descriptor it may',
        timeoutMs: 10_000,
        intervalMs: 20,
        until: (n) => n >= 155,
      });
      await eventually(() => lineCount(files.stdout) - lineCount(files.log), {
        what: 'the tailer, out of descriptors, falls behind the task',
        timeoutMs: 10_000,
        intervalMs: 20,
        until: (gap) => gap >= 25 || b.child.exitCode !== null,
      });
      assert.equal(b.child.exitCode, null, b.output());
      const written = lineCount(files.stdout);
      for (const s of sockets.splice(0)) s.destroy();
      await eventually(() => ecs.send(new CreateClusterCommand({ clusterName: `after-emfile-${suffix}` })), {
        what: 'the API answers once the descriptors are back',
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      // The lines written while the tailer could not read are not lost.
      await eventually(() => lineCount(files.log), { what: 'the tailer caught up', timeoutMs: 10_000, intervalMs: 50, until: (n) => n >= written });
      assert.equal(b.child.exitCode, null, b.output());
      // Nothing failed unhandled. A loop that met the exhausted table and said so at warn level (the
      // agent's reconcile, backing off) is the handling this test wants, and on a loaded machine the
      // window is long enough for one of its ticks to land in it.
      const unhandled = b
        .output()
        .split('\n')
        .filter((line) => /EMFILE/.test(line) && !line.startsWith('{"level":40'));
      assert.deepEqual(unhandled, []);
    } finally {
      for (const s of sockets) s.destroy();
      // The task outlives a killed Berth (as users' tasks do), so it is stopped through the API first.
      if (b.child.exitCode === null) await stopAllTasks(b.apiUrl, 20_000).catch((err: unknown) => console.log(`teardown: ${String(err)}`));
      b.child.kill('SIGKILL');
    }
  });

  test('after start the soft limit is the hard limit, and the limit is logged', async () => {
    const { hard } = parseNofile(readFileSync('/proc/self/limits', 'utf8'))!;
    const soft = Math.min(1024, hard);
    const b = await underLimit(soft, hard, 'server', 'info');
    const child = b.child;
    const out = b.output();
    try {
      const limit = parseNofile(readFileSync(`/proc/${child.pid}/limits`, 'utf8'))!;
      assert.equal(limit.soft, hard);
      assert.equal(limit.hard, hard);
      const logged = out
        .split('\n')
        .filter((l) => l.includes('open-files limit in use'))
        .map((l) => JSON.parse(l) as { soft: number; hard: number });
      assert.deepEqual(
        logged.map((l) => [l.soft, l.hard]),
        [[hard, hard]],
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
