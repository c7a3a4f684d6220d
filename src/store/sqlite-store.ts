/**
 * The Store on one SQLite file (better-sqlite3, WAL): the embedded default of `berth up`.
 *
 *   kv(key, value, create_revision, mod_revision)   the records
 *   events(revision, seq, type, key, value)         history for watch replay, bounded by compaction
 *   meta(id = 1, revision, compacted_revision)      the store revision
 *
 * Every write is one SQLite transaction at one new revision; the kv rows, the events and the meta
 * row commit together, so a watch resumed after a restart sees exactly what it missed. One process
 * owns the file: live watch delivery is in-process (watch-hub.ts), so a second writer process
 * would go unseen by watches.
 *
 * Faults (disk full, locked past the busy timeout, I/O errors) reach callers as
 * StoreUnavailableError, and health() reports them until a write succeeds again. Nothing is cached
 * across a failed write: the next write simply tries SQLite again, so the store recovers by itself
 * once space is back.
 */
import type Database from 'better-sqlite3';
import {
  RevisionConflictError,
  type Compare,
  type StoreHealth,
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
import { applyTransaction, encodeOps, encodeValue, type EncodedOp, type KvBackend, type RawEvent, type TxnOutcome } from './transaction.js';
import { WatchHub } from './watch-hub.js';
import { SqliteStatements, openDatabase, type Synchronous } from './sqlite-schema.js';
import { storeFault } from './sqlite-faults.js';
import { checkStoreFile } from './sqlite-integrity.js';

export interface SqliteStoreOptions {
  /** How many revisions of history watches can replay (default 100,000). */
  readonly historyLimit?: number;
  /**
   * NORMAL (default) keeps every acknowledged write through a crash of the process, kill -9
   * included; FULL also fsyncs each commit, for power loss, at a large cost in writes per second.
   */
  readonly synchronous?: Synchronous;
  /** Stamps health().fault.since; Date.now by default. */
  readonly now?: () => number;
}

interface KvRow {
  key: string;
  value: string;
  create_revision: number;
  mod_revision: number;
}

export class SqliteStore implements Store {
  private current: number;
  private compacted: number;
  private readonly hub: WatchHub;
  private readonly backend: KvBackend;
  private readonly commitTxn: (compares: readonly Compare[], ops: readonly EncodedOp[]) => TxnOutcome;
  /** The compacted revision a transaction wrote, adopted only once it has committed. */
  private pendingCompacted = 0;
  private fault: StoreHealth['fault'];
  private readonly now: () => number;

  /** Refuses (StoreFileError) a file that exists but is empty or fails `PRAGMA quick_check`. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    checkStoreFile(path);
    return new SqliteStore(path, openDatabase(path, options.synchronous ?? 'NORMAL'), options);
  }

  private constructor(
    private readonly path: string,
    private readonly db: Database.Database,
    options: SqliteStoreOptions,
    private readonly sql = new SqliteStatements(db),
  ) {
    this.now = options.now ?? Date.now;
    const historyLimit = Math.max(1, options.historyLimit ?? 100_000);
    // Compaction runs in chunks of this many revisions, so one write never deletes a huge range.
    const compactionSlack = Math.max(1, Math.min(1000, Math.floor(historyLimit / 10)));
    const meta = this.sql.readMeta.get() as { revision: number; compacted_revision: number };
    this.current = meta.revision;
    this.compacted = meta.compacted_revision;
    this.backend = {
      read: (key) => {
        const row = this.sql.get.get(key) as KvRow | undefined;
        return row && { valueJson: row.value, createRevision: row.create_revision, modRevision: row.mod_revision };
      },
      put: (key, valueJson, revision) => void this.sql.upsert.run(key, valueJson, revision, revision),
      remove: (key) => void this.sql.remove.run(key),
    };
    // BEGIN IMMEDIATE: take the write lock first, waiting up to busy_timeout for it. A deferred
    // transaction reads first and then upgrades, and SQLite answers a failed upgrade with
    // SQLITE_BUSY at once, without the busy handler (it would deadlock or read a stale snapshot).
    this.commitTxn = db.transaction((compares: readonly Compare[], ops: readonly EncodedOp[]) => {
      const outcome = applyTransaction(this.backend, compares, ops, this.current + 1);
      if (outcome.kind !== 'committed') return outcome;
      outcome.events.forEach((e, seq) => this.sql.insertEvent.run(e.revision, seq, e.type, e.key, e.valueJson ?? null));
      this.pendingCompacted = this.compacted;
      if (outcome.revision - this.compacted > historyLimit + compactionSlack) {
        this.pendingCompacted = outcome.revision - historyLimit;
        this.sql.compact.run(this.pendingCompacted);
      }
      this.sql.writeMeta.run(outcome.revision, this.pendingCompacted);
      return outcome;
    }).immediate;
    this.hub = new WatchHub({
      compactedRevision: () => this.compacted,
      read: (prefix, after, upTo) => this.readHistory(prefix, after, upTo),
    });
  }

  async get<T = unknown>(key: string): Promise<StoredRecord<T> | undefined> {
    const row = this.guard(() => this.sql.get.get(key)) as KvRow | undefined;
    return row && decode<T>({ ...row, key });
  }

  async list<T = unknown>(prefix: string, options: ListOptions = {}): Promise<ListResult<T>> {
    const end = prefixEnd(prefix);
    const exclusive = options.startAfter !== undefined && compareKeys(options.startAfter, prefix) >= 0;
    const from = exclusive ? options.startAfter! : prefix;
    const limit = options.limit ?? -1;
    // One more than asked for tells whether the list was cut short.
    const sqlLimit = limit < 0 ? -1 : limit + 1;
    const stmt = this.sql.list(exclusive, end !== undefined);
    const rows = this.guard(() => (end === undefined ? stmt.all(from, sqlLimit) : stmt.all(from, end, sqlLimit))) as KvRow[];
    const more = limit >= 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { records: rows.map((r) => decode<T>(r)), revision: this.current, more };
  }

  async put(key: string, value: unknown, options: PutOptions = {}): Promise<number> {
    return this.write(key, [{ type: 'put', key, valueJson: encodeValue(value) }], options.expectedRevision);
  }

  async delete(key: string, options: PutOptions = {}): Promise<number> {
    return this.write(key, [{ type: 'delete', key }], options.expectedRevision);
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    const outcome = this.commit(request.compares, encodeOps(request.success));
    return { succeeded: outcome.kind !== 'conflict', revision: this.current };
  }

  watch(prefix: string, options: WatchOptions): Watch {
    if (!this.db.open) throw new Error('store is closed');
    return this.hub.open(prefix, options, this.current);
  }

  async revision(): Promise<number> {
    if (!this.db.open) throw new Error('store is closed');
    return this.current;
  }

  /** Healthy unless the last write failed for a reason outside Berth (disk full, locked, I/O). */
  health(): StoreHealth {
    return this.fault ? { ok: false, fault: this.fault } : { ok: true };
  }

  async close(): Promise<void> {
    this.hub.closeAll();
    if (this.db.open) this.db.close();
  }

  private async write(key: string, ops: EncodedOp[], expected: number | undefined): Promise<number> {
    const outcome = this.commit(expected === undefined ? [] : [{ key, modRevision: expected }], ops);
    if (outcome.kind === 'conflict') throw new RevisionConflictError(key, outcome.expected, outcome.actual);
    return this.current;
  }

  private commit(compares: readonly Compare[], ops: readonly EncodedOp[]): TxnOutcome {
    let outcome: TxnOutcome;
    try {
      outcome = this.commitTxn(compares, ops);
    } catch (err) {
      const fault = storeFault(err, this.path);
      if (!fault) throw err;
      this.fault = { reason: fault.reason, message: fault.message, since: this.fault?.since ?? this.now() };
      throw fault;
    }
    this.fault = undefined;
    if (outcome.kind === 'committed') {
      // Only after COMMIT returned: a rolled-back transaction must never be seen or counted.
      this.current = outcome.revision;
      this.compacted = this.pendingCompacted;
      this.hub.publish(outcome.events);
    }
    return outcome;
  }

  /** A read that SQLite refuses (locked, I/O) becomes a StoreUnavailableError; a bug stays as it is. */
  private guard<R>(read: () => R): R {
    try {
      return read();
    } catch (err) {
      throw storeFault(err, this.path) ?? err;
    }
  }

  private readHistory(prefix: string, after: number, upTo: number): RawEvent[] {
    const end = prefixEnd(prefix);
    const stmt = this.sql.history(end !== undefined);
    const rows = (end === undefined ? stmt.all(after, upTo, prefix) : stmt.all(after, upTo, prefix, end)) as {
      revision: number;
      type: 'put' | 'delete';
      key: string;
      value: string | null;
    }[];
    return rows.map((r) => ({ type: r.type, key: r.key, valueJson: r.value ?? undefined, revision: r.revision }));
  }
}

function decode<T>(r: KvRow): StoredRecord<T> {
  return { key: r.key, value: JSON.parse(r.value) as T, createRevision: r.create_revision, modRevision: r.mod_revision };
}
