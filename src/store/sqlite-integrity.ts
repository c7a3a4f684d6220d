/**
 * Before Berth opens its database: a file that exists must be a whole, sound SQLite database. SQLite
 * itself takes a 0-byte file for a new empty database and opens a file with corrupt pages without
 * complaint, so either would start an empty or half-blind Berth over state that was lost. Refusing,
 * with the way back (`berth restore`), is the safe answer.
 */
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';

export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
}

const restoreHint = (path: string): string => `restore a backup with \`berth restore FILE --data-dir <dir>\`, or move ${path} away to start empty`;

/** Throws StoreFileError unless `path` is absent (a first start) or passes `PRAGMA quick_check`. */
export function checkStoreFile(path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).size === 0) {
    throw new StoreFileError(`the database ${path} is empty (0 bytes; truncated?); Berth will not start an empty store over it: ${restoreHint(path)}`);
  }
  let problems: string[];
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    problems = (db.pragma('quick_check', { simple: false }) as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (err) {
    const code = String((err as { code?: unknown }).code);
    if (!/^SQLITE_(CORRUPT|NOTADB)/.test(code)) throw err;
    problems = [`${code}: ${(err as Error).message}`];
  } finally {
    db?.close();
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new StoreFileError(`the database ${path} is corrupt (quick_check: ${problems[0]}); Berth will not start over it: ${restoreHint(path)}`);
}
