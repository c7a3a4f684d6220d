/**
 * The Store held in memory: for unit tests of anything that needs a store, and for runs that keep
 * nothing. Same semantics as SqliteStore (both pass store.conformance.ts); nothing survives
 * the process. Values are kept JSON-encoded so every read returns a fresh object, as a database would.
 */
import {
  RevisionConflictError,
  type ListOptions,
  type ListResult,
  type PutOptions,
  type Store,
  type StoredRecord,
  type TxnRequest,
  type TxnResult,
  type Watch,
  type WatchOptions,
} from './store.js';
import { compareKeys, prefixEnd } from './key-order.js';
import { applyTransaction, encodeOps, encodeValue, type EncodedOp, type KvBackend, type RawEvent, type RawRecord } from './transaction.js';
import { WatchHub, type EventHistory } from './watch-hub.js';

export interface MemoryStoreOptions {
  /** How many revisions of history watches can replay (default 100,000). */
  readonly historyLimit?: number;
}

export class MemoryStore implements Store {
  private readonly records = new Map<string, RawRecord>();
  /** Every key, sorted by compareKeys, for prefix scans; keys added since the last scan wait in `addedKeys`. */
  private readonly sortedKeys: string[] = [];
  /**
   * New keys not yet merged into sortedKeys: inserting each one in place would move the whole array
   * (a commit of 125 new tasks into a store of 100,000 keys moved 12.5 million slots and reallocated
   * it 125 times); they are sorted and merged in one pass when a scan needs them.
   */
  private readonly addedKeys: string[] = [];
  /** history[i] holds the events of revision compacted + 1 + (i - historyHead). */
  private history: RawEvent[][] = [];
  private historyHead = 0;
  private compacted = 0;
  private current = 0;
  private closed = false;
  private readonly historyLimit: number;
  private readonly hub: WatchHub;
  private readonly backend: KvBackend = {
    read: (key) => this.records.get(key),
    put: (key, valueJson, revision) => {
      const existing = this.records.get(key);
      if (!existing) this.addedKeys.push(key);
      this.records.set(key, { valueJson, createRevision: existing?.createRevision ?? revision, modRevision: revision });
    },
    remove: (key) => {
      if (this.records.delete(key)) {
        this.mergeAdded();
        this.sortedKeys.splice(this.lowerBound(key), 1);
      }
    },
  };

  constructor(options: MemoryStoreOptions = {}) {
    this.historyLimit = Math.max(1, options.historyLimit ?? 100_000);
    const history: EventHistory = {
      compactedRevision: () => this.compacted,
      read: (prefix, after, upTo) => this.readHistory(prefix, after, upTo),
    };
    this.hub = new WatchHub(history);
  }

  async get<T = unknown>(key: string): Promise<StoredRecord<T> | undefined> {
    this.assertOpen();
    const r = this.records.get(key);
    return r && decode<T>(key, r);
  }

  async list<T = unknown>(prefix: string, options: ListOptions = {}): Promise<ListResult<T>> {
    this.assertOpen();
    this.mergeAdded();
    const end = prefixEnd(prefix);
    const from =
      options.startAfter !== undefined && compareKeys(options.startAfter, prefix) >= 0 ? this.upperBound(options.startAfter) : this.lowerBound(prefix);
    const limit = options.limit ?? Infinity;
    const records: StoredRecord<T>[] = [];
    let more = false;
    for (let i = from; i < this.sortedKeys.length; i++) {
      const key = this.sortedKeys[i]!;
      if (end !== undefined && compareKeys(key, end) >= 0) break;
      if (records.length >= limit) {
        more = true;
        break;
      }
      records.push(decode<T>(key, this.records.get(key)!));
    }
    return { records, revision: this.current, more };
  }

  async put(key: string, value: unknown, options: PutOptions = {}): Promise<number> {
    const ops: EncodedOp[] = [{ type: 'put', key, valueJson: encodeValue(value) }];
    return this.write(key, ops, options.expectedRevision);
  }

  async delete(key: string, options: PutOptions = {}): Promise<number> {
    return this.write(key, [{ type: 'delete', key }], options.expectedRevision);
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    const outcome = this.commit(request.compares, encodeOps(request.success));
    return { succeeded: outcome.kind !== 'conflict', revision: this.current };
  }

  watch(prefix: string, options: WatchOptions): Watch {
    this.assertOpen();
    return this.hub.open(prefix, options, this.current);
  }

  async revision(): Promise<number> {
    this.assertOpen();
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.closeAll();
  }

  private async write(key: string, ops: EncodedOp[], expected: number | undefined): Promise<number> {
    const compares = expected === undefined ? [] : [{ key, modRevision: expected }];
    const outcome = this.commit(compares, ops);
    if (outcome.kind === 'conflict') throw new RevisionConflictError(key, outcome.expected, outcome.actual);
    return this.current;
  }

  private commit(compares: TxnRequest['compares'], ops: EncodedOp[]) {
    this.assertOpen();
    const outcome = applyTransaction(this.backend, compares, ops, this.current + 1);
    if (outcome.kind === 'committed') {
      this.current = outcome.revision;
      this.remember(outcome.events);
      this.hub.publish(outcome.events);
    }
    return outcome;
  }

  private remember(events: RawEvent[]): void {
    this.history.push(events);
    if (this.history.length - this.historyHead > this.historyLimit) {
      this.historyHead++;
      this.compacted++;
      // Drop the dead front in bulk, so trimming stays O(1) amortized.
      if (this.historyHead >= this.historyLimit) {
        this.history = this.history.slice(this.historyHead);
        this.historyHead = 0;
      }
    }
  }

  private readHistory(prefix: string, after: number, upTo: number): RawEvent[] {
    const out: RawEvent[] = [];
    const first = this.historyHead + (after - this.compacted);
    const last = Math.min(this.history.length, this.historyHead + (upTo - this.compacted));
    for (let i = Math.max(first, this.historyHead); i < last; i++) {
      for (const e of this.history[i]!) if (e.key.startsWith(prefix)) out.push(e);
    }
    return out;
  }

  /**
   * Sorts the keys added since and merges them into sortedKeys, in place from the back (one pass over
   * both). In place, not a new array: a view made with Object.create(store) (the tests' and benches'
   * wrappers) must keep seeing the same index.
   */
  private mergeAdded(): void {
    if (this.addedKeys.length === 0) return;
    const added = this.addedKeys.splice(0).sort(compareKeys);
    const a = this.sortedKeys;
    let i = a.length - 1;
    let j = added.length - 1;
    for (let n = 0; n < added.length; n++) a.push('');
    for (let k = a.length - 1; j >= 0; k--) a[k] = i >= 0 && compareKeys(a[i]!, added[j]!) > 0 ? a[i--]! : added[j--]!;
  }

  /** Index of the first key >= key. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.sortedKeys[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > key. */
  private upperBound(key: string): number {
    const i = this.lowerBound(key);
    return i < this.sortedKeys.length && this.sortedKeys[i] === key ? i + 1 : i;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

function decode<T>(key: string, r: RawRecord): StoredRecord<T> {
  return { key, value: JSON.parse(r.valueJson) as T, createRevision: r.createRevision, modRevision: r.modRevision };
}
