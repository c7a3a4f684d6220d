import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.js';
import { backupStore, restoreStore, storePath } from './sqlite-backup.js';
import { DataDirLockedError, lockDataDir } from './sqlite-lock.js';
import { StoreFileError } from './sqlite-integrity.js';

const root = mkdtempSync(join(tmpdir(), 'berth-backup-'));
after(() => rmSync(root, { recursive: true, force: true }));
const freshDir = (): string => mkdtempSync(join(root, 'd-'));

test('a backup taken while the store writes holds a consistent revision, and restores into another data dir', async () => {
  const dir = freshDir();
  const lock = lockDataDir(dir);
  const store = SqliteStore.open(storePath(dir));
  for (let i = 0; i < 200; i++) await store.put(`/k/${i}`, { i });
  // Writes keep landing while the backup runs: the copy is one revision's state, whole.
  let writing = true;
  const writer = (async () => {
    for (let i = 200; writing; i++) {
      await store.put(`/k/${i}`, { i });
      await new Promise((r) => setImmediate(r));
    }
  })();
  const out = join(root, 'berth-backup.db');
  const r = await backupStore(dir, out);
  writing = false;
  await writer;
  assert.ok(r.revision >= 200 && r.bytes > 0);
  await store.close();
  lock.release();

  const other = freshDir();
  const restored = await restoreStore(out, other);
  assert.equal(restored.revision, r.revision);
  const back = SqliteStore.open(storePath(other));
  assert.equal(await back.revision(), r.revision);
  // Revision n wrote /k/(n-1): exactly the records up to the backup's revision.
  assert.equal((await back.list('/k/')).records.length, r.revision);
  await back.close();
});

test('restore refuses while a Berth owns the data dir, and keeps the database it replaces', async () => {
  const dir = freshDir();
  const store = SqliteStore.open(storePath(dir));
  await store.put('/old', 1);
  await store.close();
  const src = freshDir();
  const s2 = SqliteStore.open(storePath(src));
  await s2.put('/new', 2);
  await s2.close();
  const backup = join(root, 'other.db');
  await backupStore(src, backup);

  const owner = lockDataDir(dir);
  await assert.rejects(restoreStore(backup, dir), (err: Error) => err instanceof DataDirLockedError && /restore refuses while a Berth owns/.test(err.message));
  owner.release();

  const r = await restoreStore(backup, dir);
  assert.equal(r.previous, `${storePath(dir)}.before-restore`);
  assert.ok(existsSync(r.previous!));
  const back = SqliteStore.open(storePath(dir));
  assert.equal((await back.get('/new'))?.value, 2);
  assert.equal(await back.get('/old'), undefined);
  await back.close();
});

test('restore refuses a file that is not a sound Berth store', async () => {
  const dir = freshDir();
  const junk = join(root, 'junk.db');
  writeFileSync(junk, '');
  await assert.rejects(restoreStore(junk, dir), StoreFileError);
  const foreign = join(root, 'foreign.db');
  const db = new Database(foreign);
  db.exec('CREATE TABLE t (x)');
  db.close();
  await assert.rejects(restoreStore(foreign, dir), /not a Berth store/);
  assert.equal(existsSync(storePath(dir)), false);
});
