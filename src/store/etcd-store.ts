/**
 * The Store on etcd v3, for several `berth server` replicas (README "How etcd maps"). Revisions are
 * etcd's mod revisions (less one, etcd-connection.ts), compare-and-set is a Txn comparing MOD,
 * watch is etcd's Watch from a revision (etcd-watch.ts). Every call has a deadline: an unreachable
 * or quorum-less cluster is a StoreUnavailableError, never a hang.
 *
 * History: etcd keeps every revision until compacted. Berth compacts to `historyLimit` revisions
 * behind the head (any replica may; compacting twice is harmless), the SQLite store's bound.
 */
import type { Etcd3, ICompare, IRangeRequest, IRequestOp } from 'etcd3';
import {
  RevisionConflictError,
  type ListOptions,
  type ListResult,
  type PutOptions,
  type Store,
  type StoreHealth,
  type StoredRecord,
  type TxnOp,
  type TxnRequest,
  type TxnResult,
  type Watch,
  type WatchOptions,
} from './store.js';
import { compareKeys } from './key-order.js';
import { encodeValue } from './transaction.js';
import { connectEtcd, etcdFault, fromEtcdRevision, toEtcdRevision, type EtcdConnectionOptions } from './etcd-connection.js';
import { EtcdWatch, prefixRange } from './etcd-watch.js';

export interface EtcdStoreOptions extends EtcdConnectionOptions {
  /** How many revisions of history watches can replay (default 100,000). */
  readonly historyLimit?: number;
  /** The cluster's --max-txn-ops (etcd's default 128): large plans are split to fit. */
  readonly maxTxnOps?: number;
}

/** An unlimited list is read in pages of this many keys, all at one revision. */
const LIST_PAGE = 2_000;

interface Kv {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
}

export class EtcdStore implements Store {
  private readonly watches = new Set<EtcdWatch>();
  private readonly historyLimit: number;
  readonly maxTxnOps: number;
  /** The newest etcd revision this replica compacted to (0: not yet). */
  private compactedTo = 0;
  private fault: { reason: 'unreachable'; message: string; since: number } | undefined;
  private closed = false;

  private constructor(
    readonly client: Etcd3,
    options: EtcdStoreOptions,
  ) {
    this.historyLimit = Math.max(1, options.historyLimit ?? 100_000);
    this.maxTxnOps = Math.max(2, options.maxTxnOps ?? 128);
  }

  /** Connects and checks that the cluster answers (a wrong endpoint fails here, in words). */
  static async connect(options: EtcdStoreOptions): Promise<EtcdStore> {
    const store = new EtcdStore(connectEtcd(options), options);
    try {
      await store.revision();
    } catch (err) {
      store.client.close();
      throw err;
    }
    return store;
  }

  async get<T = unknown>(key: string): Promise<StoredRecord<T> | undefined> {
    const res = await this.call(() => this.client.kv.range({ key: Buffer.from(key, 'utf8') }));
    const kv = res.kvs[0] as Kv | undefined;
    return kv && decode<T>(kv);
  }

  async list<T = unknown>(prefix: string, options: ListOptions = {}): Promise<ListResult<T>> {
    const range = prefixRange(prefix);
    let start = options.startAfter !== undefined && compareKeys(options.startAfter, prefix) >= 0 ? Buffer.from(`${options.startAfter}\0`, 'utf8') : range.key;
    const wanted = options.limit ?? Infinity;
    const records: StoredRecord<T>[] = [];
    let revision: string | undefined;
    for (;;) {
      const pageLimit = Math.min(LIST_PAGE, wanted - records.length);
      const req: IRangeRequest = { key: start, range_end: range.range_end, limit: pageLimit, ...(revision ? { revision } : {}) };
      const res = await this.call(() => this.client.kv.range(req));
      revision ??= res.header.revision;
      for (const kv of res.kvs as Kv[]) records.push(decode<T>(kv));
      if (!res.more || res.kvs.length === 0) return { records, revision: fromEtcdRevision(revision), more: false };
      if (records.length >= wanted) return { records, revision: fromEtcdRevision(revision), more: true };
      start = Buffer.concat([(res.kvs.at(-1) as Kv).key, Buffer.from([0])]);
    }
  }

