/**
 * Keep-alive connection pools, one undici Pool per target address:port (undici's client measured
 * about 1.3x Node's http.Agent on this proxy path; see bench/proxy.bench.ts), and draining. A
 * target that leaves the routing table (or turns `draining`) gets no new requests at once — the
 * balancer no longer sees it — while requests already in flight finish on its pool. When the last
 * one finishes its connections are closed; when the deregistration delay runs out first, what is
 * still in flight is cut off (the client sees the connection end, as with an ALB).
 */
import { Pool } from 'undici';
import type { RoutingTable } from '../routing-table.js';

export class TargetPool {
  readonly pool: Pool;
  inFlight = 0;
  drainTimer: NodeJS.Timeout | undefined;
  draining = false;

  constructor(readonly key: string, origin: string, options: Pool.Options) {
    this.pool = new Pool(origin, options);
  }
}

export interface TargetPoolsOptions {
  /** Connections kept per target (default 256). */
  readonly connectionsPerTarget?: number;
  /** Close idle target connections after this long (ms); keep it below the targets' own keep-alive. */
  readonly idleSocketTimeoutMs?: number;
  readonly onDrained?: (key: string) => void;
}

export class TargetPools {
  private readonly pools = new Map<string, TargetPool>();

  constructor(private readonly options: TargetPoolsOptions = {}) {}

  get(address: string, port: number, connectTimeoutMs: number): TargetPool {
    const key = `${address}:${port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new TargetPool(key, `http://${address.includes(':') ? `[${address}]` : address}:${port}`, {
        connections: this.options.connectionsPerTarget ?? 256,
        pipelining: 1,
        connectTimeout: connectTimeoutMs,
        keepAliveTimeout: this.options.idleSocketTimeoutMs ?? 4_000,
        // The proxy sets the ALB idle timeout per request; these are only the pool's defaults.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  started(pool: TargetPool): void {
    pool.inFlight++;
  }

  finished(pool: TargetPool): void {
    pool.inFlight--;
    if (pool.draining && pool.inFlight === 0) this.close(pool, false);
  }

  inFlight(address: string, port: number): number {
    return this.pools.get(`${address}:${port}`)?.inFlight ?? 0;
  }

  has(address: string, port: number): boolean {
    return this.pools.has(`${address}:${port}`);
  }

  /** Level-triggered: drain pools whose target is no longer live in any target group. */
  reconcile(table: RoutingTable): void {
    const live = new Set<string>();
    const delayMs = new Map<string, number>();
    for (const tg of table.targetGroups.values()) {
      for (const t of tg.targets) {
        const key = `${t.address}:${t.port}`;
        if (t.state === 'draining') delayMs.set(key, Math.max(delayMs.get(key) ?? 0, tg.deregistrationDelaySeconds * 1000));
        else if (t.state !== 'unused') live.add(key);
      }
    }
    for (const pool of this.pools.values()) {
      if (live.has(pool.key)) {
        if (pool.draining) {
          pool.draining = false;
          clearTimeout(pool.drainTimer);
        }
        continue;
      }
      if (pool.draining) continue;
      pool.draining = true;
      if (pool.inFlight === 0) {
        this.close(pool, false);
        continue;
      }
      pool.drainTimer = setTimeout(() => this.close(pool, true), delayMs.get(pool.key) ?? 0);
      pool.drainTimer.unref();
    }
  }

  private close(pool: TargetPool, force: boolean): void {
    clearTimeout(pool.drainTimer);
    if (this.pools.get(pool.key) === pool) this.pools.delete(pool.key);
    // close() lets queued requests finish; destroy() ends them (the delay ran out).
    const done = force ? pool.pool.destroy(new Error('deregistration delay ended')) : pool.pool.close();
    done.catch(() => {});
    this.options.onDrained?.(pool.key);
  }

  closeAll(): void {
    for (const pool of [...this.pools.values()]) this.close(pool, true);
  }
}
