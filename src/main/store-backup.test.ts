import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite-store.js';
import { storePath } from '../store/sqlite-backup.js';
import { EtcdStore } from '../store/etcd-store.js';
import { backupAny, restoreAny } from './store-backup.js';
import { etcdRequirement, startEtcdCluster, type EtcdCluster } from '../../test/support/etcd-cluster.js';

const skip = etcdRequirement();
const root = mkdtempSync(join(tmpdir(), 'berth-store-backup-'));
let cluster: EtcdCluster | undefined;
after(async () => {
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

const snapshot = async (s: { list(p: string): Promise<{ records: { key: string; value: unknown }[] }> }) =>
  (await s.list('/berth/')).records.filter((r) => !r.key.startsWith('/berth/control-plane/')).map((r) => [r.key, r.value]);

describe('backup and restore across stores', { skip }, () => {
  test('SQLite → dump → etcd → dump → a new SQLite data dir: the same records; a non-empty etcd is refused without --replace', async () => {
    cluster = await startEtcdCluster();
    const etcdChoice = { kind: 'etcd' as const, endpoints: cluster.endpoints };
    const dirA = join(root, 'a');
    mkdirSync(dirA, { recursive: true });
    const sqlite = SqliteStore.open(storePath(dirA));
    await sqlite.put('/berth/ecs/clusters/default', { name: 'default', n: 1 });
    await sqlite.txn({
      compares: [],
      success: Array.from({ length: 450 }, (_, i) => ({ type: 'put' as const, key: `/berth/ecs/tasks/default/t${i}`, value: { i, s: 'é\u{1F600}' } })),
    });
    await sqlite.put('/berth/control-plane/servers/x', { id: 'x' });
    const want = await snapshot(sqlite);
    await sqlite.close();

    const dump = join(root, 'a.dump');
    const b1 = await backupAny({ kind: 'sqlite' }, dirA, dump, 'dump');
    assert.equal(b1.format, 'dump');
    const r1 = await restoreAny(etcdChoice, dirA, dump);
    assert.equal(r1.records, 451, 'control-plane keys are not carried');
    const etcd = await EtcdStore.connect({ endpoints: cluster.endpoints });
    assert.deepEqual(await snapshot(etcd), want);
    await assert.rejects(restoreAny(etcdChoice, dirA, dump), /already holds 451 records/);
    // An SQLite backup file restores into etcd too.
    const dbCopy = join(root, 'a.db');
    assert.equal((await backupAny({ kind: 'sqlite' }, dirA, dbCopy)).format, 'sqlite');
    await etcd.put('/berth/ecs/clusters/extra', { stray: true });
    await restoreAny(etcdChoice, dirA, dbCopy, { replace: true });
    assert.deepEqual(await snapshot(etcd), want, '--replace drops what the target held');

    const dump2 = join(root, 'etcd.dump');
    assert.equal((await backupAny(etcdChoice, dirA, dump2)).format, 'dump');
    await etcd.close();
    const dirB = join(root, 'b');
    const r2 = await restoreAny({ kind: 'sqlite' }, dirB, dump2);
    assert.equal(r2.records, 451);
    const restored = SqliteStore.open(storePath(dirB));
    assert.deepEqual(await snapshot(restored), want);
    await restored.close();
  });
});
