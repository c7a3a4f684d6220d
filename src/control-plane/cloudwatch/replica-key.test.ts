import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { REPLICA_DATE_HEADER, REPLICA_SIGNATURE_SKEW_MS, replicaKey, signReplicaCall, verifyReplicaCall } from './replica-key.js';

const sealing = randomBytes(32);
const key = replicaKey(sealing);
const now = 1_800_000_000_000;
const call = { method: 'POST', path: '/berth/replica/v1/metrics/read', to: 'server-b', body: Buffer.from('{"a":1}') };
const { to: _to, ...received } = call;

describe('replica signing', () => {
  test('the key is derived, not the sealing key itself, and the same for the same sealing key', () => {
    assert.equal(key.length, 32);
    assert.notDeepEqual(key, sealing);
    assert.deepEqual(replicaKey(Buffer.from(sealing)), key);
  });

  test('a call signed for this replica by this cluster is answered', () => {
    assert.deepEqual(verifyReplicaCall(key, 'server-b', received, signReplicaCall(key, call, now), now + 1_000), { ok: true });
  });

  test('another cluster (another sealing key): 403', () => {
    const other = replicaKey(randomBytes(32));
    const v = verifyReplicaCall(key, 'server-b', received, signReplicaCall(other, call, now), now);
    assert.equal(v.ok ? 0 : v.status, 403);
  });

  test('signed for another replica (a URL now served by someone else): 421', () => {
    const v = verifyReplicaCall(key, 'server-c', received, signReplicaCall(key, call, now), now);
    assert.equal(v.ok ? 0 : v.status, 421);
    assert.match(v.ok ? '' : v.message, /server-b/);
  });

  test('a changed body, path or target, no headers, or an old signature: 403', () => {
    const headers = signReplicaCall(key, call, now);
    const status = (v: ReturnType<typeof verifyReplicaCall>): number => (v.ok ? 0 : v.status);
    assert.equal(status(verifyReplicaCall(key, 'server-b', { ...received, body: Buffer.from('{"a":2}') }, headers, now)), 403);
    assert.equal(status(verifyReplicaCall(key, 'server-b', { ...received, path: '/berth/replica/v1/metrics/series' }, headers, now)), 403);
    assert.equal(status(verifyReplicaCall(key, 'server-b', received, { ...headers, 'x-berth-replica-to': 'server-c' }, now)), 403);
    assert.equal(status(verifyReplicaCall(key, 'server-b', received, {}, now)), 403);
    assert.equal(status(verifyReplicaCall(key, 'server-b', received, headers, now + REPLICA_SIGNATURE_SKEW_MS + 1)), 403);
    assert.equal(status(verifyReplicaCall(key, 'server-b', received, { ...headers, [REPLICA_DATE_HEADER]: 'soon' }, now)), 403);
  });
});
