import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdStore } from './etcd-store.js';
import { storeConformance } from './store.conformance.js';
import { StoreUnavailableError } from './store.js';
import { etcdRequirement, startEtcdCluster, type EtcdCluster } from '../../test/support/etcd-cluster.js';
import { eventually } from '../../test/support/eventually.js';

const skip = etcdRequirement();
// One fresh etcd per opened store, as the conformance suite counts revisions from 0.
const clusters: EtcdCluster[] = [];
after(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

if (!skip) {
  storeConformance(
    'EtcdStore',
    async (options) => {
      for (const c of clusters.splice(0)) await c.stop();
      const cluster = await startEtcdCluster();
      clusters.push(cluster);
      const open = () => EtcdStore.connect({ endpoints: cluster.endpoints, ...options });
      return { store: await open(), reopen: open };
    },
    { durable: true },
  );
}

describe('EtcdStore', { skip }, () => {
  test('an unreachable etcd is StoreUnavailableError within the timeout, not a hang; health says so; it recovers', async () => {
    const cluster = await startEtcdCluster();
    clusters.push(cluster);
    const store = await EtcdStore.connect({ endpoints: cluster.endpoints, timeoutMs: 1_000 });
    await store.put('/k', 1);
    await cluster.kill(0);
    const t0 = Date.now();
    const err = await store.put('/k', 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = Date.now() - t0;
    assert.ok(err instanceof StoreUnavailableError, String(err));
    assert.equal(err.reason, 'unreachable');
    assert.ok(took < 4_000, `failed after ${took} ms`);
    assert.equal(store.health().ok, false);
    await cluster.restart(0);
    await cluster.healthy();
    await eventually(() => store.put('/k', 3), { what: 'a write succeeds once etcd is back', timeoutMs: 15_000, intervalMs: 200 });
    assert.equal((await store.get('/k'))?.value, 3);
    assert.deepEqual(store.health(), { ok: true });
    await store.close();
  });
});
