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
    await store.txn({ compares: [], success: [{ type: 'put', key: '/a', value: 1 }, { type: 'put', key: '/b', value: 2 }] });
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
});
