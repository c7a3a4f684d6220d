import { test } from 'node:test';
import assert from 'node:assert/strict';
import { departedRecord, mergeHeartbeats, mergeLbNodes, sightings, type ServerRecord } from './server-record.js';

const windows = { agentFreshMs: 30_000, lbNodeFreshMs: 15_000, forgetMs: 3_600_000 };
const node = (nodeId: string, lastSeenAt: number) => ({ nodeId, advertiseAddress: '127.0.0.21', startedAt: 1_000, lastSeenAt, protocolVersion: 1 });

test('sightings: the same while every sender stays fresh, so heartbeats alone never rewrite the record', () => {
  const at = (now: number) => sightings(new Map([['/i/a', now - 5_000]]), [node('lb-a', now - 4_000)], now, windows);
  assert.deepEqual(at(100_000), at(200_000));
  assert.deepEqual(at(100_000).agents, { '/i/a': { fresh: true } });
  assert.deepEqual(at(100_000).lbNodes['lb-a']?.sighting, { fresh: true });
});

test('sightings: a sender gone quiet turns stale with its real last heartbeat, and is forgotten after forgetMs', () => {
  const agents = new Map([['/i/a', 10_000]]);
  assert.deepEqual(sightings(agents, [node('lb-a', 10_000)], 40_000, windows), {
    agents: { '/i/a': { fresh: true } },
    lbNodes: { 'lb-a': { advertiseAddress: '127.0.0.21', startedAt: 1_000, protocolVersion: 1, sighting: { fresh: false, lastSeenAt: 10_000 } } },
  });
  assert.deepEqual(sightings(agents, [], 40_001, windows).agents, { '/i/a': { fresh: false, lastSeenAt: 10_000 } });
  assert.deepEqual(sightings(agents, [node('lb-a', 10_000)], 10_000 + 30_000 + 3_600_001, windows), { agents: {}, lbNodes: {} });
});

const record = (over: Partial<ServerRecord>): ServerRecord => ({
  id: 's2',
  apiUrl: 'http://127.0.0.1:2',
  store: 'etcd',
  startedAt: 1,
  writtenAt: 1,
  agents: {},
  lbNodes: {},
  ...over,
});

test('mergeHeartbeats: fresh on another server reads as now, stale as its last heartbeat, the newest wins', () => {
  const merged = mergeHeartbeats(
    new Map([
      ['/i/a', 50_000],
      ['/i/b', 90_000],
    ]),
    [record({ agents: { '/i/a': { fresh: true }, '/i/b': { fresh: false, lastSeenAt: 70_000 }, '/i/c': { fresh: false, lastSeenAt: 60_000 } } })],
    100_000,
  );
  assert.deepEqual(Object.fromEntries(merged), { '/i/a': 100_000, '/i/b': 90_000, '/i/c': 60_000 });
});

test('mergeLbNodes: a node heard here keeps its exact time unless another server hears it later', () => {
  const merged = mergeLbNodes(
    [node('lb-a', 95_000), node('lb-b', 10_000)],
    [
      record({
        lbNodes: {
          'lb-a': { advertiseAddress: '127.0.0.21', startedAt: 1_000, protocolVersion: 1, sighting: { fresh: false, lastSeenAt: 20_000 } },
          'lb-b': { advertiseAddress: '127.0.0.22', startedAt: 2_000, protocolVersion: 1, sighting: { fresh: true } },
        },
      }),
    ],
    100_000,
  );
  assert.equal(merged.get('lb-a')?.lastSeenAt, 95_000);
  assert.equal(merged.get('lb-b')?.lastSeenAt, 100_000);
  assert.equal(merged.get('lb-b')?.advertiseAddress, '127.0.0.22');
});

test('departedRecord: what a gone server saw fresh was last seen when it went; stale stays as it was', () => {
  const r = departedRecord(
    record({
      agents: { '/i/a': { fresh: true }, '/i/b': { fresh: false, lastSeenAt: 5 } },
      lbNodes: { 'lb-a': { advertiseAddress: '127.0.0.21', startedAt: 1, protocolVersion: 1, sighting: { fresh: true } } },
    }),
    900,
  );
  assert.deepEqual(r.agents, { '/i/a': { fresh: false, lastSeenAt: 900 }, '/i/b': { fresh: false, lastSeenAt: 5 } });
  assert.deepEqual(r.lbNodes['lb-a']?.sighting, { fresh: false, lastSeenAt: 900 });
});
