import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.js';
import { storeConformance } from './store.conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-sqlite-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `store-${n++}.db`);

storeConformance(
  'SqliteStore',
  async (options) => {
    const path = freshPath();
    return { store: SqliteStore.open(path, options), reopen: async () => SqliteStore.open(path, options) };
  },
  { durable: true },
);

describe('SqliteStore', () => {
  test('uses WAL and keeps the documented tables', async () => {
    const path = freshPath();
    const store = SqliteStore.open(path);
    await store.txn({
      compares: [],
      success: [
        { type: 'put', key: '/a', value: 1 },
        { type: 'put', key: '/b', value: 2 },
      ],
    });
    await store.delete('/a');
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.deepEqual(db.prepare('SELECT key, value, create_revision, mod_revision FROM kv').all(), [
        { key: '/b', value: '2', create_revision: 1, mod_revision: 1 },
      ]);
      assert.deepEqual(db.prepare('SELECT revision, seq, type, key, value FROM events ORDER BY revision, seq').all(), [
        { revision: 1, seq: 0, type: 'put', key: '/a', value: '1' },
        { revision: 1, seq: 1, type: 'put', key: '/b', value: '2' },
        { revision: 2, seq: 0, type: 'delete', key: '/a', value: '1' },
      ]);
      assert.equal(db.prepare('SELECT revision FROM meta').pluck().get(), 2);
    } finally {
      db.close();
      await store.close();
    }
    const full = SqliteStore.open(path, { synchronous: 'FULL' });
    assert.equal((await full.get('/b'))?.value, 2);
    await full.close();
  });

  test('compaction keeps the event log bounded', async () => {
    const path = freshPath();
    const store = SqliteStore.open(path, { historyLimit: 100 });
    for (let i = 0; i < 1000; i++) await store.put(`/k/${i % 7}`, i);
    await store.close();
    const db = new Database(path, { readonly: true });
    const { count, oldest } = db.prepare('SELECT count(*) AS count, min(revision) AS oldest FROM events').get() as { count: number; oldest: number };
    const compacted = db.prepare('SELECT compacted_revision FROM meta').pluck().get() as number;
    db.close();
    assert.ok(count >= 100 && count <= 111, `events kept: ${count}`);
    assert.equal(oldest, compacted + 1);
  });

  test('a schema version 1 file (WITHOUT ROWID tables) is migrated in place, records and history kept', async () => {
    const path = freshPath();
    const v1 = new Database(path);
    v1.pragma('journal_mode = WAL');
    v1.exec(`
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, create_revision INTEGER NOT NULL, mod_revision INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE events (revision INTEGER NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL CHECK (type IN ('put', 'delete')),
        key TEXT NOT NULL, value TEXT, PRIMARY KEY (revision, seq)) WITHOUT ROWID;
      CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), schema_version INTEGER NOT NULL, revision INTEGER NOT NULL, compacted_revision INTEGER NOT NULL);
      INSERT INTO meta VALUES (1, 1, 3, 0);
      INSERT INTO kv VALUES ('/a', '{"n":1}', 1, 3), ('/b', '"x"', 2, 2);
      INSERT INTO events VALUES (1, 0, 'put', '/a', '{"n":0}'), (2, 0, 'put', '/b', '"x"'), (3, 0, 'put', '/a', '{"n":1}');
    `);
    v1.close();

    const store = SqliteStore.open(path);
    try {
      assert.equal(await store.revision(), 3);
      assert.deepEqual(await store.get('/a'), { key: '/a', value: { n: 1 }, createRevision: 1, modRevision: 3 });
      assert.deepEqual(
        (await store.list('/')).records.map((r) => r.key),
        ['/a', '/b'],
      );
      const replayed = await new Promise<unknown[]>((resolve) => {
        const w = store.watch('/a', { fromRevision: 1, onEvents: (events) => (w.close(), resolve(events)) });
      });
      assert.deepEqual(replayed, [{ type: 'put', key: '/a', value: { n: 1 }, revision: 3 }]);
      assert.equal(await store.put('/c', true), 4);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.prepare('SELECT schema_version FROM meta').pluck().get(), 2);
      const ddl = db.prepare("SELECT group_concat(sql, ';') FROM sqlite_master WHERE type = 'table'").pluck().get() as string;
      assert.doesNotMatch(ddl, /WITHOUT ROWID/i);
      assert.doesNotMatch(ddl, /_v1/);
    } finally {
      db.close();
    }
    // Opening again is a no-op.
    const again = SqliteStore.open(path);
    assert.equal((await again.get('/c'))?.modRevision, 4);
    await again.close();
  });

  test('refuses a file from a newer schema version', () => {
    const path = freshPath();
    void SqliteStore.open(path).close();
    const db = new Database(path);
    db.prepare('UPDATE meta SET schema_version = 99').run();
    db.close();
    assert.throws(() => SqliteStore.open(path), /schema version 99/);
  });

  test('every acknowledged write survives kill -9 of the writer', { timeout: 60_000 }, async () => {
    const path = freshPath();
    const fixture = fileURLToPath(new URL('./sqlite-writer.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = new Map<number, number>();
    let buffered = '';
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') continue;
        const [i, revision] = line.split(' ').map(Number);
        acked.set(i!, revision!);
        // Kill mid-stream, while the writer is busy committing.
        if (acked.size === 2000) child.kill('SIGKILL');
      }
    });
    assert.equal(await killed, 'SIGKILL', 'the writer ended before it was killed');
    assert.ok(acked.size >= 2000);

    const store = SqliteStore.open(path);
    try {
      const revision = await store.revision();
      const maxAcked = Math.max(...acked.values());
      assert.ok(revision >= maxAcked, `store revision ${revision} is behind the acknowledged ${maxAcked}`);
      const { records } = await store.list<{ i: number; payload: string }>('/crash/');
      const byIndex = new Map(records.map((r) => [r.value.i, r]));
      for (const [i, rev] of acked) {
        const r = byIndex.get(i);
        assert.ok(r, `acknowledged write ${i} (revision ${rev}) was lost`);
        assert.equal(r.modRevision, rev);
        assert.equal(r.value.payload, 'x'.repeat(i % 200));
      }
      assert.ok(records.length >= acked.size);
      // Nothing half-written either: the records are exactly 0..k, each at revision i + 1.
      assert.ok(records.every((r, idx) => r.value.i === idx && r.modRevision === idx + 1));
      assert.equal(await store.put('/after', 1), revision + 1);
    } finally {
      await store.close();
    }
  });

  test("a compare-and-set write waits out another process's write lock (BEGIN IMMEDIATE), not failing at once", async () => {
    const path = freshPath();
    const store = SqliteStore.open(path);
    const first = await store.put('/cas', 1);
    // Another process holds SQLite's write lock for 700 ms.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(path)});
      d.exec('BEGIN IMMEDIATE'); d.prepare('UPDATE meta SET revision = revision').run(); console.log('locked');
      setTimeout(() => { d.exec('COMMIT'); d.close(); }, 700);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((r) => holder.once('exit', r));
    await new Promise<void>((r) => holder.stdout.once('data', () => r()));
    const t0 = Date.now();
    // A deferred transaction reads the compare first, then fails its upgrade with SQLITE_BUSY in 0 ms.
    await store.put('/cas', 2, { expectedRevision: first });
    const waited = Date.now() - t0;
    assert.ok(waited >= 400, `waited ${waited} ms`);
    assert.equal((await store.get('/cas'))?.value, 2);
    assert.deepEqual(store.health(), { ok: true });
    await exited;
    await store.close();
  });
});
