/**
 * Opens the store `--store` names: the data dir's SQLite file (default), another SQLite file, or an
 * etcd cluster. SQLite is one process's (the data-dir lock guards it); etcd is shared by replicas.
 */
import { resolve } from 'node:path';
import type { Store, StoreHealth } from '../store/store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { storePath } from '../store/sqlite-backup.js';
import { EtcdStore } from '../store/etcd-store.js';
import { ensurePrivateFile } from './private-files.js';
import type { StoreChoice } from './store-flags.js';

export interface OpenedStore {
  readonly store: Store & { health(): StoreHealth };
  readonly kind: 'sqlite' | 'etcd';
  /** Set for etcd: the leader election runs on the same client. */
  readonly etcd?: EtcdStore;
}

export async function openStore(choice: StoreChoice, dataDir: string): Promise<OpenedStore> {
  if (choice.kind === 'etcd') {
    const etcd = await EtcdStore.connect({
      endpoints: choice.endpoints,
      ...(choice.caFile !== undefined ? { caFile: choice.caFile } : {}),
      ...(choice.certFile !== undefined ? { certFile: choice.certFile } : {}),
      ...(choice.keyFile !== undefined ? { keyFile: choice.keyFile } : {}),
      ...(choice.user !== undefined ? { user: choice.user, password: choice.password ?? '' } : {}),
      ...(choice.maxTxnOps !== undefined ? { maxTxnOps: choice.maxTxnOps } : {}),
    });
    return { store: etcd, kind: 'etcd', etcd };
  }
  const path = choice.path !== undefined ? resolve(choice.path) : storePath(dataDir);
  const store = SqliteStore.open(path);
  // A new database (and its WAL and SHM, made at open) got the umask's mode; SQLite makes later
  // WAL and SHM files with the database's mode, so narrowing the three once is enough.
  for (const suffix of ['', '-wal', '-shm']) ensurePrivateFile(path + suffix);
  return { store, kind: 'sqlite' };
}
