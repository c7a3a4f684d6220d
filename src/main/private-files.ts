/**
 * The data dir and the database are this user's alone (0700 / 0600): the database holds task
 * environment values, which are often secrets. A new dir or file is created with the mode; an
 * existing database is narrowed (SQLite gives its -wal and -shm files the database's mode). An
 * existing data dir is left as it is: it may be a folder the user chose for other things too.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function ensurePrivateDir(path: string): void {
  // mkdirSync's mode is masked by the umask; chmod makes it exact for what we created.
  const created = mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) chmodSync(path, PRIVATE_DIR_MODE);
}

export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE_MODE);
}
