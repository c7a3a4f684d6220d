/**
 * One Store watch on one etcd watch stream (etcd's Watch RPC, not etcd3's multiplexing manager, whose
 * cancel loses the compact_revision a resync needs).
 *
 *   create(start_revision = cursor + 1, prev_kv) ──► responses, each holding whole revisions
 *        ▲                                              │ group by mod_revision → onEvents(one txn)
 *        └── stream broke: reopen from the cursor ◄─────┘ canceled with compact_revision → WatchCompactedError
 *
 * The cursor is the last revision delivered, so a reconnect neither skips nor repeats a transaction.
 */
import type { Etcd3, IWatchResponse, IWatchRequest } from 'etcd3';
import { WatchCompactedError, type Watch, type WatchEvent, type WatchOptions } from './store.js';
import { fromEtcdRevision, toEtcdRevision } from './etcd-connection.js';
import { prefixEnd } from './key-order.js';

interface WatchStream {
  write(item: IWatchRequest): void;
  end(): void;
  on(event: 'data', fn: (item: IWatchResponse) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

/** etcd range for a key prefix: `\0` as range_end means "to the end"; an empty key with it means "every key". */
export function prefixRange(prefix: string): { key: Buffer; range_end: Buffer } {
  const end = prefixEnd(prefix);
  return { key: Buffer.from(prefix === '' ? '\0' : prefix, 'utf8'), range_end: Buffer.from(end ?? '\0', 'utf8') };
}

export class EtcdWatch implements Watch {
  /** The last Store revision delivered (or skipped as not ours). */
  private cursor: number;
  private stream: WatchStream | undefined;
  private closed = false;
  private retryMs = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
    private readonly options: WatchOptions,
    private readonly onClose: (w: EtcdWatch) => void,
  ) {
    this.cursor = options.fromRevision;
    this.open();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.endStream();
    this.onClose(this);
  }

  private open(): void {
    if (this.closed) return;
    this.client.watchClient.watch().then(
      (stream: WatchStream) => {
        if (this.closed) {
          stream.end();
          return;
        }
        this.stream = stream;
        stream.on('data', (res) => this.onResponse(stream, res));
        stream.on('error', () => this.broken(stream));
        stream.on('end', () => this.broken(stream));
        stream.write({
          create_request: { ...prefixRange(this.prefix), start_revision: toEtcdRevision(this.cursor) + 1, prev_kv: true, progress_notify: false },
        });
      },
      () => this.broken(undefined),
    );
  }

  private onResponse(stream: WatchStream, res: IWatchResponse): void {
    if (this.closed || stream !== this.stream) return;
    if (res.canceled) {
      const compacted = Number(res.compact_revision ?? 0);
      this.endStream();
      this.fail(
        compacted > 0
          ? new WatchCompactedError(this.options.fromRevision, fromEtcdRevision(compacted))
          : new Error(`etcd canceled the watch: ${res.cancel_reason}`),
      );
      return;
    }
    this.retryMs = RECONNECT_MIN_MS;
    let batch: WatchEvent[] = [];
    const flush = (): boolean => {
      if (batch.length === 0) return true;
      const events = batch;
      batch = [];
      this.cursor = events[0]!.revision;
      try {
        this.options.onEvents(events);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        return false;
      }
      return !this.closed;
    };
    for (const e of res.events ?? []) {
      const revision = fromEtcdRevision(e.kv.mod_revision);
      if (revision <= this.cursor) continue;
      if (batch.length > 0 && batch[0]!.revision !== revision && !flush()) return;
      const source = e.type === 'Delete' ? e.prev_kv : e.kv;
      batch.push({
        type: e.type === 'Delete' ? 'delete' : 'put',
        key: e.kv.key.toString('utf8'),
        value: source && source.value.length > 0 ? JSON.parse(source.value.toString('utf8')) : undefined,
        revision,
      });
    }
    flush();
  }

  /** The stream ended or errored: reopen from the cursor, backing off while etcd stays away. */
  private broken(stream: WatchStream | undefined): void {
    if (this.closed || (stream && stream !== this.stream)) return;
    this.endStream();
    const wait = this.retryMs;
    this.retryMs = Math.min(RECONNECT_MAX_MS, this.retryMs * 2);
    this.timer = setTimeout(() => this.open(), wait);
    this.timer.unref();
  }

  private endStream(): void {
    const s = this.stream;
    this.stream = undefined;
    if (!s) return;
    try {
      s.end();
      (s as { cancel?: () => void }).cancel?.();
    } catch {
      /* already gone */
    }
  }

  private fail(err: Error): void {
    this.close();
    if (this.options.onError) this.options.onError(err);
    else process.emitWarning(`store watch on ${JSON.stringify(this.prefix)} stopped: ${err.message}`);
  }
}
