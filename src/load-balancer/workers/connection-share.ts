/**
 * A listener's `berth.listener.max_connections` is the node's, and a node is N workers accepting on
 * one shared listening socket. The kernel, not Berth, picks the worker that takes each connection,
 * and it spreads them unevenly (a busy worker accepts less). A fixed 1/N each would make one worker
 * evict or refuse while the node still has room. So a worker may hold what the others leave: the
 * node's limit minus what the others last said they hold.
 *
 *   worker k ─berth:connections(port → held)─> primary ─berth:peer-connections(port → Σ others)─> every other worker
 *   worker k: limit(port) = connectionShare(nodeLimit, Σ others)
 *
 * The reports lag a little (each worker reports at most every `connectionReportMs`). So the node can
 * go over its limit by what the others accepted since they last reported, and never by more. A worker
 * never refuses while the node has room by the latest reports. Reports lag downward too: just after
 * another worker lets connections go, this one may think the node full for up to one report interval.
 */

/** How often at most a worker tells the primary what it holds (ms): the lag in what the others know. */
export const connectionReportMs = 20;

/** Open client connections per listener port. */
export type HeldConnections = ReadonlyMap<number, number>;

/** A worker's limit on one listener: the node's limit less what the other workers hold. */
export function connectionShare(nodeLimit: number, othersHeld: number): number {
  return Math.max(0, nodeLimit - othersHeld);
}

/** Per port, what every worker but `self` holds (the primary works this out for each worker). */
export function heldByOthers(byWorker: ReadonlyMap<number, HeldConnections>, self: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const [worker, held] of byWorker) {
    if (worker === self) continue;
    for (const [port, n] of held) out.set(port, (out.get(port) ?? 0) + n);
  }
  return out;
}

/** Whether two reports say the same (a worker sends only a report that differs from its last). */
export function sameHeld(a: HeldConnections, b: HeldConnections): boolean {
  if (a.size !== b.size) return false;
  for (const [port, n] of a) if (b.get(port) !== n) return false;
  return true;
}
