/**
 * `berth restore FILE [--data-dir DIR | --store etcd://…] [--replace]`: loads a backup (an SQLite
 * file or a dump) into a store. SQLite: replaces the database of a data dir no Berth owns, keeping
 * the old one as berth.db.before-restore. etcd: writes the records into a cluster holding none (or,
 * with --replace, deletes the ones it holds first).
 */
import { resolve } from 'node:path';
import { restoreAny } from '../../main/store-backup.js';
import { STORE_FLAGS_HELP } from '../../main/store-flags.js';
import { UsageError } from '../../main/usage-error.js';
import { parseDataDirArgs } from './data-dir-flags.js';

export const RESTORE_HELP = `usage: berth restore FILE [--data-dir DIR] [--store URL] [--replace]

Loads the backup FILE (an SQLite backup or a dump) into the store: the SQLite store of DIR (default
./.berth; env BERTH_DATA_DIR), refused while a Berth runs on DIR, the database it replaces kept as
DIR/berth.db.before-restore; or the etcd cluster of --store, which must hold no Berth record unless
--replace. A dump of SQLite restored into etcd moves a Berth onto etcd.
${STORE_FLAGS_HELP}`;

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
  const r = await restoreAny(args.store, dataDir, resolve(file), { replace: args.replace });
  const into = args.store.kind === 'etcd' ? args.store.endpoints.join(',') : dataDir;
  const counted = r.records !== undefined ? `${r.records} records, ` : '';
  const kept = r.previous ? `; the replaced database is ${r.previous}` : '';
  out.write(`restored ${resolve(file)} (${counted}now at revision ${r.revision}) into ${into}${kept}\n`);
  return 0;
}
