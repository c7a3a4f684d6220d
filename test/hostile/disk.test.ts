/**
 * Disk and database faults under a running Berth: a full disk (a small tmpfs this test mounts), and
 * a database locked by another process. Writes fail in words while the fault lasts, /health says so,
 * and Berth recovers by itself, with nothing acknowledged lost.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, DescribeClustersCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { parseUpConfig } from '../../src/main/config.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startBerth, type RunningBerth } from '../../src/main/up.js';
import { silentLogger } from '../../src/platform/logger.js';
import type { HealthReport } from '../../src/control-plane/api/health-route.js';
import { eventually } from '../support/eventually.js';
import { ecsClient } from '../support/sdk-clients.js';

const client = (endpoint: string) => ecsClient(endpoint, { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });

const server = (dataDir: string, ...flags: string[]): Promise<RunningBerth> =>
  startBerth({ ...parseUpConfig(['--data-dir', dataDir, '--api-port', '0', '--no-demo', ...flags], {}), demo: false }, silentLogger, {
    withAgent: false,
  });

async function health(apiUrl: string): Promise<{ status: number; body: HealthReport }> {
  const res = await fetch(`${apiUrl}/health`);
  return { status: res.status, body: (await res.json()) as HealthReport };
}

const suffix = Math.random().toString(36).slice(2, 8);

describe('a full disk', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'berth-disk-'));
  before(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]));
  after(() => {
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  test('fails writes with ServerException naming the disk, shows it on /health, recovers once space is back, loses nothing', async () => {
    const dataDir = join(mountPoint, 'data');
    let berth = await server(dataDir);
    const acked: string[] = [];
    try {
      const ecs = client(berth.apiUrl);
      for (let i = 0; i < 20; i++) {
        const name = `before-${suffix}-${i}`;
        await ecs.send(new CreateClusterCommand({ clusterName: name }));
        acked.push(name);
      }
      // Fill the disk.
      const fillerPath = join(mountPoint, 'filler');
      const fd = openSync(fillerPath, 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(16 * 1024));
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        closeSync(fd);
      }
      // The WAL may still have room for a few commits; then writes fail, in words.
      let failure: Error | undefined;
      for (let i = 0; i < 5000 && !failure; i++) {
        const name = `during-${suffix}-${i}`;
        try {
          await ecs.send(new CreateClusterCommand({ clusterName: name, tags: [{ key: 'pad', value: 'x'.repeat(200) }] }));
          acked.push(name);
        } catch (err) {
          failure = err as Error;
        }
      }
      assert.ok(failure, 'a write failed on the full disk');
      assert.equal(failure.name, 'ServerException');
      assert.match(failure.message, new RegExp(`the disk holding ${dataDir} is full`));
      assert.equal((failure as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 500);
      const sick = await health(berth.apiUrl);
      assert.equal(sick.status, 503);
      assert.equal(sick.body.status, 'unavailable');
      assert.equal(sick.body.store.fault?.reason, 'disk-full');
      // Reads still answer.
      assert.ok(((await ecs.send(new ListClustersCommand({}))).clusterArns ?? []).length >= 20);

      rmSync(fillerPath);
      const t0 = Date.now();
      const name = `after-${suffix}`;
      await eventually(
        async () => {
          try {
            await ecs.send(new CreateClusterCommand({ clusterName: name }));
            return true;
          } catch {
            return undefined;
          }
        },
        { what: 'a write to succeed once space is back', timeoutMs: 10_000, intervalMs: 50 },
      );
      acked.push(name);
      assert.ok(Date.now() - t0 < 2000, `recovered in ${Date.now() - t0} ms`);
      assert.equal((await health(berth.apiUrl)).status, 200);
    } finally {
      await berth.stop();
    }
    // Nothing acknowledged is lost, across the fault and a restart.
    berth = await server(dataDir);
    try {
      const d = await client(berth.apiUrl).send(new DescribeClustersCommand({ clusters: acked }));
      assert.deepEqual(d.failures, []);
      assert.equal(d.clusters?.length, acked.length);
    } finally {
      await berth.stop();
    }
  });

  test('every write acknowledged before the disk filled survives kill -9 of the writer and a reopen', async () => {
    const dir = join(mountPoint, 'writer');
    execFileSync('mkdir', ['-p', dir]);
    const path = join(dir, 'berth.db');
    const writer = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src/store/sqlite-writer.fixture.ts'), path], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    writer.stdout.on('data', (d) => (out += d));
    writer.stderr.resume();
    const exited = new Promise<void>((r) => writer.once('exit', () => r()));
    await eventually(async () => (out.split('\n').length > 200 ? true : undefined), {
      what: 'the writer to acknowledge writes',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    // Fill the disk under the writer; its puts start failing, then kill -9 it.
    const fillerPath = join(mountPoint, 'filler-writer');
    const fd = openSync(fillerPath, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(16 * 1024));
    } catch {
      /* full */
    } finally {
      closeSync(fd);
    }
    await new Promise((r) => setImmediate(r));
    writer.kill('SIGKILL');
    await exited;
    rmSync(fillerPath);
    const acked = out
      .split('\n')
      .filter((l) => /^\d+ \d+$/.test(l))
      .map((l) => Number(l.split(' ')[0]));
    assert.ok(acked.length > 200);
    const store = SqliteStore.open(path);
    try {
      const keys = new Set((await store.list('/crash/')).records.map((r) => r.key));
      const lost = acked.filter((i) => !keys.has(`/crash/${String(i).padStart(8, '0')}`));
      assert.deepEqual(lost, []);
    } finally {
      await store.close();
    }
  });
});

