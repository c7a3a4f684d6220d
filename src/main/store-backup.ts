/**
 * `berth backup` and `berth restore` on either store. SQLite keeps its own file copy (the default
 * there, taken with SQLite's online backup API); a dump (store-dump.ts) is the neutral format that
 * etcd writes and that either store restores, so a dump of SQLite restored into etcd moves a Berth.
 * `restore` also takes an SQLite backup file when the target is etcd.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupStore, restoreStore } from '../store/sqlite-backup.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { EtcdStore } from '../store/etcd-store.js';
import { dumpStore, isSqliteFile, loadRecords, readDump, type DumpRecord } from '../store/store-dump.js';
import type { Store } from '../store/store.js';
import type { StoreChoice } from './store-flags.js';
import { UsageError } from './usage-error.js';

export type BackupFormat = 'sqlite' | 'dump';

export interface BackupOutcome {
  readonly format: BackupFormat;
  readonly revision: number;
  readonly bytes: number;
}

function etcdOf(choice: Extract<StoreChoice, { kind: 'etcd' }>): Promise<EtcdStore> {
  return EtcdStore.connect({
    endpoints: choice.endpoints,
    ...(choice.caFile !== undefined ? { caFile: choice.caFile } : {}),
    ...(choice.certFile !== undefined ? { certFile: choice.certFile } : {}),
    ...(choice.keyFile !== undefined ? { keyFile: choice.keyFile } : {}),
    ...(choice.user !== undefined ? { user: choice.user, password: choice.password ?? '' } : {}),
    ...(choice.maxTxnOps !== undefined ? { maxTxnOps: choice.maxTxnOps } : {}),
  });
}

function refuseSqlitePath(choice: StoreChoice): void {
  if (choice.kind === 'sqlite' && choice.path !== undefined) throw new UsageError('backup and restore work on --data-dir for SQLite, not --store sqlite:PATH');
}

/** Runs `fn` on a scratch copy of an SQLite store file, so the live file (or the backup) is never opened for writing. */
async function withScratchSqlite<T>(fn: (scratchDir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-backup-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function closing<S extends Store, T>(store: S, fn: (s: S) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function backupAny(choice: StoreChoice, dataDir: string, out: string, format?: BackupFormat): Promise<BackupOutcome> {
  refuseSqlitePath(choice);
  if (choice.kind === 'etcd') {
    if (format === 'sqlite') throw new UsageError('--format sqlite is for the SQLite store; etcd backs up as a dump');
    const header = await closing(await etcdOf(choice), (s) => dumpStore(s, out));
    return { format: 'dump', revision: header.revision, bytes: statSync(out).size };
  }
  if ((format ?? 'sqlite') === 'sqlite') {
    const r = await backupStore(dataDir, out);
    return { format: 'sqlite', ...r };
  }
  return withScratchSqlite(async (dir) => {
    const copy = join(dir, 'berth.db');
    await backupStore(dataDir, copy);
    const header = await closing(SqliteStore.open(copy), (s) => dumpStore(s, out));
    return { format: 'dump', revision: header.revision, bytes: statSync(out).size };
  });
}

export interface RestoreOutcome {
  readonly revision: number;
  readonly records?: number;
  readonly previous?: string;
}

async function recordsOf(file: string): Promise<DumpRecord[]> {
  if (!isSqliteFile(file)) return (await readDump(file)).records;
  return withScratchSqlite(async (dir) => {
    // restoreStore checks the file and copies it through SQLite's backup API into a scratch data dir.
    await restoreStore(file, dir);
    return closing(SqliteStore.open(join(dir, 'berth.db')), async (s) => (await s.list('')).records.map((r) => ({ key: r.key, value: r.value })));
  });
}

export async function restoreAny(choice: StoreChoice, dataDir: string, file: string, options: { replace?: boolean } = {}): Promise<RestoreOutcome> {
  refuseSqlitePath(choice);
  if (choice.kind === 'etcd') {
    const records = await recordsOf(file);
    const revision = await closing(await etcdOf(choice), (s) => loadRecords(s, records, options));
    return { revision, records: records.length };
  }
  if (isSqliteFile(file)) return restoreStore(file, dataDir);
  const { records } = await readDump(file);
  return withScratchSqlite(async (dir) => {
    const built = join(dir, 'berth.db');
    await closing(SqliteStore.open(built), (s) => loadRecords(s, records));
    // The built file goes into place under the data-dir lock, the old one kept, as an SQLite restore.
    const r = await restoreStore(built, dataDir);
    return { ...r, records: records.length };
  });
}
