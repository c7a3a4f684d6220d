/**
 * The README's walkthroughs, run as they stand (docs/walkthroughs/*.sh, which the README shows) one
 * after another against one fresh `berth up` (own data dir, own ports), as a reader would after
 * `npm start`. What the test changes, and only that: the ports (4566 → the test's API port, 8081 and
 * 8082 → free ports, in the scripts and in the stack file), the scaling-out host addresses (10.0.0.x →
 * a 127.x.y.z of this test's own) and its state dir; and `npx berth` runs this working tree's `berth`
 * (test/support/berth-command.ts: the suite's fresh build of it, or the source through tsx), not an installed one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { freePort } from '../../src/platform/free-port.js';
import { awsCliPath, requirement } from '../support/requirements.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { ensureTestImage } from '../support/test-image.js';
import { instanceIdOf, removeContainersOfInstance } from '../support/own-containers.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { ecsClient } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { berthEntry } from '../support/berth-command.js';
import { repoRoot, walkthroughScript, type Walkthrough } from './walkthroughs.js';

const skip = requirement('docker') || requirement('aws-cli');

/** A PATH whose `npx berth` runs this checkout's source, and whose `aws` is the v2 CLI. */
function shimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-readme-bin-'));
  const npx = join(dir, 'npx');
  writeFileSync(
    npx,
    `#!/bin/sh\nif [ "$1" = berth ]; then shift; exec ${[process.execPath, ...berthEntry()].map((a) => JSON.stringify(a)).join(' ')} "$@"; fi\n` +
      'echo "npx shim: only npx berth is expected here" >&2; exit 127\n',
  );
  chmodSync(npx, 0o755);
  const aws = join(dir, 'aws');
  writeFileSync(aws, `#!/bin/sh\nexec ${JSON.stringify(awsCliPath() ?? 'aws')} "$@"\n`);
  chmodSync(aws, 0o755);
  return dir;
}

interface Run {
  code: number | null;
  out: string;
}

/** Runs a walkthrough with bash -e (a failing command fails the walkthrough), in `cwd`. */
function runScript(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n[test: timed out after ${timeoutMs} ms]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the README walkthroughs, one after another on one fresh berth up', { skip }, () => {
  let berth: BerthProcess | undefined;
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  const ports: Record<string, number> = {};

  before(async () => {
    await ensureTestImage();
    berth = await startBerthProcess({ args: ['--runtime', 'docker'], timeoutMs: 90_000 });
    ports['8081'] = await freePort();
    ports['8082'] = await freePort();
    // The reader's checkout, with the stack file's listener on this test's port.
    cwd = mkdtempSync(join(tmpdir(), 'berth-readme-'));
    mkdirSync(join(cwd, 'examples'));
    writeFileSync(join(cwd, 'examples', 'stack.yaml'), localize(readFileSync(join(repoRoot, 'examples', 'stack.yaml'), 'utf8')));
    env = {
      ...process.env,
      PATH: `${shimDir()}:${process.env.PATH ?? ''}`,
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      BERTH_ENDPOINT: berth.apiUrl,
      NODE_OPTIONS: '',
    };
  });

  after(async () => {
    if (berth) {
      await stopAllTasks(berth.apiUrl).catch(() => undefined);
      const instance = (() => {
        try {
          return instanceIdOf(berth.dataDir);
        } catch {
          return undefined;
        }
      })();
      await berth.stop();
      if (instance) removeContainersOfInstance(instance);
      removeDataDir(berth.dataDir);
    }
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  const localize = (text: string): string => text.replaceAll('http://127.0.0.1:4566', berth!.apiUrl).replace(/\b808[12]\b/g, (p) => String(ports[p]));

  const walk = async (name: Walkthrough, timeoutMs: number): Promise<string> => {
    const r = await runScript(localize(walkthroughScript(name)), cwd, env, timeoutMs);
    assert.equal(r.code, 0, `walkthrough ${name} failed:\n${r.out}`);
    return r.out;
  };

  test('1. the AWS CLI walkthrough: two tasks on dynamic ports behind the ALB, then revision 2 rolled out', async () => {
    const started = Date.now();
    const out = await walk('aws-cli', 300_000);
    assert.match(out, /"version":"v2"/, 'the last curl reached a task of revision 2');
    console.log(`aws-cli walkthrough: ${Math.round((Date.now() - started) / 1000)} s`);
  });

  test('2. the berth apply walkthrough, on the same Berth, with its own names', async () => {
    const started = Date.now();
    const out = await walk('berth-apply', 300_000);
    assert.match(out, /No changes/, 'the second apply changed nothing');
    assert.match(out, /Deployment completed/);
    console.log(`berth-apply walkthrough: ${Math.round((Date.now() - started) / 1000)} s`);
    // The first walkthrough's service is untouched by the second.
    const ecs = ecsClient(berth!.apiUrl);
    const services = (await ecs.send(new DescribeServicesCommand({ services: ['cli-web', 'web'] }))).services ?? [];
    ecs.destroy();
    assert.deepEqual(
      services.map((s) => [s.serviceName, s.status, s.runningCount]),
      [
        ['cli-web', 'ACTIVE', 2],
        ['web', 'ACTIVE', 3],
      ],
    );
  });
});

describe('the README scaling-out walkthrough: a server and an agent on two addresses', { skip: requirement('docker') }, () => {
  test('the agent registers with the server, both signing with the key in the environment', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'berth-readme-scale-'));
    const net = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}`;
    const apiPort = await freePort();
    const stateDir = join(cwd, 'agent-state');
    const script = walkthroughScript('scaling-out')
      .replaceAll('10.0.0.1:4566', `${net}.1:${apiPort}`)
      .replaceAll('10.0.0.1', `${net}.1 --api-port ${apiPort}`)
      .replaceAll('10.0.0.2', `${net}.2`)
      .replaceAll('/var/lib/berth-agent', stateDir);
    // The script leaves the two daemons running in the background: its own process group, ended below.
    const child = spawn('bash', ['-e', '-c', `${script}\nwait`], {
      cwd,
      env: { ...process.env, PATH: `${shimDir()}:${process.env.PATH ?? ''}`, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      const signed = ecsClient(`http://${net}.1:${apiPort}`, { credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
      const arns = await eventually(
        async () => {
          const r = await signed.send(new ListContainerInstancesCommand({}));
          return r.containerInstanceArns?.length === 1 ? r.containerInstanceArns : undefined;
        },
        { what: `the agent registered:\n${out}`, timeoutMs: 120_000, intervalMs: 500 },
      );
      assert.equal(arns.length, 1);
      const unsigned = ecsClient(`http://${net}.1:${apiPort}`, { credentials: { accessKeyId: 'AK', secretAccessKey: 'wrong' } });
      await assert.rejects(unsigned.send(new ListContainerInstancesCommand({})), 'the server checks signatures (--auth sigv4)');
      signed.destroy();
      unsigned.destroy();
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      await exited;
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
