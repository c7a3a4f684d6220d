/**
 * Read-modify-write as one compare-and-set transaction. The callback reads through `tx` (every key
 * read is guarded at the revision seen, a missing key at 0), queues writes, and is retried from
 * scratch when another writer got there first. Lists are not guarded: writers that depend on a set
 * of records guard a parent record instead (see LoadBalancerRecord.routingRevision).
 */
import { AwsError } from '../../domain/aws-error.js';
import type { Store, TxnOp } from '../../store/store.js';

export class Tx {
  readonly reads = new Map<string, number>();
  readonly ops: TxnOp[] = [];
  constructor(private readonly store: Store) {}

  async get<T>(key: string): Promise<T | undefined> {
    const r = await this.store.get<T>(key);
    if (!this.reads.has(key)) this.reads.set(key, r?.modRevision ?? 0);
    return r?.value;
  }

  put(key: string, value: unknown): void {
    this.ops.push({ type: 'put', key, value });
  }

  delete(key: string): void {
    this.ops.push({ type: 'delete', key });
  }
}

const ATTEMPTS = 20;

export async function transact<R>(store: Store, fn: (tx: Tx) => Promise<R>): Promise<R> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const tx = new Tx(store);
    const result = await fn(tx);
    if (tx.ops.length === 0) return result;
    const compares = [...tx.reads].map(([key, modRevision]) => ({ key, modRevision }));
    const { succeeded } = await store.txn({ compares, success: tx.ops });
    if (succeeded) return result;
  }
  throw new AwsError('PriorRequestNotComplete', 'Too many concurrent changes to the same resources; retry', 429);
}

/** Every value under a prefix, following pages. */
export async function listAll<T>(store: Store, prefix: string): Promise<Array<{ key: string; value: T }>> {
  const out: Array<{ key: string; value: T }> = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.list<T>(prefix, { limit: 500, ...(startAfter ? { startAfter } : {}) });
    for (const r of page.records) out.push({ key: r.key, value: r.value });
    if (!page.more || page.records.length === 0) return out;
    startAfter = page.records[page.records.length - 1]!.key;
  }
}