  async put(key: string, value: unknown, options: PutOptions = {}): Promise<number> {
    return this.write(key, [{ type: 'put', key, value }], options.expectedRevision);
  }

  async delete(key: string, options: PutOptions = {}): Promise<number> {
    return this.write(key, [{ type: 'delete', key }], options.expectedRevision);
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    const compare: ICompare[] = request.compares.map((c) => modEquals(c.key, c.modRevision));
    const success = request.success.map(toRequestOp);
    const res = await this.call(() => this.client.kv.txn({ compare, success, failure: [] }));
    const revision = fromEtcdRevision(res.header.revision);
    if (res.succeeded && request.success.length > 0) await this.compactIfDue(Number(res.header.revision));
    return { succeeded: res.succeeded, revision };
  }

  watch(prefix: string, options: WatchOptions): Watch {
    if (this.closed) throw new Error('store is closed');
    const w = new EtcdWatch(this.client, prefix, options, (x) => this.watches.delete(x));
    this.watches.add(w);
    return w;
  }

  async revision(): Promise<number> {
    const res = await this.call(() => this.client.kv.range({ key: Buffer.from('\0'), limit: 1, count_only: true }));
    return fromEtcdRevision(res.header.revision);
  }

  /** ok while etcd answers; the last failure, and since when, while it does not. */
  health(): StoreHealth {
    return this.fault ? { ok: false, fault: this.fault } : { ok: true };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.close();
    this.client.close();
  }

  private async write(key: string, ops: TxnOp[], expected: number | undefined): Promise<number> {
    const compare = expected === undefined ? [] : [modEquals(key, expected)];
    const success = ops.map(toRequestOp);
    const res = await this.call(() => this.client.kv.txn({ compare, success, failure: [{ request_range: { key: Buffer.from(key, 'utf8') } }] }));
    if (!res.succeeded) {
      const kv = res.responses[0]?.response_range?.kvs[0] as Kv | undefined;
      throw new RevisionConflictError(key, expected ?? 0, kv ? fromEtcdRevision(kv.mod_revision) : 0);
    }
    await this.compactIfDue(Number(res.header.revision));
    return fromEtcdRevision(res.header.revision);
  }

  /** Compacts in steps of a tenth of the limit, so it runs once per many writes, not on each. */
  private async compactIfDue(etcdRevision: number): Promise<void> {
    const step = Math.max(1, Math.floor(this.historyLimit / 10));
    const target = etcdRevision - this.historyLimit;
    if (target - this.compactedTo < step) return;
    this.compactedTo = target;
    try {
      await this.client.kv.compact({ revision: String(target) });
    } catch {
      // Another replica compacted further already, or etcd is away: the next write tries again.
    }
  }

  private async call<R>(fn: () => Promise<R>): Promise<R> {
    if (this.closed) throw new Error('store is closed');
    try {
      const r = await fn();
      this.fault = undefined;
      return r;
    } catch (err) {
      const fault = etcdFault(err);
      this.fault ??= { reason: 'unreachable', message: fault.message, since: Date.now() };
      throw fault;
    }
  }
}

function modEquals(key: string, storeRevision: number): ICompare {
  return { key: Buffer.from(key, 'utf8'), target: 'Mod', result: 'Equal', mod_revision: toEtcdRevision(storeRevision) };
}

function toRequestOp(op: TxnOp): IRequestOp {
  const key = Buffer.from(op.key, 'utf8');
  return op.type === 'put' ? { request_put: { key, value: Buffer.from(encodeValue(op.value), 'utf8') } } : { request_delete_range: { key } };
}

function decode<T>(kv: Kv): StoredRecord<T> {
  return {
    key: kv.key.toString('utf8'),
    value: JSON.parse(kv.value.toString('utf8')) as T,
    createRevision: fromEtcdRevision(kv.create_revision),
    modRevision: fromEtcdRevision(kv.mod_revision),
  };
}
