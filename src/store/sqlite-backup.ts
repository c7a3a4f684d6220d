/**
 * `berth backup` and `berth restore` for the SQLite store. Backup uses SQLite's online backup API
 * (better-sqlite3's `db.backup()`): a consistent copy taken page by page while Berth keeps writing,
 * because Berth's data-dir lock is on berth.lock and never on berth.db. Restore replaces the
 * database of a data dir that no Berth owns; it takes the data-dir lock itself for the duration.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkStoreFile, StoreFileError } from './sqlite-integrity.js';
import { DataDirLockedError, lockDataDir } from './sqlite-lock.js';

/** The database file of a data dir. */
export function storePath(dataDir: string): string {
  return join(dataDir, 'berth.db');
}

export interface BackupResult {
  readonly bytes: number;
  /** The store revision the copy holds. */
  readonly revision: number;
}

export async function backupStore(dataDir: string, out: string): Promise<BackupResult> {
  const source = storePath(dataDir);
  if (!existsSync(source)) throw new StoreFileError(`no database at ${source} (--data-dir?)`);
  const tmp = join(dirname(out), `.${Date.now()}-${process.pid}.berth-backup`);
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    db.close();
  }
  try {
    const revision = readRevision(tmp);
    // A whole file or none at `out`: the copy is only renamed into place once it checks out.
    renameSync(tmp, out);
    return { bytes: statSync(out).size, revision };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface RestoreResult {
  readonly revision: number;
  /** Where the database it replaced was moved, if there was one. */
  readonly previous?: string;
}

export async function restoreStore(backup: string, dataDir: string): Promise<RestoreResult> {
  if (!existsSync(backup)) throw new StoreFileError(`no backup file at ${backup}`);
  mkdirSync(dataDir, { recursive: true });
  let lock;
  try {
    lock = lockDataDir(dataDir);
  } catch (err) {
    if (err instanceof DataDirLockedError)
      throw new DataDirLockedError(`${err.message.split(';')[0]}; restore refuses while a Berth owns the data dir: stop it first`);
    throw err;
  }
  try {
    const revision = readRevision(backup);
    const target = storePath(dataDir);
    const tmp = `${target}.restoring`;
    rmSync(tmp, { force: true });
    // Through the backup API rather than a file copy, so a backup that has a -wal beside it is
    // copied with it, and the result is one self-contained file.
    const src = new Database(backup, { readonly: true, fileMustExist: true });
    try {
      await src.backup(tmp);
    } finally {
      src.close();
    }
    let previous: string | undefined;
    if (existsSync(target)) {
      previous = `${target}.before-restore`;
      renameSync(target, previous);
      // The old file's WAL belongs to it: applied to the restored file it would corrupt it.
      if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${previous}-wal`);
    }
    rmSync(`${target}-shm`, { force: true });
    rmSync(`${target}-wal`, { force: true });
    renameSync(tmp, target);
    return { revision, ...(previous ? { previous } : {}) };
  } finally {
    lock.release();
  }
}

/** Checks a file is a sound Berth database and returns its store revision. */
function readRevision(path: string): number {
  checkStoreFile(path);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) throw new StoreFileError(`${path} is an SQLite database but not a Berth store (no meta table)`);
    return db.prepare('SELECT revision FROM meta WHERE id = 1').pluck().get() as number;
  } finally {
    db.close();
  }
}
