/**
 * Who may run the controllers. One leader at a time among the `berth server` replicas; the others
 * serve the API and wait. A leader's term carries the compares that fence its writes (FencedStore):
 * a deposed leader's in-flight write fails in the store's own transaction, whatever the timing.
 *
 *   SingleProcessLeader   SQLite, one process: always leading, nothing to compare.
 *   EtcdLeaderElection    a key on an etcd lease (etcd-leader-election.ts); the fence is that key's modRevision.
 */
import type { Compare } from './store.js';

export interface LeaderTerm {
  /** Added to every write made under this term: they hold only while this term does. */
  readonly compares: readonly Compare[];
  /** The server that holds it (its id), for status. */
  readonly holder: string;
  /** Epoch ms when this replica's term began. */
  readonly since: number;
}

export interface LeaderGate {
  /** This replica's current term, or undefined while it is not the leader. */
  term(): LeaderTerm | undefined;
  /** Called on every change of this replica's leadership (true: became leader). Returns an unsubscribe. */
  onChange(listener: (leading: boolean) => void): () => void;
  /** Steps down (if leading) and stops campaigning. */
  close(): Promise<void>;
}

export class SingleProcessLeader implements LeaderGate {
  private readonly current: LeaderTerm;

  constructor(holder: string, since: number) {
    this.current = { compares: [], holder, since };
  }

  term(): LeaderTerm {
    return this.current;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    // Leading from the start, and for good.
    queueMicrotask(() => listener(true));
    return () => {};
  }

  async close(): Promise<void> {}
}