describe('a database locked by another process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-locked-'));
  let berth: RunningBerth;
  // The store alone: an in-process load-balancer node's heartbeat is a write of its own, which would
  // get through the moment the lock goes and clear the fault before /health is read.
  before(async () => (berth = await server(dataDir, '--no-lb')));
  after(async () => {
    await berth.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Another process takes SQLite's write lock on berth.db and holds it for `ms`. */
  function holdWriteLock(ms: number): Promise<{ done: Promise<void> }> {
    const db = join(dataDir, 'berth.db');
    const code = `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(db)}); d.exec('BEGIN IMMEDIATE');
      d.prepare('UPDATE meta SET revision = revision').run(); console.log('locked');
      setTimeout(() => { d.exec('COMMIT'); d.close(); }, ${ms});`;
    const child = spawn(process.execPath, ['-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const done = new Promise<void>((r) => child.once('exit', () => r()));
    return new Promise((resolve, reject) => {
      child.stdout.once('data', () => resolve({ done }));
      child.once('exit', (c) => reject(new Error(`lock holder exited ${c}`)));
    });
  }

  test('a write waits for the lock within the busy timeout, then succeeds', async () => {
    const ecs = client(berth.apiUrl);
    const holder = await holdWriteLock(1500);
    const t0 = Date.now();
    await ecs.send(new CreateClusterCommand({ clusterName: `waited-${suffix}` }));
    const waited = Date.now() - t0;
    assert.ok(waited >= 1000, `waited ${waited} ms for the lock instead of failing at once`);
    await holder.done;
  });

  test('past the busy timeout the write fails with ServerException "database is locked"', async () => {
    const ecs = client(berth.apiUrl);
    const holder = await holdWriteLock(7000);
    const t0 = Date.now();
    await assert.rejects(ecs.send(new CreateClusterCommand({ clusterName: `locked-${suffix}` })), (err: Error) => {
      assert.equal(err.name, 'ServerException');
      assert.match(err.message, /database is locked/);
      return true;
    });
    const waited = Date.now() - t0;
    assert.ok(waited >= 4500, `failed after ${waited} ms (busy timeout is 5 s)`);
    assert.equal((await health(berth.apiUrl)).body.store.fault?.reason, 'locked');
    await holder.done;
    await ecs.send(new CreateClusterCommand({ clusterName: `unlocked-${suffix}` }));
    assert.equal((await health(berth.apiUrl)).status, 200);
  });
});
