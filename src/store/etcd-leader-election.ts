/**
 * Leader election on etcd: one key, `/berth/control-plane/leader`, put on this replica's lease only
 * if it does not exist (a Txn comparing CREATE == 0). Whoever's put lands leads; its term's fence is
 * that key's modRevision. The others watch the key and campaign again when it is deleted, which etcd
 * does when the leader's lease runs out (the leader died: within one TTL) or is revoked (it stopped).
 *
 * A leader that cannot renew its lease steps down itself once two thirds of the TTL passed without a
 * renewal, before anyone else can win; its writes are fenced anyway, so this is only for quiet logs.
 */
import type { Lease } from 'etcd3';
import type { Logger } from '../platform/logger.js';
import type { Clock } from '../platform/clock.js';
import type { EtcdStore } from './etcd-store.js';
import type { LeaderGate, LeaderTerm } from './leader-gate.js';
import type { Watch } from './store.js';
import { fromEtcdRevision } from './etcd-connection.js';

export const LEADER_KEY = '/berth/control-plane/leader';

export interface LeaderRecord {
  /** The server's id (see ServerRecord). */
  readonly holder: string;
  readonly apiUrl?: string;
  /** Epoch ms when it won. */
  readonly since: number;
}

export interface EtcdLeaderElectionOptions {
  readonly store: EtcdStore;
  readonly holder: string;
  readonly apiUrl?: string;
  /** Lease TTL in seconds (etcd's granularity); default 5. */
  readonly ttlSeconds?: number;
  readonly clock: Clock;
  readonly logger?: Logger;
}

export class EtcdLeaderElection implements LeaderGate {
  private current: LeaderTerm | undefined;
  private readonly listeners = new Set<(leading: boolean) => void>();
  private lease: Lease | undefined;
  private watch: Watch | undefined;
  private closed = false;
  private lastRenewal = 0;
  private guard: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly ttl: number;

  constructor(private readonly o: EtcdLeaderElectionOptions) {
    this.ttl = o.ttlSeconds ?? 5;
    void this.campaign();
  }

  term(): LeaderTerm | undefined {
    return this.current;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener);
    if (this.current) queueMicrotask(() => this.current && listener(true));
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.watch?.close();
    this.setTerm(undefined);
    // Revoking deletes the key at once: the next leader need not wait out the TTL.
    await this.dropLease(true);
  }

  private async campaign(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.lease) await this.newLease();
      const client = this.o.store.client;
      const key = Buffer.from(LEADER_KEY, 'utf8');
      const record: LeaderRecord = { holder: this.o.holder, ...(this.o.apiUrl ? { apiUrl: this.o.apiUrl } : {}), since: this.o.clock.now() };
      const leaseId = await this.lease!.grant();
      const res = await client.kv.txn({
        compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key, value: Buffer.from(JSON.stringify(record), 'utf8'), lease: leaseId } }],
        failure: [{ request_range: { key } }],
      });
      if (this.closed) return;
      if (res.succeeded) {
        this.setTerm({ compares: [{ key: LEADER_KEY, modRevision: fromEtcdRevision(res.header.revision) }], holder: this.o.holder, since: record.since });
        this.o.logger?.info({ holder: this.o.holder }, 'elected leader: controllers start here');
      }
      // Leader or not, watch the key: its deletion means a new election (or, for us, a lost term).
      this.watchKey(fromEtcdRevision(res.header.revision));
    } catch (err) {
      this.o.logger?.warn({ err }, 'leader campaign failed; retrying');
      await this.dropLease(false);
      this.later(500);
    }
  }

  private watchKey(fromRevision: number): void {
    this.watch?.close();
    this.watch = this.o.store.watch(LEADER_KEY, {
      fromRevision,
      onEvents: (events) => {
        if (events.some((e) => e.type === 'delete' && e.key === LEADER_KEY)) {
          if (this.current) this.o.logger?.warn({ holder: this.o.holder }, 'leader key gone: stepping down');
          this.setTerm(undefined);
          this.later(0);
        }
      },
      onError: () => this.later(200),
    });
  }

  private async newLease(): Promise<void> {
    const lease = this.o.store.client.lease(this.ttl, { autoKeepAlive: true });
    this.lease = lease;
    this.lastRenewal = Date.now();
    lease.on('keepaliveSucceeded', () => (this.lastRenewal = Date.now()));
    lease.on('lost', () => {
      if (this.lease !== lease) return;
      this.o.logger?.warn({ holder: this.o.holder }, 'leader lease lost: stepping down');
      this.setTerm(undefined);
      void this.dropLease(false).then(() => this.later(200));
    });
    if (this.guard) clearInterval(this.guard);
    this.guard = setInterval(() => {
      if (this.current && Date.now() - this.lastRenewal > (this.ttl * 1000 * 2) / 3) {
        this.o.logger?.warn({ holder: this.o.holder }, 'leader lease not renewed for 2/3 of its TTL: stepping down');
        this.setTerm(undefined);
        void this.dropLease(false).then(() => this.later(200));
      }
    }, 100);
    this.guard.unref();
  }

  private async dropLease(revoke: boolean): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (this.guard) clearInterval(this.guard);
    if (!lease) return;
    try {
      if (revoke) await lease.revoke();
      else lease.release();
    } catch {
      lease.release();
    }
  }

  private later(ms: number): void {
    if (this.closed) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.campaign(), ms);
    this.retry.unref();
  }

  private setTerm(term: LeaderTerm | undefined): void {
    const was = this.current !== undefined;
    this.current = term;
    if (was !== (term !== undefined)) for (const l of this.listeners) l(term !== undefined);
  }
}
