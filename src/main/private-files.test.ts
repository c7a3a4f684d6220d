import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from './private-files.js';

test('a new data dir is 0700 and the database 0600, even under a permissive umask', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-private-'));
  const old = process.umask(0o000);
  try {
    const dir = join(root, 'a', 'data');
    ensurePrivateDir(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    writeFileSync(join(dir, 'berth.db'), 'new');
    ensurePrivateFile(join(dir, 'berth.db'));
    assert.equal(statSync(join(dir, 'berth.db')).mode & 0o777, 0o600);
    // An existing, readable database is narrowed; its content stays.
    const db = join(root, 'old.db');
    writeFileSync(db, 'x');
    chmodSync(db, 0o644);
    ensurePrivateFile(db);
    assert.equal(statSync(db).mode & 0o777, 0o600);
    assert.equal(statSync(db).size, 1);
  } finally {
    process.umask(old);
    rmSync(root, { recursive: true, force: true });
  }
});
