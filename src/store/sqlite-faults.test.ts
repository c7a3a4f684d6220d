import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeFault } from './sqlite-faults.js';
import { StoreUnavailableError } from './store.js';

const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });

test('SQLite faults outside Berth become StoreUnavailableError in words; anything else stays a bug', () => {
  const full = storeFault(sqliteError('SQLITE_FULL', 'database or disk is full'), '/var/lib/berth/berth.db');
  assert.ok(full instanceof StoreUnavailableError);
  assert.equal(full.reason, 'disk-full');
  assert.match(full.message, /the disk holding \/var\/lib\/berth is full/);
  assert.equal(storeFault(sqliteError('SQLITE_IOERR_WRITE', 'disk I/O error: No space left on device'), '/d/berth.db')?.reason, 'disk-full');
  assert.equal(storeFault(sqliteError('SQLITE_IOERR_FSYNC', 'disk I/O error'), '/d/berth.db')?.reason, 'io-error');
  const busy = storeFault(sqliteError('SQLITE_BUSY', 'database is locked'), '/d/berth.db');
  assert.equal(busy?.reason, 'locked');
  assert.match(busy!.message, /^database is locked/);
  assert.equal(storeFault(sqliteError('SQLITE_READONLY', 'attempt to write a readonly database'), '/d/berth.db')?.reason, 'read-only');
  assert.equal(storeFault(sqliteError('SQLITE_CORRUPT', 'database disk image is malformed'), '/d/berth.db')?.reason, 'corrupt');
  assert.equal(storeFault(sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed'), '/d/berth.db'), undefined);
  assert.equal(storeFault(new TypeError('x is undefined'), '/d/berth.db'), undefined);
});
