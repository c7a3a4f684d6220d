/**
 * Issue 9's secret leaks and guessing, replayed against a real `berth up --auth sigv4` process: the
 * secret on the command line (readable by every user in /proc/PID/cmdline), a data dir and database
 * others can read (the database holds task environment values), a credentials-file secret holding
 * `#` and `;` cut short, and console sign-in guessed at loopback speed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, ListClustersCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { repoRoot, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { ecsClient } from '../support/sdk-clients.js';
import { berthEntry } from '../support/berth-command.js';

const FILE_KEY = { accessKeyId: 'AKIDFILE', secretAccessKey: 'file#secret;part' };
const ENV_KEY = { accessKeyId: 'AKIDENV', secretAccessKey: `env-secret-${process.pid}` };

describe('berth up --auth sigv4: secrets stay secret', () => {
  let root: string;
  let dataDir: string;
  let berth: BerthProcess;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'berth-hostile-secrets-'));
    // A data dir that does not exist yet: Berth creates it, and must create it private.
    dataDir = join(root, 'data');
    berth = await startBerthProcess({
      dataDir,
      args: ['--auth', 'sigv4', '--access-key-id', ENV_KEY.accessKeyId],
      env: { BERTH_SECRET_ACCESS_KEY: ENV_KEY.secretAccessKey },
    });
  });
  after(async () => {
    await berth?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const ecs = (key: { accessKeyId: string; secretAccessKey: string }, endpoint = berth.apiUrl) =>
    ecsClient(endpoint, { region: 'us-east-1', credentials: key, maxAttempts: 1 });

  test('the secret is not on the command line; --secret-access-key is refused with a pointer', async () => {
    const cmdline = readFileSync(`/proc/${berth.child.pid}/cmdline`, 'utf8');
    assert.ok(cmdline.includes(ENV_KEY.accessKeyId), 'the right process');
    assert.ok(!cmdline.includes(ENV_KEY.secretAccessKey));
    assert.equal((await ecs(ENV_KEY).send(new ListClustersCommand({}))).clusterArns?.length, 1);
    const refused = spawnSync(
      process.execPath,
      [...berthEntry(), 'up', '--data-dir', join(root, 'never'), '--access-key-id', 'AK', '--secret-access-key', 'SK'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
    );
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /--secret-access-key is not taken on the command line, where every user of this host can read it \(\/proc\/PID\/cmdline\): set BERTH_SECRET_ACCESS_KEY or write <data-dir>\/credentials/,
    );
    assert.ok(!existsSync(join(root, 'never')), 'refused before anything was created');
    const agent = spawnSync(
      process.execPath,
      [...berthEntry(), 'agent', '--server', berth.apiUrl, '--advertise-ip', '127.0.0.1', '--access-key-id', 'AK', '--secret-access-key', 'SK'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
    );
    assert.equal(agent.status, 2, agent.stderr);
    assert.match(agent.stderr, /--secret-access-key is not taken on the command line.*set BERTH_SECRET_ACCESS_KEY/);
  });

  test('the data dir is 0700 and the database 0600, with its WAL', async () => {
    // A task definition's environment is what the database must keep private.
    await ecs(ENV_KEY).send(
      new RegisterTaskDefinitionCommand({
        family: 'secretive',
        containerDefinitions: [{ name: 'app', image: 'x', memory: 16, environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }],
      }),
    );
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const f of ['berth.db', 'berth.db-wal', 'berth.db-shm']) {
      const path = join(dataDir, f);
      if (f === 'berth.db' || existsSync(path)) assert.equal(statSync(path).mode & 0o777, 0o600, f);
    }
  });

  test('a credentials-file secret holding # and ; is kept whole', async () => {
    // The file is read at start: a second Berth, on a data dir holding only that file.
    const other = join(root, 'other');
    mkdirSync(other, { mode: 0o700 });
    writeFileSync(join(other, 'credentials'), `[berth]\naws_access_key_id = ${FILE_KEY.accessKeyId}\naws_secret_access_key = ${FILE_KEY.secretAccessKey}\n`, {
      mode: 0o600,
    });
    const second = await startBerthProcess({ dataDir: other, args: ['--auth', 'sigv4'] });
    try {
      const out = await ecs(FILE_KEY, second.apiUrl).send(new CreateClusterCommand({ clusterName: 'from-file' }));
      assert.match(out.cluster!.clusterArn!, /cluster\/from-file$/);
      await assert.rejects(ecs({ accessKeyId: FILE_KEY.accessKeyId, secretAccessKey: 'file' }, second.apiUrl).send(new ListClustersCommand({})), {
        name: 'InvalidSignatureException',
      });
    } finally {
      await second.stop();
    }
  });

  test('console sign-in: 300 wrong guesses at once over HTTP are throttled after 5', async () => {
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        fetch(`${berth.apiUrl}/berth/console/v1/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ accessKeyId: ENV_KEY.accessKeyId, secretAccessKey: `guess-${i}` }),
        }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    const ms = performance.now() - t0;
    const checked = answers.filter((s) => s === 403).length;
    const throttled = answers.filter((s) => s === 429).length;
    console.log(`# 300 sign-in guesses in ${ms.toFixed(0)} ms: ${checked} reached the key check, ${throttled} were throttled`);
    assert.equal(checked, 5);
    assert.equal(throttled, 295);
  });
});
