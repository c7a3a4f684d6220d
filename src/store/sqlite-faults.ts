/**
 * SQLite's failures that are not Berth's bug, in words a caller can act on. Pure: an error and the
 * database path in, a StoreUnavailableError (or undefined: a bug, left as it is) out.
 */
import { dirname } from 'node:path';
import { StoreUnavailableError } from './store.js';

/** better-sqlite3's SqliteError carries the extended result code, e.g. SQLITE_IOERR_WRITE. */
function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function storeFault(err: unknown, path: string): StoreUnavailableError | undefined {
  if (err instanceof StoreUnavailableError) return err;
  const code = sqliteCode(err);
  if (!code) return undefined;
  const where = `the disk holding ${dirname(path)}`;
  // ENOSPC surfaces as SQLITE_FULL, or as an I/O error on a WAL or shm write.
  const errno = (err as { message?: string }).message ?? '';
  if (code === 'SQLITE_FULL' || /no space/i.test(errno)) {
    return new StoreUnavailableError(
      'disk-full',
      `Berth cannot write its state: ${where} is full (${code}). Free space there; writes resume by themselves.`,
      err,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreUnavailableError('locked', `database is locked: another process holds ${path} past the busy timeout (${code}). Try again.`, err);
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreUnavailableError('read-only', `Berth cannot write its state: ${path} is read-only (${code}).`, err);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new StoreUnavailableError('io-error', `Berth cannot write its state: I/O error on ${where} (${code}).`, err);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreUnavailableError('corrupt', `the database ${path} is corrupt (${code}); stop Berth and run berth restore <backup>.`, err);
  }
  return undefined;
}
