/**
 * The write semantics both stores share, over a tiny synchronous key-value backend: check every
 * compare, then apply the ops in order at one new revision. The caller runs this inside its own
 * atomic section (a SQLite transaction, or simply one synchronous turn of the event loop for
 * memory) and, when it committed, persists the events and the new revision.
 *
 * Like etcd, a transaction whose ops change nothing (say, deleting absent keys) does not consume a
 * revision, and a put always does, even when the value is unchanged.
 */
import type { Compare, TxnOp } from './store.js';

/** A record as the backends keep it: the value already JSON-encoded. */
export interface RawRecord {
  readonly valueJson: string;
  readonly createRevision: number;
  readonly modRevision: number;
}

/** A committed change as the history keeps it. For a delete, valueJson is the value before. */
export interface RawEvent {
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly valueJson: string | undefined;
  readonly revision: number;
}

export interface KvBackend {
  read(key: string): RawRecord | undefined;
  /** Sets the value at `revision`: a new key gets it as createRevision, an existing one keeps its own. */
  put(key: string, valueJson: string, revision: number): void;
  remove(key: string): void;
}

/** A TxnOp whose value is already encoded, so encoding happens outside the atomic section. */
export type EncodedOp = { readonly type: 'put'; readonly key: string; readonly valueJson: string } | { readonly type: 'delete'; readonly key: string };

export type TxnOutcome =
  | { readonly kind: 'conflict'; readonly key: string; readonly expected: number; readonly actual: number }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'committed'; readonly revision: number; readonly events: RawEvent[] };

export function encodeValue(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('store values must be JSON-serializable (got undefined or a function)');
  return json;
}

export function encodeOps(ops: readonly TxnOp[]): EncodedOp[] {
  return ops.map((op) => (op.type === 'put' ? { type: 'put', key: op.key, valueJson: encodeValue(op.value) } : { type: 'delete', key: op.key }));
}

/** `nextRevision` is the revision the writes get if any happen. */
export function applyTransaction(backend: KvBackend, compares: readonly Compare[], ops: readonly EncodedOp[], nextRevision: number): TxnOutcome {
  for (const c of compares) {
    const actual = backend.read(c.key)?.modRevision ?? 0;
    if (actual !== c.modRevision) return { kind: 'conflict', key: c.key, expected: c.modRevision, actual };
  }
  const events: RawEvent[] = [];
  for (const op of ops) {
    if (op.type === 'put') {
      backend.put(op.key, op.valueJson, nextRevision);
      events.push({ type: 'put', key: op.key, valueJson: op.valueJson, revision: nextRevision });
      continue;
    }
    const current = backend.read(op.key);
    if (current) {
      backend.remove(op.key);
      events.push({ type: 'delete', key: op.key, valueJson: current.valueJson, revision: nextRevision });
    }
  }
  return events.length === 0 ? { kind: 'unchanged' } : { kind: 'committed', revision: nextRevision, events };
}
