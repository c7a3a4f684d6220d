/**
 * One Berth per data dir. The lock is a POSIX record lock that SQLite takes on `<dir>/berth.lock`
 * (a tiny database opened with `locking_mode=EXCLUSIVE` and written once, so the lock is never
 * released while the connection is open). Why this and not an O_EXCL pid file: the kernel drops the
 * lock when the process dies, kill -9 and OOM included, so there is no stale lock to detect and no
 * pid-reuse guess to get wrong (a recycled pid in a container would make a pid file look alive).
 * The lock is on its own file, not on berth.db: an exclusive lock on berth.db would also shut out
 * its readers (`berth backup`, the sqlite3 shell). `<dir>/berth.pid` only names the owner in the
 * refusal; it is not the lock.
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

export interface DataDirLock {
  readonly dir: string;
  release(): void;
}

export function lockDataDir(dir: string, pid: number = process.pid): DataDirLock {
  const lockPath = join(dir, 'berth.lock');
  const pidPath = join(dir, 'berth.pid');
  let db: Database.Database;
  try {
    db = new Database(lockPath);
  } catch (err) {
    // A data dir that is not writable, or not a directory: say which file, in one line.
    throw new Error(`cannot lock the data dir: ${lockPath}: ${(err as Error).message}`);
  }
  try {
    // No waiting: a second owner is refused at once.
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL)');
    db.prepare('INSERT INTO owner (id, pid) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid').run(pid);
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    if (String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) {
      const owner = ownerPid(pidPath);
      throw new DataDirLockedError(`data dir ${dir} is in use by another Berth${owner ? ` (pid ${owner})` : ''}; stop it first, or pass another --data-dir`);
    }
    throw err;
  }
  writeFileSync(pidPath, `${pid}\n`);
  let held = true;
  return {
    dir,
    release: () => {
      if (!held) return;
      held = false;
      rmSync(pidPath, { force: true });
      db.close();
    },
  };
}

function ownerPid(pidPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
