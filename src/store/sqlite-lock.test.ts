import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir } from './sqlite-lock.js';

const root = mkdtempSync(join(tmpdir(), 'berth-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));
const freshDir = (): string => mkdtempSync(join(root, 'd-'));

test('a second owner in the same process is refused, naming the dir and the owner pid; release frees it', () => {
  const dir = freshDir();
  const first = lockDataDir(dir);
  assert.throws(
    () => lockDataDir(dir),
    (err: Error) => err instanceof DataDirLockedError && err.message.includes(dir) && err.message.includes(`pid ${process.pid}`),
  );
  first.release();
  lockDataDir(dir).release();
});

/** A child that takes the lock, says so, and waits to be killed. */
function holder(dir: string): Promise<{ kill9(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('${join(import.meta.dirname, 'sqlite-lock.ts')}').then((m) => { m.lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000); })`,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve({ kill9: async () => (child.kill('SIGKILL'), await exited) }));
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
}

test('another process holding the lock refuses us; kill -9 of it leaves no stale lock', async () => {
  const dir = freshDir();
  const other = await holder(dir);
  const t = Date.now();
  assert.throws(() => lockDataDir(dir), DataDirLockedError);
  assert.ok(Date.now() - t < 1000, 'refused at once, not after a busy wait');
  await other.kill9();
  // The kernel dropped the record lock with the process: no stale-lock detection needed.
  lockDataDir(dir).release();
});
