/**
 * The MetricStore of a `berth server` replica on a shared store (etcd): each replica keeps the
 * samples that reached it (load-balancer nodes report to whichever server they reach, PutMetricData
 * lands where the caller's request did) in its own local store, and a read asks every live peer
 * too, over the signed replica routes (replica-metric-routes.ts), and merges the answers
 * (metric-merge.ts). So GetMetricStatistics through any replica, and the alarms and the auto scaler
 * on the leader, see the whole cluster's data.
 *
 * Writes and pruning stay local: a sample is kept once, where it arrived. Each peer read is bounded
 * (`peerTimeoutMs`, 1 s), and a peer that does not answer (or answers an error) is left out of reads
 * for `skipMs` (5 s), so a dead replica (whose record stays until its lease runs out) costs one slow
 * read, not every read. A read then answers what the reachable replicas hold.
 */
import type { MetricId, MetricSample } from '../../domain/cloudwatch/metric-series.js';
import type { Resolution } from '../../domain/cloudwatch/retention.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { mergeSeriesLists, mergeUnitBuckets } from './metric-merge.js';
import type { MetricStore, SeriesInfo, UnitBuckets } from './metric-store.js';
import { signReplicaCall } from './replica-key.js';
import { REPLICA_READ_PATH, REPLICA_SERIES_PATH, type ReadAnswer, type ReadCall, type SeriesAnswer, type SeriesCall } from './replica-metric-routes.js';

/** Another live replica, as the server registry knows it. */
export interface ReplicaPeer {
  readonly id: string;
  readonly apiUrl: string;
}

export interface ReplicaMetricStoreDeps {
  /** This replica's own store: where writes go, and its share of every read. */
  readonly local: MetricStore;
  /** The other live replicas (not this one), asked at each read. */
  readonly peers: () => readonly ReplicaPeer[];
  /** The cluster's replica key (replica-key.ts). */
  readonly key: Buffer;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Default 1,000 ms. */
  readonly peerTimeoutMs?: number;
  /** Default 5,000 ms. */
  readonly skipMs?: number;
}

export const PEER_TIMEOUT_MS = 1_000;
export const PEER_SKIP_MS = 5_000;

/** Pure: the peers to ask at `now`, given until when each failed one is skipped. */
export function peersToAsk(peers: readonly ReplicaPeer[], skippedUntil: ReadonlyMap<string, number>, now: number): ReplicaPeer[] {
  return peers.filter((p) => (skippedUntil.get(p.id) ?? 0) <= now);
}

/** A peer's answer is trusted for its content (it signed nothing, but it is reached at the URL its own record names); a wrong shape counts as none. */
const listOr = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

export class ReplicaMetricStore implements MetricStore {
  private readonly skippedUntil = new Map<string, number>();
  private readonly peerTimeoutMs: number;
  private readonly skipMs: number;

  constructor(private readonly deps: ReplicaMetricStoreDeps) {
    this.peerTimeoutMs = deps.peerTimeoutMs ?? PEER_TIMEOUT_MS;
    this.skipMs = deps.skipMs ?? PEER_SKIP_MS;
  }

  record(samples: readonly MetricSample[]): Promise<void> {
    return this.deps.local.record(samples);
  }

  async listSeries(namespace?: string): Promise<SeriesInfo[]> {
    const call: SeriesCall = namespace === undefined ? {} : { namespace };
    const [mine, ...theirs] = await Promise.all([
      this.deps.local.listSeries(namespace),
      ...this.fanOut<SeriesAnswer>(REPLICA_SERIES_PATH, call).map(async (a) => listOr((await a)?.series)),
    ]);
    return theirs.length === 0 ? (mine ?? []) : mergeSeriesLists([mine ?? [], ...theirs]);
  }

  async read(metric: MetricId, resolution: Resolution, from: number, to: number): Promise<UnitBuckets[]> {
    const call: ReadCall = { metric, resolution, from, to };
    const [mine, ...theirs] = await Promise.all([
      this.deps.local.read(metric, resolution, from, to),
      ...this.fanOut<ReadAnswer>(REPLICA_READ_PATH, call).map(async (a) => listOr((await a)?.units)),
    ]);
    return theirs.length === 0 ? (mine ?? []) : mergeUnitBuckets([mine ?? [], ...theirs]);
  }

  prune(now: number): Promise<number> {
    return this.deps.local.prune(now);
  }

  close(): void {
    this.deps.local.close();
  }

  /** One bounded call per peer not skipped; undefined for a peer that did not answer in time (now skipped). */
  private fanOut<T>(path: string, call: unknown): Promise<T | undefined>[] {
    const now = this.deps.clock.now();
    for (const [id, until] of this.skippedUntil) if (until <= now) this.skippedUntil.delete(id);
    const body = Buffer.from(JSON.stringify(call));
    return peersToAsk(this.deps.peers(), this.skippedUntil, now).map(async (peer) => {
      try {
        const url = new URL(path, peer.apiUrl);
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signReplicaCall(this.deps.key, { method: 'POST', path: url.pathname, to: peer.id, body }, now) },
          body,
          signal: AbortSignal.timeout(this.peerTimeoutMs),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 200)}`);
        return JSON.parse(text) as T;
      } catch (err) {
        this.skippedUntil.set(peer.id, this.deps.clock.now() + this.skipMs);
        this.deps.logger?.warn({ err, peer: peer.id, url: peer.apiUrl }, `replica did not answer a metric read; left out of reads for ${this.skipMs / 1000} s`);
        return undefined;
      }
    });
  }
}
