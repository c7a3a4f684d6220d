import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EtcdStore } from './etcd-store.js';
import { EtcdLeaderElection, LEADER_KEY } from './etcd-leader-election.js';
import { FencedStore, NotLeaderError } from './fenced-store.js';
import { systemClock } from '../platform/clock.js';
import { etcdRequirement, startEtcdCluster, type EtcdCluster } from '../../test/support/etcd-cluster.js';
import { eventually } from '../../test/support/eventually.js';

const skip = etcdRequirement();
let cluster: EtcdCluster | undefined;
after(async () => cluster?.stop());

describe('EtcdLeaderElection', { skip }, () => {
  test('one leader; its death moves leadership within one TTL; the old term cannot write', { timeout: 60_000 }, async () => {
    cluster = await startEtcdCluster();
    const ttlSeconds = 2;
    const storeB = await EtcdStore.connect({ endpoints: cluster.endpoints });
    // a is its own process, so its death is a real one: kill -9, no lease revoked.
    const fixture = fileURLToPath(new URL('./etcd-leader.fixture.ts', import.meta.url));
    const a = spawn(process.execPath, ['--import', 'tsx', fixture, cluster.endpoints.join(','), 'a', String(ttlSeconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => a.once('exit', r));
    await new Promise<void>((resolve) => a.stdout.on('data', (d: Buffer) => d.toString().includes('leading') && resolve()));
    const b = new EtcdLeaderElection({ store: storeB, holder: 'b', ttlSeconds, clock: systemClock });
    const changes: boolean[] = [];
    b.onChange((leading) => changes.push(leading));
    // b campaigned (its txn ran and it watches the key) and lost.
    await eventually(async () => ((await storeB.get<{ holder: string }>(LEADER_KEY))?.value.holder === 'a' ? true : undefined), {
      what: 'a holds the key',
      timeoutMs: 5_000,
    });
    assert.equal(b.term(), undefined);

    const aKey = await storeB.get(LEADER_KEY);
    const staleTerm = { compares: [{ key: LEADER_KEY, modRevision: aKey!.modRevision }], holder: 'a', since: 0 };
    const fencedA = new FencedStore(storeB, { term: () => staleTerm, onChange: () => () => {}, close: async () => {} });
    await fencedA.put('/berth/by-a', 1);

    const diedAt = Date.now();
    a.kill('SIGKILL');
    await exited;
    await eventually(() => b.term(), { what: 'b leads', timeoutMs: ttlSeconds * 1000 + 3_000, intervalMs: 20 });
    const movedIn = Date.now() - diedAt;
    assert.ok(movedIn <= ttlSeconds * 1000 + 1_000, `leadership moved in ${movedIn} ms (TTL ${ttlSeconds} s)`);
    assert.deepEqual(changes, [true]);
    console.log(`leadership moved ${movedIn} ms after the leader died (TTL ${ttlSeconds} s)`);

    // The old term's fence is the old key's revision: its writes now fail in the transaction itself.
    await assert.rejects(fencedA.put('/berth/by-a', 2), NotLeaderError);
    assert.equal((await storeB.get('/berth/by-a'))?.value, 1);
    const fencedB = new FencedStore(storeB, b);
    await fencedB.put('/berth/by-b', 1);

    // A clean stop revokes the lease: the next one leads at once.
    const storeC = await EtcdStore.connect({ endpoints: cluster.endpoints });
    const c = new EtcdLeaderElection({ store: storeC, holder: 'c', ttlSeconds, clock: systemClock });
    await eventually(async () => ((await storeC.get<{ holder: string }>(LEADER_KEY))?.value.holder === 'b' ? true : undefined), {
      what: 'c sees b',
      timeoutMs: 5_000,
    });
    const t0 = Date.now();
    await b.close();
    await eventually(() => c.term(), { what: 'c leads', timeoutMs: 5_000, intervalMs: 20 });
    assert.ok(Date.now() - t0 < 1_000, `handover after a clean stop took ${Date.now() - t0} ms`);
    assert.equal(b.term(), undefined);
    await c.close();
    await storeB.close();
    await storeC.close();
  });
});
