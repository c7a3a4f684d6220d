/**
 * ReplicaMetricStore against real peers: Fastify servers on loopback serving replica-metric-routes.ts
 * from their own memory stores, and a socket that accepts and never answers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { single, type MetricId } from '../../domain/cloudwatch/metric-series.js';
import { ManualClock, systemClock } from '../../platform/clock.js';
import { MemoryMetricStore } from './memory-metric-store.js';
import { metricStoreConformance } from './metric-store.conformance.js';
import { replicaKey, signReplicaCall } from './replica-key.js';
import { REPLICA_READ_PATH, REPLICA_SERIES_PATH, replicaMetricRoutes } from './replica-metric-routes.js';
import { ReplicaMetricStore, type ReplicaPeer } from './replica-metric-store.js';

const key = replicaKey(randomBytes(32));
const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const requests: MetricId = {
  namespace: 'AWS/ApplicationELB',
  name: 'RequestCount',
  dimensions: [{ Name: 'LoadBalancer', Value: 'app/front/1' }],
};
const latency: MetricId = { ...requests, name: 'TargetResponseTime' };

interface Peer {
  readonly app: FastifyInstance;
  readonly local: MemoryMetricStore;
  readonly peer: ReplicaPeer;
}

async function startPeer(id: string, peerKey = key): Promise<Peer> {
  const local = new MemoryMetricStore();
  const app = Fastify();
  await app.register(replicaMetricRoutes({ local, key: peerKey, self: id, clock: systemClock }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as net.AddressInfo;
  return { app, local, peer: { id, apiUrl: `http://127.0.0.1:${port}` } };
}

describe('ReplicaMetricStore', () => {
  const peers: Peer[] = [];
  let silent: net.Server;
  let silentUrl = '';
  let silentConnections = 0;
  const silentSockets = new Set<net.Socket>();

  before(async () => {
    peers.push(await startPeer('b'), await startPeer('c'), await startPeer('other-cluster', replicaKey(randomBytes(32))));
    // Accepts, reads, never answers: a replica whose process hangs.
    silent = net.createServer((s) => {
      silentConnections++;
      silentSockets.add(s);
      s.on('data', () => undefined);
      s.on('close', () => silentSockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });
  after(async () => {
    for (const p of peers) await p.app.close();
    for (const s of silentSockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  test('reads merge this replica and every peer; series are the union; writes stay local', async () => {
    const [b, c] = peers;
    assert.ok(b && c);
    const local = new MemoryMetricStore();
    const store = new ReplicaMetricStore({ local, peers: () => [b.peer, c.peer], key, clock: systemClock });
    await store.record([{ metric: requests, unit: 'Count', timestamp: T0 + 1_000, values: single(3) }]);
    await b.local.record([
      { metric: requests, unit: 'Count', timestamp: T0 + 2_000, values: single(5) },
      { metric: requests, unit: 'Count', timestamp: T0 + 60_000, values: single(1) },
    ]);
    await c.local.record([
      { metric: requests, unit: 'Count', timestamp: T0 + 3_000, values: single(2) },
      { metric: latency, unit: 'Seconds', timestamp: T0 + 3_000, values: single(0.25) },
    ]);
    const [minute] = await store.read(requests, 60, T0, T0 + 10 * 60_000);
    assert.deepEqual(
      minute?.buckets.map((x) => [x.t, x.values.sampleCount, x.values.sum, x.values.minimum, x.values.maximum]),
      [
        [T0, 3, 10, 2, 5],
        [T0 + 60_000, 1, 1, 1, 1],
      ],
    );
    const series = await store.listSeries('AWS/ApplicationELB');
    assert.deepEqual(series.map((s) => `${s.metric.name}/${s.unit}`).sort(), ['RequestCount/Count', 'TargetResponseTime/Seconds']);
    // The sample recorded through the replica store is in its local store only.
    assert.equal((await b.local.read(requests, 60, T0, T0 + 60_000))[0]?.buckets[0]?.values.sum, 5);
    assert.equal((await local.read(requests, 60, T0, T0 + 60_000))[0]?.buckets[0]?.values.sum, 3);
  });

  test('a call not signed by the cluster gets 403; one meant for another replica 421; a bad body 400', async () => {
    const [b] = peers;
    assert.ok(b);
    const body = Buffer.from(JSON.stringify({ metric: requests, resolution: 60, from: T0, to: T0 + 60_000 }));
    const send = (headers: Record<string, string>, payload = body) =>
      fetch(`${b.peer.apiUrl}${REPLICA_READ_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    const unsigned = await send({});
    assert.equal(unsigned.status, 403);
    assert.equal(((await unsigned.json()) as { code: string }).code, 'AccessDeniedException');
    const foreign = await send(signReplicaCall(replicaKey(randomBytes(32)), { method: 'POST', path: REPLICA_READ_PATH, to: 'b', body }, Date.now()));
    assert.equal(foreign.status, 403);
    const misdirected = await send(signReplicaCall(key, { method: 'POST', path: REPLICA_READ_PATH, to: 'c', body }, Date.now()));
    assert.equal(misdirected.status, 421);
    assert.equal(((await misdirected.json()) as { code: string }).code, 'MisdirectedRequest');
    const bad = Buffer.from(JSON.stringify({ metric: requests, resolution: 61, from: T0, to: T0 }));
    const invalid = await send(signReplicaCall(key, { method: 'POST', path: REPLICA_READ_PATH, to: 'b', body: bad }, Date.now()), bad);
    assert.equal(invalid.status, 400);
    const ok = await send(signReplicaCall(key, { method: 'POST', path: REPLICA_READ_PATH, to: 'b', body }, Date.now()));
    assert.equal(ok.status, 200);
    const series = Buffer.from('{}');
    const listed = await fetch(`${b.peer.apiUrl}${REPLICA_SERIES_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signReplicaCall(key, { method: 'POST', path: REPLICA_SERIES_PATH, to: 'b', body: series }, Date.now()),
      },
      body: series,
    });
    assert.equal(listed.status, 200);
    assert.ok(((await listed.json()) as { series: unknown[] }).series.length > 0);
  });

  test('a peer that does not answer is cut off after 1 s and skipped for 5 s; one that refuses is skipped too', async () => {
    const [b, , foreign] = peers;
    assert.ok(b && foreign);
    const clock = new ManualClock(Date.now());
    const local = new MemoryMetricStore();
    await local.record([{ metric: latency, unit: 'Seconds', timestamp: T0, values: single(1) }]);
    const hung: ReplicaPeer = { id: 'hung', apiUrl: silentUrl };
    const store = new ReplicaMetricStore({ local, peers: () => [hung, foreign.peer, b.peer], key, clock });
    const read = async (): Promise<number | undefined> => (await store.read(latency, 60, T0, T0 + 60_000))[0]?.buckets[0]?.values.sampleCount;
    // c's latency sample is not on b: the answer is this replica's one sample plus none from b.
    const started = Date.now();
    assert.equal(await read(), 1);
    const first = Date.now() - started;
    assert.ok(first >= 900 && first < 3_000, `the first read took ${first} ms`);
    assert.equal(silentConnections, 1);
    // Skipped: no second wait, no second connection.
    const again = Date.now();
    assert.equal(await read(), 1);
    assert.ok(Date.now() - again < 900, `the second read took ${Date.now() - again} ms`);
    assert.equal(silentConnections, 1);
    // 5 s later it is asked again (and cut off again).
    clock.advance(5_001);
    await read();
    assert.ok(silentConnections > 1);
  });
});

// With peers that hold nothing, the replica store is a metric store like the others.
let conformancePeer: Peer | undefined;
after(async () => conformancePeer?.app.close());
metricStoreConformance('replica (local memory, one empty peer)', async () => {
  conformancePeer ??= await startPeer('empty');
  const peer = conformancePeer.peer;
  return new ReplicaMetricStore({ local: new MemoryMetricStore(), peers: () => [peer], key, clock: systemClock });
});
