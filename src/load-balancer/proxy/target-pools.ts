/**
 * Keep-alive connection pools, one per target address:port, and draining. Plain HTTP/1.1 targets
 * get Berth's own client (h1-pool.ts: about 1.2x undici's on this path, see bench/proxy-ab.ts);
 * HTTPS and h2c targets keep undici's Pool and H2CClient (`h1Client: 'undici'`, or the environment's
 * BERTH_LB_H1_CLIENT=undici, puts plain HTTP/1.1 back on undici too, for the A/B). A
 * target that leaves the routing table (or turns `draining`) gets no new requests at once — the
 * balancer no longer sees it — while requests already in flight finish on its pool. When the last
 * one finishes its connections are closed; when the deregistration delay runs out first, what is
 * still in flight is cut off (the client sees the connection end, as with an ALB).
 */
import type { Pool as UndiciPool } from 'undici';
import { H2CClient, Pool } from '../../platform/lean-undici.js';
import type { RoutingTable } from '../routing-table.js';
import { H1Pool } from './h1-pool.js';
import { H2StreamClient } from './h2-stream-client.js';

/** How the node speaks to a target: re-encrypt or not, HTTP/1.1, HTTP/2, or gRPC's stream path. */
export interface TargetTransport {
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly version: 'HTTP1' | 'HTTP2' | 'GRPC';
}

const plainHttp1: TargetTransport = { protocol: 'HTTP', version: 'HTTP1' };

export class TargetPool {
  readonly pool: Pool | H2CClient | H1Pool;
  inFlight = 0;
  drainTimer: NodeJS.Timeout | undefined;
  draining = false;
  /** For h2c: a request has been sent before, so the connection may be a kept-alive one. */
  used = false;
  /** GRPC: the stream path's own HTTP/2 client (grpc-forward.ts); `pool` then stays unused (undici connects lazily). */
  readonly streams: H2StreamClient | undefined;

  constructor(
    /** `address:port`: what draining follows. */
    readonly key: string,
    /** The key plus the transport: one target may be reached two ways by two target groups. */
    readonly mapKey: string,
    origin: string,
    transport: TargetTransport,
    options: UndiciPool.Options,
    own?: { readonly host: string; readonly port: number },
  ) {
    // Prior-knowledge h2c is one multiplexed connection (undici's H2CClient); h2 over TLS comes from ALPN.
    this.pool = own
      ? new H1Pool(own.host, own.port, {
          connections: options.connections ?? 256,
          connectTimeoutMs: options.connectTimeout ?? 10_000,
          idleTimeoutMs: options.keepAliveTimeout ?? 4_000,
        })
      : transport.protocol === 'HTTP' && transport.version === 'HTTP2'
        ? new H2CClient(origin, {
            connectTimeout: options.connectTimeout ?? 10_000,
            keepAliveTimeout: options.keepAliveTimeout ?? 4_000,
            headersTimeout: 0,
            bodyTimeout: 0,
            maxConcurrentStreams: 128,
          })
        : new Pool(origin, options);
    this.streams =
      transport.version === 'GRPC'
        ? new H2StreamClient(origin, { connectTimeoutMs: options.connectTimeout ?? 10_000, idleTimeoutMs: options.keepAliveTimeout ?? 4_000 })
        : undefined;
  }

  /** An idle kept-alive connection exists (a reset on it may be the target closing it just then). */
  mayReuse(): boolean {
    // One h2c connection carries every request: once it is up, a reset may be its stale end.
    if (this.pool instanceof H1Pool) return this.pool.free > 0;
    return this.pool instanceof Pool ? this.pool.stats.free > 0 : this.used;
  }
}

export interface TargetPoolsOptions {
  /** Connections kept per target (default 256). */
  readonly connectionsPerTarget?: number;
  /** Close idle target connections after this long (ms); keep it below the targets' own keep-alive. */
  readonly idleSocketTimeoutMs?: number;
  readonly onDrained?: (key: string) => void;
  /** The client for plain-HTTP HTTP/1.1 targets (default: Berth's own, unless BERTH_LB_H1_CLIENT=undici). */
  readonly h1Client?: 'berth' | 'undici';
}

export class TargetPools {
  private readonly pools = new Map<string, TargetPool>();

  private readonly ownH1: boolean;

  constructor(private readonly options: TargetPoolsOptions = {}) {
    this.ownH1 = (options.h1Client ?? (process.env.BERTH_LB_H1_CLIENT === 'undici' ? 'undici' : 'berth')) === 'berth';
  }

  get(address: string, port: number, connectTimeoutMs: number, transport: TargetTransport = plainHttp1): TargetPool {
    const key = `${address}:${port}`;
    const plain = transport.protocol === 'HTTP' && transport.version === 'HTTP1';
    const mapKey = plain ? key : `${key}|${transport.protocol}|${transport.version}`;
    let pool = this.pools.get(mapKey);
    if (!pool) {
      const scheme = transport.protocol === 'HTTPS' ? 'https' : 'http';
      pool = new TargetPool(
        key,
        mapKey,
        `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`,
        transport,
        {
          // ALB does not verify target certificates; neither does Berth.
          ...(transport.protocol === 'HTTPS' ? { connect: { rejectUnauthorized: false }, allowH2: transport.version === 'HTTP2' } : {}),
          connections: this.options.connectionsPerTarget ?? 256,
          pipelining: 1,
          connectTimeout: connectTimeoutMs,
          keepAliveTimeout: this.options.idleSocketTimeoutMs ?? 4_000,
          // The proxy sets the ALB idle timeout per request; these are only the pool's defaults.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        plain && this.ownH1 ? { host: address, port } : undefined,
      );
      this.pools.set(mapKey, pool);
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
    const key = `${address}:${port}`;
    let n = 0;
    for (const p of this.pools.values()) if (p.key === key) n += p.inFlight;
    return n;
  }

  has(address: string, port: number): boolean {
    const key = `${address}:${port}`;
    return [...this.pools.values()].some((p) => p.key === key);
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
    if (this.pools.get(pool.mapKey) === pool) this.pools.delete(pool.mapKey);
    // close() lets queued requests finish; destroy() ends them (the delay ran out).
    const p = pool.pool;
    const reason = new Error('deregistration delay ended');
    const done = p instanceof H1Pool ? (force ? p.destroy(reason) : p.close()) : force ? p.destroy(reason) : p.close();
    done.catch(() => {});
    if (pool.streams) void (force ? pool.streams.destroy(new Error('deregistration delay ended')) : pool.streams.close());
    this.options.onDrained?.(pool.key);
  }

  closeAll(): void {
    for (const pool of [...this.pools.values()]) this.close(pool, true);
  }
}
