/**
 * `berth backup --out FILE [--data-dir DIR]`: a consistent copy of the store, taken while Berth
 * runs (SQLite's online backup API). Works on the data dir, not through the API.
 */
import { resolve } from 'node:path';
import { backupStore } from '../../store/sqlite-backup.js';
import { UsageError } from '../../main/usage-error.js';
import { parseDataDirArgs } from './data-dir-flags.js';

export const BACKUP_HELP = `usage: berth backup --out FILE [--data-dir DIR]

A consistent copy of the store (berth.db) of DIR (default ./.berth; env BERTH_DATA_DIR), taken
while Berth runs. Restore it with berth restore FILE.`;

export async function runBackup(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const args = parseDataDirArgs(argv, process.env, true);
  if (args.help) {
    out.write(`${BACKUP_HELP}\n`);
    return 0;
  }
  if (!args.out) throw new UsageError('backup needs --out FILE');
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const file = resolve(args.out);
  const r = await backupStore(resolve(args.dataDir), file);
  out.write(`backed up ${resolve(args.dataDir)} at revision ${r.revision} to ${file} (${r.bytes} bytes)\n`);
  return 0;
}
