/**
 * `berth backup --out FILE [--data-dir DIR | --store etcd://…] [--format sqlite|dump]`: a consistent
 * copy of the store, taken while Berth runs. SQLite: its own file (SQLite's online backup API) by
 * default, or a dump; etcd: a dump, the store-neutral format either store restores.
 */
import { resolve } from 'node:path';
import { backupAny } from '../../main/store-backup.js';
import { STORE_FLAGS_HELP } from '../../main/store-flags.js';
import { UsageError } from '../../main/usage-error.js';
import { parseDataDirArgs } from './data-dir-flags.js';

export const BACKUP_HELP = `usage: berth backup --out FILE [--data-dir DIR] [--store URL] [--format sqlite|dump]

A consistent copy of the store, taken while Berth runs: the SQLite store (berth.db) of DIR (default
./.berth; env BERTH_DATA_DIR), or the etcd cluster of --store. --format dump (etcd's only format)
writes the store-neutral dump that either store restores. Restore it with berth restore FILE.
${STORE_FLAGS_HELP}`;

export async function runBackup(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const args = parseDataDirArgs(argv, process.env, true);
  if (args.help) {
    out.write(`${BACKUP_HELP}\n`);
    return 0;
  }
  if (!args.out) throw new UsageError('backup needs --out FILE');
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const file = resolve(args.out);
  const r = await backupAny(args.store, resolve(args.dataDir), file, args.format);
  const from = args.store.kind === 'etcd' ? args.store.endpoints.join(',') : resolve(args.dataDir);
  out.write(`backed up ${from} at revision ${r.revision} to ${file} (${r.format}, ${r.bytes} bytes)\n`);
  return 0;
}
