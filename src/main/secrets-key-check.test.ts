import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../store/memory-store.js';
import { SECRETS_KEY_RECORD, claimSecretsKey, secretsKeyFingerprint, type SecretsKeyRecord } from './secrets-key-check.js';

test('the first server records its key; the same key passes, another key is refused naming both files', async () => {
  const store = new MemoryStore();
  const key = randomBytes(32);
  await claimSecretsKey(store, { key, path: '/a/secrets.key', server: 's1' });
  const rec = (await store.get<SecretsKeyRecord>(SECRETS_KEY_RECORD))?.value;
  assert.equal(rec?.fingerprint, secretsKeyFingerprint(key));
  assert.ok(!rec?.fingerprint.includes(key.toString('hex').slice(0, 8)), 'the fingerprint is not the key');
  await claimSecretsKey(store, { key: Buffer.from(key), path: '/b/secrets.key', server: 's2' });
  await assert.rejects(claimSecretsKey(store, { key: randomBytes(32), path: '/c/secrets.key', server: 's3' }), (err: Error) => {
    assert.match(err.message, /\/c\/secrets\.key is not the one/);
    assert.match(err.message, /server s1 recorded \/a\/secrets\.key/);
    assert.match(err.message, /--secrets-key-file/);
    return true;
  });
  await store.close();
});
