/**
 * Commits a plan's waves (plan-commit.ts, planCommits): the transactions of a wave are sent together,
 * so a networked store (etcd) has them in flight at once and batches them into few Raft rounds; a
 * synchronous one (SQLite) commits them one by one, the event loop given back between them when
 * the slice is used. A wave goes once the one before has committed, its compares on keys written
 * before set to those writes' revisions. False when a compare failed: whatever committed before
 * stays, and the pass re-reads and decides again (each transaction was valid on its own).
 */
import type { Store, TxnRequest, TxnResult } from '../../store/store.js';
import type { TimeSlice } from '../../platform/time-slice.js';
import { rebase } from './plan-commit.js';

/** `written`: keys committed before (an earlier chunk of the same pass) and their revisions; the commits here are added to it. */
export async function commitWaves(
  store: Store,
  waves: readonly (readonly TxnRequest[])[],
  slice: TimeSlice,
  written: Map<string, number> = new Map(),
): Promise<boolean> {
  for (const wave of waves) {
    const sent: { txn: TxnRequest; result: Promise<TxnResult> }[] = [];
    for (const t of wave) {
      const txn = rebase(t, written);
      sent.push({ txn, result: store.txn(txn) });
      await slice.pause();
    }
    // Every one is awaited (none left unhandled), then the wave is judged.
    const results = await Promise.allSettled(sent.map((s) => s.result));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    let ok = true;
    results.forEach((r, i) => {
      if (r.status !== 'fulfilled' || !r.value.succeeded) {
        ok = false;
        return;
      }
      for (const op of sent[i]!.txn.success) written.set(op.key, op.type === 'put' ? r.value.revision : 0);
    });
    if (!ok) return false;
  }
  return true;
}
