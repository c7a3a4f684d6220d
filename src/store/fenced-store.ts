/**
 * The store as the controllers see it: every write carries the leader term's compares, so a
 * replica that lost leadership (lease expired, another took over) cannot write, even with a pass
 * already in flight. Reads and watches pass through. A write refused by the fence throws
 * NotLeaderError, which a controller must not retry as a conflict: re-reading will not help.
 */
import {
  RevisionConflictError,
  type Compare,
  type ListOptions,
  type ListResult,
  type PutOptions,
  type Store,
  type StoredRecord,
  type TxnOp,
  type TxnRequest,
  type TxnResult,
  type Watch,
  type WatchOptions,
} from './store.js';
import type { LeaderGate } from './leader-gate.js';

export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor() {
    super('this server is no longer the leader: its controllers write nothing');
  }
}

export class FencedStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly gate: LeaderGate,
  ) {}

  /** The inner store's limit less the fence's own compares. */
  get maxTxnOps(): number | undefined {
    const inner = this.inner.maxTxnOps;
    return inner === undefined ? undefined : Math.max(2, inner - (this.gate.term()?.compares.length ?? 0));
  }

  get<T = unknown>(key: string): Promise<StoredRecord<T> | undefined> {
    return this.inner.get<T>(key);
  }

  list<T = unknown>(prefix: string, options?: ListOptions): Promise<ListResult<T>> {
    return this.inner.list<T>(prefix, options);
  }

  async put(key: string, value: unknown, options: PutOptions = {}): Promise<number> {
    return this.write(key, { type: 'put', key, value }, options.expectedRevision);
  }

  async delete(key: string, options: PutOptions = {}): Promise<number> {
    return this.write(key, { type: 'delete', key }, options.expectedRevision);
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    const fence = this.fence();
    const result = await this.inner.txn({ compares: [...fence, ...request.compares], success: request.success });
    if (!result.succeeded && (await this.fenceBroken(fence))) throw new NotLeaderError();
    return result;
  }

  watch(prefix: string, options: WatchOptions): Watch {
    return this.inner.watch(prefix, options);
  }

  revision(): Promise<number> {
    return this.inner.revision();
  }

  /** The inner store belongs to the server, not to the controllers: closing this view closes nothing. */
  async close(): Promise<void> {}

  private async write(key: string, op: TxnOp, expected: number | undefined): Promise<number> {
    const fence = this.fence();
    const compares = expected === undefined ? fence : [...fence, { key, modRevision: expected }];
    const result = await this.inner.txn({ compares, success: [op] });
    if (result.succeeded) return result.revision;
    if (await this.fenceBroken(fence)) throw new NotLeaderError();
    const actual = (await this.inner.get(key))?.modRevision ?? 0;
    throw new RevisionConflictError(key, expected ?? 0, actual);
  }

  private fence(): readonly Compare[] {
    const term = this.gate.term();
    if (!term) throw new NotLeaderError();
    return term.compares;
  }

  private async fenceBroken(fence: readonly Compare[]): Promise<boolean> {
    for (const c of fence) if (((await this.inner.get(c.key))?.modRevision ?? 0) !== c.modRevision) return true;
    return false;
  }
}
