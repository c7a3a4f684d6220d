/**
 * One key that lives as long as this process: put on an etcd lease that the client keeps alive.
 * Keep-alives are not writes (no new revision), so a record that says "I am here" costs nothing
 * while nothing changes, and etcd deletes it within the TTL once the process is gone. A lost lease
 * (etcd was away longer than the TTL) is reported through `onLost`, and the next put grants a new one.
 */
import type { Lease } from 'etcd3';
import type { EtcdStore } from './etcd-store.js';
import { encodeValue } from './transaction.js';

export interface LeasedRecord {
  /** Writes the value (on the lease); rejects when etcd cannot take it, and the next put retries. */
  put(value: unknown): Promise<void>;
  /** Revokes the lease: the record goes at once. */
  close(): Promise<void>;
}

export function etcdLeasedRecord(store: EtcdStore, key: string, ttlSeconds: number, onLost?: (err: Error) => void): LeasedRecord {
  let lease: Lease | undefined;
  let closed = false;
  const fresh = (): Lease => {
    const l = store.client.lease(ttlSeconds, { autoKeepAlive: true });
    l.on('lost', (err) => {
      if (lease !== l || closed) return;
      lease = undefined;
      // The key went with the lease: the owner puts it back (on a new lease) once etcd answers.
      onLost?.(err);
    });
    return l;
  };
  const write = async (json: string): Promise<void> => {
    lease ??= fresh();
    const current = lease;
    try {
      await current.put(key).value(json);
    } catch (err) {
      // A lease that could not even be granted is of no use: the next put starts a new one.
      if (lease === current) {
        lease = undefined;
        current.release();
      }
      throw err;
    }
  };
  return {
    async put(value) {
      await write(encodeValue(value));
    },
    async close() {
      closed = true;
      const l = lease;
      lease = undefined;
      if (l) await l.revoke().catch(() => l.release());
    },
  };
}
