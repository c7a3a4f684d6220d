import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.js';
import { checkStoreFile, StoreFileError } from './sqlite-integrity.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-integrity-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A store of `count` records, closed (checkpointed into the main file). */
async function filledStore(count = 300): Promise<string> {
  const path = join(dir, `store-${n++}.db`);
  const store = SqliteStore.open(path);
  for (let i = 0; i < count; i++) await store.put(`/berth/k/${String(i).padStart(5, '0')}`, { i, pad: 'p'.repeat(500) });
  await store.close();
  return path;
}

const refusesWithRestoreHint = (path: string, what: RegExp) => (err: Error) =>
  err instanceof StoreFileError && what.test(err.message) && err.message.includes(path) && err.message.includes('berth restore');

test('a missing file is a first start; a sound one passes', async () => {
  checkStoreFile(join(dir, 'absent.db'));
  checkStoreFile(await filledStore(10));
});

test('a 0-byte database is refused instead of starting an empty Berth over it', () => {
  const path = join(dir, 'empty.db');
  writeFileSync(path, '');
  assert.throws(() => SqliteStore.open(path), refusesWithRestoreHint(path, /empty \(0 bytes/));
});

test('a database with a corrupt page is refused', async () => {
  const path = await filledStore();
  // Scribble over a b-tree page in the middle of the file (not the header page).
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 3);
  closeSync(fd);
  assert.throws(() => SqliteStore.open(path), refusesWithRestoreHint(path, /corrupt/));
});

test('a truncated database is refused', async () => {
  const path = await filledStore();
  truncateSync(path, Math.floor(statSync(path).size / 2));
  assert.throws(() => SqliteStore.open(path), refusesWithRestoreHint(path, /corrupt/));
});

test('a file that is not SQLite at all is refused', () => {
  const path = join(dir, 'text.db');
  writeFileSync(path, 'this is not a database, but it is long enough to have a header page...'.repeat(100));
  assert.throws(() => SqliteStore.open(path), refusesWithRestoreHint(path, /corrupt/));
});

test('the sound store still opens with its records after the check', async () => {
  const path = await filledStore(5);
  const store = SqliteStore.open(path);
  assert.equal((await store.list('/berth/k/')).records.length, 5);
  await store.close();
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
  db.close();
});
