/**
 * In-process fan-out of committed events to watches, shared by both stores.
 *
 *   writer ──commit──► hub.publish(revision, events) ──► each matching watcher's queue
 *                                                         │ (setImmediate, never inside the writer)
 *   history (memory array | SQLite events table) ──replay─┴──► onEvents(one transaction's events)
 *
 * A watcher registers synchronously at the store's current revision R. Events up to R come from the
 * history in pages; events after R are queued as they are published. History first, then the
 * queue, so delivery is in revision order with no gap and no duplicate.
 */
import { WatchCompactedError, type Watch, type WatchEvent, type WatchOptions } from './store.js';
import type { RawEvent } from './transaction.js';

export interface EventHistory {
  /** Events at or below this revision are gone. */
  compactedRevision(): number;
  /** Events with after < revision <= upTo and a key starting with prefix, in (revision, seq) order. */
  read(prefix: string, after: number, upTo: number): RawEvent[];
}

/** How many revisions one replay page reads. */
const PAGE_REVISIONS = 1000;
/**
 * How many events one turn delivers, at least one whole transaction: the consumer's work (and each
 * event's decode here) grows with events, not transactions, so a burst of large commits is handed
 * over ~150 events at a time, the event loop given back (setImmediate) in between (at 500, a turn
 * beside a placement slice and a commit held it ~90-130 ms in the 100,000-task controller bench).
 */
export const EVENTS_PER_TURN = 150;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly history: EventHistory) {}

  open(prefix: string, options: WatchOptions, currentRevision: number): Watch {
    const watcher = new Watcher(this.history, prefix, options, currentRevision, (w) => this.watchers.delete(w));
    this.watchers.add(watcher);
    return watcher;
  }

  /** Called by the writer right after a commit, with that transaction's events. */
  publish(events: readonly RawEvent[]): void {
    for (const w of this.watchers) w.offer(events);
  }

  closeAll(): void {
    for (const w of [...this.watchers]) w.close();
  }

  get size(): number {
    return this.watchers.size;
  }
}

class Watcher implements Watch {
  private cursor: number;
  private readonly replayTo: number;
  private readonly queue: RawEvent[][] = [];
  private queueHead = 0;
  /** A replay page's transactions not yet delivered. */
  private readonly replayed: RawEvent[][] = [];
  private replayHead = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly history: EventHistory,
    private readonly prefix: string,
    private readonly options: WatchOptions,
    currentRevision: number,
    private readonly onClose: (w: Watcher) => void,
  ) {
    this.cursor = options.fromRevision;
    this.replayTo = Math.max(currentRevision, options.fromRevision);
    this.schedule();
  }

  offer(events: readonly RawEvent[]): void {
    if (this.closed || events.length === 0 || events[0]!.revision <= this.replayTo) return;
    const mine = this.prefix === '' ? events.slice() : events.filter((e) => e.key.startsWith(this.prefix));
    if (mine.length === 0) return;
    this.queue.push(mine);
    this.schedule();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.replayed.length = 0;
    this.onClose(this);
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    if (this.closed) return;
    let budget = EVENTS_PER_TURN;
    // Replayed history first: a page read is split into its transactions, handed over within the budget.
    while (this.replayHead < this.replayed.length) {
      const batch = this.replayed[this.replayHead++]!;
      if (!this.deliver(batch)) return;
      budget -= batch.length;
      if (budget <= 0) return this.schedule();
    }
    this.replayed.length = 0;
    this.replayHead = 0;
    if (this.cursor < this.replayTo) {
      const compacted = this.history.compactedRevision();
      if (compacted > this.cursor) {
        this.fail(new WatchCompactedError(this.options.fromRevision, compacted));
        return;
      }
      const upTo = Math.min(this.cursor + PAGE_REVISIONS, this.replayTo);
      const events = this.history.read(this.prefix, this.cursor, upTo);
      this.cursor = upTo;
      let start = 0;
      for (let i = 1; i <= events.length; i++) {
        if (i === events.length || events[i]!.revision !== events[start]!.revision) {
          this.replayed.push(events.slice(start, i));
          start = i;
        }
      }
      this.schedule();
      return;
    }
    while (this.queueHead < this.queue.length) {
      const batch = this.queue[this.queueHead++]!;
      if (!this.deliver(batch)) return;
      budget -= batch.length;
      if (budget <= 0) break;
    }
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else {
      this.schedule();
    }
  }

  /** Each watcher decodes its own copy, so one consumer mutating an event cannot affect another. */
  private deliver(batch: readonly RawEvent[]): boolean {
    if (this.closed) return false;
    const events: WatchEvent[] = batch.map((e) => ({
      type: e.type,
      key: e.key,
      value: e.valueJson === undefined ? undefined : JSON.parse(e.valueJson),
      revision: e.revision,
    }));
    try {
      this.options.onEvents(events);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
    return !this.closed;
  }

  /** A watch that cannot continue closes, and says why; the consumer re-lists and watches again. */
  private fail(err: Error): void {
    this.close();
    if (this.options.onError) this.options.onError(err);
    else process.emitWarning(`store watch on ${JSON.stringify(this.prefix)} stopped: ${err.message}`);
  }
}
