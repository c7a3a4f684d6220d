/**
 * A work queue of keys, as Kubernetes controllers use (client-go's workqueue): a key added many times
 * is processed once; one key is never processed by two workers at once (added while in flight, it runs
 * again right after); failures come back with exponential backoff; `addAfter` schedules a later visit.
 * The handler reads the current state itself, so the queue carries keys, never events.
 */

export interface WorkQueueOptions {
  /** Keys processed at the same time (different keys only). */
  concurrency?: number;
  /** First retry delay after a failure; doubles per consecutive failure of that key. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  onError?: (key: string, err: unknown) => void;
}

export type Handler = (key: string) => Promise<void>;

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  /** Added while being processed: run once more when done. */
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private running = 0;
  private stopped = false;
  private readonly concurrency: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly handler: Handler,
    private readonly options: WorkQueueOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 4;
    this.baseMs = options.backoffBaseMs ?? 50;
    this.maxMs = options.backoffMaxMs ?? 30_000;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Add `key` after `delayMs` (real time). An earlier visit already scheduled wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const cur = this.timers.get(key);
    if (cur && cur.at <= at) return;
    if (cur) clearTimeout(cur.timer);
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.add(key);
      },
      Math.min(delayMs, 2 ** 31 - 1),
    );
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** How many keys are waiting or in flight (scheduled ones not counted). */
  get depth(): number {
    return this.queue.length + this.active.size;
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops everything waiting and scheduled; resolves once the keys in flight finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    this.dirty.clear();
    await this.idle();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.active.add(key);
      this.running++;
      void this.process(key);
    }
    if (this.depth === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async process(key: string): Promise<void> {
    try {
      await this.handler(key);
      this.failures.delete(key);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.options.onError?.(key, err);
      this.addAfter(key, Math.min(this.maxMs, this.baseMs * 2 ** (n - 1)));
    } finally {
      this.active.delete(key);
      this.running--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}
