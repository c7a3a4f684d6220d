/**
 * Servers sharing one etcd must seal secret values (SSM SecureString, Secrets Manager, ACM keys)
 * under one key, or each reads the others' secrets as garbage. The first server on a store records
 * its key's fingerprint there; a server whose key differs refuses to start, naming both files to fix.
 * The fingerprint is an HMAC of a fixed label under the key: it identifies the key and reveals nothing of it.
 */
import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.js';
import { RevisionConflictError } from '../store/store.js';

export const SECRETS_KEY_RECORD = '/berth/control-plane/secrets-key';

export interface SecretsKeyRecord {
  readonly fingerprint: string;
  /** Which server recorded it, and its key file there: what the error points at. */
  readonly recordedBy: string;
  readonly path: string;
}

export function secretsKeyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('berth secrets.key fingerprint v1').digest('hex').slice(0, 32);
}

/** Pure: undefined when `mine` may go on, else why not. */
export function secretsKeyMismatch(recorded: SecretsKeyRecord, mine: { fingerprint: string; path: string }): string | undefined {
  if (recorded.fingerprint === mine.fingerprint) return undefined;
  return (
    `the secrets key ${mine.path} is not the one the other servers on this store use ` +
    `(server ${recorded.recordedBy} recorded ${recorded.path}, fingerprint ${recorded.fingerprint}; this one is ${mine.fingerprint}). ` +
    'Give every server the same key file: --secrets-key-file PATH.'
  );
}

/** Records this key's fingerprint if the store has none, else checks it; throws with the reason on a mismatch. */
export async function claimSecretsKey(store: Store, mine: { key: Buffer; path: string; server: string }): Promise<void> {
  const record: SecretsKeyRecord = { fingerprint: secretsKeyFingerprint(mine.key), recordedBy: mine.server, path: mine.path };
  for (;;) {
    const cur = await store.get<SecretsKeyRecord>(SECRETS_KEY_RECORD);
    if (cur) {
      const why = secretsKeyMismatch(cur.value, record);
      if (why) throw new Error(why);
      return;
    }
    try {
      await store.put(SECRETS_KEY_RECORD, record, { expectedRevision: 0 });
      return;
    } catch (err) {
      // Another server recorded its key first: check against that one.
      if (!(err instanceof RevisionConflictError)) throw err;
    }
  }
}
