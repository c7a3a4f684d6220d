/**
 * Keep-alive HTTP/1.1 connections to one plain-HTTP target (target-connection.ts), as nginx's
 * upstream `keepalive`: up to `connections` at once (256 by default, as the undici pool had),
 * the most recently used idle one first (so a quiet target keeps few warm connections and the
 * rest age out), idle ones closed after `idleTimeoutMs` by one sweep timer per pool rather than
 * one timer per request, requests queued while every connection is busy. A reused connection
 * that closes before any byte of its answer tells the engine so (`onConnect`'s `reused`), which
 * retries an idempotent request once; the pool then drops its other idle connections too, as a
 * restarted target leaves all of them stale at once.
 */
import type { ConnectionOwner, ResponseHandler, TargetRequest } from './target-connection.js';
import { TargetConnection } from './target-connection.js';

export interface H1PoolOptions {
  readonly connections: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

interface Queued {
  readonly request: TargetRequest;
  readonly handler: ResponseHandler;
}

export class H1Pool implements ConnectionOwner {
  private readonly idle: TargetConnection[] = [];
  private readonly all = new Set<TargetConnection>();
  private readonly queue: Queued[] = [];
  private sweep: NodeJS.Timeout | undefined;
  private closing = false;
  private whenEmpty: (() => void) | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: H1PoolOptions,
  ) {}

  /** Idle kept-alive connections. */
  get free(): number {
    return this.idle.length;
  }

  /** Open connections (busy, idle or connecting). */
  get size(): number {
    return this.all.size;
  }

  dispatch(request: TargetRequest, handler: ResponseHandler): void {
    if (this.closing) {
      handler.onError(Object.assign(new Error('the target pool is closed'), { code: 'UND_ERR_DESTROYED' }));
      return;
    }
    let conn = this.idle.pop();
    // The sweep runs every half timeout: one idle past it is closed here rather than sent on
    // (the target's own keep-alive, often 5 s, may be closing it just now).
    if (conn && conn.idleSince <= Date.now() - this.options.idleTimeoutMs) {
      for (const c of this.idle.splice(0, this.idle.length + 1)) c.destroy();
      conn.destroy();
      conn = undefined;
    }
    if (conn) conn.send(request, handler);
    else if (this.all.size < this.options.connections) this.open().send(request, handler);
    else this.queue.push({ request, handler });
  }

  private open(): TargetConnection {
    const conn = TargetConnection.connect(this.host, this.port, this.options.connectTimeoutMs, this);
    this.all.add(conn);
    return conn;
  }

  released(conn: TargetConnection, reusable: boolean): void {
    if (reusable) {
      const next = this.queue.shift();
      if (next) {
        conn.send(next.request, next.handler);
        return;
      }
    }
    if (!reusable || this.closing) {
      conn.destroy();
      return;
    }
    this.idle.push(conn);
    if (!this.sweep) {
      this.sweep = setInterval(this.closeAged, Math.max(250, this.options.idleTimeoutMs / 2));
      this.sweep.unref();
    }
  }

  closed(conn: TargetConnection, stale: boolean): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    if (stale) for (const c of this.idle.splice(0)) c.destroy();
    // A busy connection closed: a queued request takes its place (while closing too: close() lets them finish).
    const next = this.queue.shift();
    if (next) this.open().send(next.request, next.handler);
    else if (this.closing && this.all.size === 0) this.whenEmpty?.();
  }

  /** Idle connections are oldest at the bottom of the stack. */
  private readonly closeAged = (): void => {
    const limit = Date.now() - this.options.idleTimeoutMs;
    let n = 0;
    while (n < this.idle.length && (this.idle[n] as TargetConnection).idleSince <= limit) n++;
    for (const c of this.idle.splice(0, n)) c.destroy();
    if (this.idle.length === 0) {
      clearInterval(this.sweep);
      this.sweep = undefined;
    }
  };

  /** Lets in-flight and queued requests finish, then closes every connection. */
  close(): Promise<void> {
    return this.shut(undefined);
  }

  /** Ends everything now: in-flight and queued requests fail with `err`. */
  destroy(err: Error): Promise<void> {
    return this.shut(err);
  }

  private shut(err: Error | undefined): Promise<void> {
    clearInterval(this.sweep);
    this.sweep = undefined;
    this.closing = true;
    if (err) {
      for (const q of this.queue.splice(0)) q.handler.onError(err);
      for (const c of [...this.all]) c.destroy(err);
    } else for (const c of this.idle.splice(0)) c.destroy();
    if (this.all.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.whenEmpty = resolve;
    });
  }
}
