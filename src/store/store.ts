/**
 * The one store contract. Everything Berth knows is a record under a key, each with a revision.
 *
 * The shape follows etcd's v3 KV + Watch API on purpose, so an etcd implementation can be added
 * later without touching callers:
 *  - one store-wide, strictly increasing revision; every committed write gets the next one;
 *  - each record carries `createRevision` and `modRevision` (etcd's names);
 *  - compare-and-set is a transaction whose compares are on `modRevision` (0 = "must not exist");
 *  - a watch is a prefix plus a start revision; it first replays history after that revision, then
 *    streams live events, in revision order, with no gaps.
 *
 * Values are JSON-serializable objects; implementations own the encoding.
 */

export interface StoredRecord<T = unknown> {
  readonly key: string;
  readonly value: T;
  /** Revision of the write that created this key (etcd create_revision). */
  readonly createRevision: number;
  /** Revision of the last write to this key (etcd mod_revision). Use it as the expected revision for CAS. */
  readonly modRevision: number;
}

export interface ListOptions {
  /** Only keys strictly greater than this one (for paging). */
  readonly startAfter?: string;
  /** At most this many records. */
  readonly limit?: number;
}

export interface ListResult<T = unknown> {
  readonly records: StoredRecord<T>[];
  /** Store revision the list was read at: start a watch from here to miss nothing. */
  readonly revision: number;
  /** True when `limit` cut the list short. */
  readonly more: boolean;
}

/** A guard on one key: its modRevision must equal `modRevision` (0 means the key must not exist). */
export interface Compare {
  readonly key: string;
  readonly modRevision: number;
}

export type TxnOp = { readonly type: 'put'; readonly key: string; readonly value: unknown } | { readonly type: 'delete'; readonly key: string };

export interface TxnRequest {
  readonly compares: readonly Compare[];
  /** Applied atomically, at one new revision, only when every compare holds. */
  readonly success: readonly TxnOp[];
}

export interface TxnResult {
  readonly succeeded: boolean;
  /** The new revision when succeeded, else the current one. */
  readonly revision: number;
}

export interface PutOptions {
  /** Compare-and-set: the key's current modRevision must equal this (0 = must not exist). */
  readonly expectedRevision?: number;
}

export interface WatchEvent<T = unknown> {
  readonly type: 'put' | 'delete';
  readonly key: string;
  /** For put: the new value. For delete: the value before deletion, when known. */
  readonly value: T | undefined;
  /** The revision at which this event happened (the record's modRevision for a put). */
  readonly revision: number;
}

export interface Watch {
  /** Stop delivering events. Idempotent. */
  close(): void;
}

export interface WatchOptions {
  /** Deliver events with revision > fromRevision (history first, then live). */
  readonly fromRevision: number;
  /** Called once per committed transaction with that transaction's events, in revision order. */
  readonly onEvents: (events: WatchEvent[]) => void;
  /** Called if the watch cannot continue (e.g. history compacted past fromRevision). */
  readonly onError?: (err: Error) => void;
}

export interface Store {
  /**
   * The most compares, and the most operations, one txn may carry (etcd's --max-txn-ops); undefined
   * when the store sets no limit. Writers of large plans split them (controllers/plan-commit.ts).
   */
  readonly maxTxnOps?: number;
  get<T = unknown>(key: string): Promise<StoredRecord<T> | undefined>;
  list<T = unknown>(prefix: string, options?: ListOptions): Promise<ListResult<T>>;
  /** Returns the new revision. Throws RevisionConflictError when expectedRevision does not hold. */
  put(key: string, value: unknown, options?: PutOptions): Promise<number>;
  /** Returns the new revision (or the current one if nothing was deleted). Throws RevisionConflictError on a failed expectation. */
  delete(key: string, options?: PutOptions): Promise<number>;
  txn(request: TxnRequest): Promise<TxnResult>;
  watch(prefix: string, options: WatchOptions): Watch;
  /** The current store revision. */
  revision(): Promise<number>;
  close(): Promise<void>;
}

export class RevisionConflictError extends Error {
  override readonly name = 'RevisionConflictError';
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`revision conflict on ${key}: expected ${expected}, found ${actual}`);
  }
}

export class WatchCompactedError extends Error {
  override readonly name = 'WatchCompactedError';
  constructor(
    readonly fromRevision: number,
    readonly compactedTo: number,
  ) {
    super(`watch from revision ${fromRevision} is older than the compacted revision ${compactedTo}`);
  }
}

/**
 * The store cannot take writes (or reads) for a reason outside the request: the disk is full, the
 * file is locked by another process past the busy timeout, an I/O error. Transient: the same
 * request may succeed later. The API answers it as a 500 (ServerException) carrying this message.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly reason: StoreFault,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export type StoreFault = 'disk-full' | 'locked' | 'io-error' | 'read-only' | 'corrupt' | 'unreachable';

/** What a store reports about its own health, for /health and `berth status`. */
export interface StoreHealth {
  readonly ok: boolean;
  /** Set while writes fail: the last failure, and since when (epoch ms) writes have failed. */
  readonly fault?: { readonly reason: StoreFault; readonly message: string; readonly since: number };
}
