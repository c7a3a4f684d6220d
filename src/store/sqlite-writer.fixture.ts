/**
 * Child process of the kill -9 durability test (sqlite-store.test.ts): puts records one after the
 * other as fast as it can and prints "<index> <revision>" once each put is acknowledged, until killed.
 * Usage: node --import tsx src/store/sqlite-writer.fixture.ts <db-path>
 */
import { SqliteStore } from './sqlite-store.js';

const path = process.argv[2];
if (!path) throw new Error('usage: sqlite-writer.fixture.ts <db-path>');
const store = SqliteStore.open(path);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const revision = await store.put(`/crash/${String(i).padStart(8, '0')}`, { i, payload: 'x'.repeat(i % 200) });
  // Only after the commit returned; stdout to a pipe is synchronous on Linux, so nothing is acked early.
  process.stdout.write(`${i} ${revision}\n`);
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
