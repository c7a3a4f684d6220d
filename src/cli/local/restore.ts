/**
 * `berth restore FILE [--data-dir DIR]`: replaces the store of a data dir that no Berth owns with a
 * backup. The replaced database is kept beside it as berth.db.before-restore.
 */
import { resolve } from 'node:path';
import { restoreStore } from '../../store/sqlite-backup.js';
import { UsageError } from '../../main/usage-error.js';
import { parseDataDirArgs } from './data-dir-flags.js';

export const RESTORE_HELP = `usage: berth restore FILE [--data-dir DIR]

Replaces the store of DIR (default ./.berth; env BERTH_DATA_DIR) with the backup FILE. Refused while
a Berth runs on DIR. The database it replaces is kept as DIR/berth.db.before-restore.`;

export async function runRestore(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const args = parseDataDirArgs(argv, process.env, false);
  if (args.help) {
    out.write(`${RESTORE_HELP}\n`);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (!file) throw new UsageError('restore needs the backup FILE');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dataDir = resolve(args.dataDir);
  const r = await restoreStore(resolve(file), dataDir);
  out.write(`restored ${resolve(file)} (revision ${r.revision}) into ${dataDir}${r.previous ? `; the replaced database is ${r.previous}` : ''}\n`);
  return 0;
}
