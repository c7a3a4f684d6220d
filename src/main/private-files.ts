/**
 * The data dir and the database are this user's alone (0700 / 0600): the database holds task
 * environment values, which are often secrets. A new dir is created with the mode; the database is
 * narrowed once the store has opened (or created) it (SQLite gives its -wal and -shm files the database's mode). An
 * existing data dir is left as it is: it may be a folder the user chose for other things too.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function ensurePrivateDir(path: string): void {
  // mkdirSync's mode is masked by the umask; chmod makes it exact for what we created.
  const created = mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) chmodSync(path, PRIVATE_DIR_MODE);
}

/**
 * Narrows a file, when it exists, to 0600. It never creates one: an empty `berth.db` is what the store's
 * start-up check refuses as truncated, so the store creates its file and this narrows it after.
 */
export function ensurePrivateFile(path: string): void {
  if (!existsSync(path)) return;
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE_MODE);
}
