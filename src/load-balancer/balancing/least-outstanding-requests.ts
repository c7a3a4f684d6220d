/**
 * `least_outstanding_requests`: the target with the fewest requests in flight from this node;
 * ties are broken at random so equal targets share the load. (ALB does not allow slow start with
 * this algorithm, so weights are ignored.) A WebSocket counts as one request for its lifetime.
 */
import { targetKey, type Target } from '../routing-table.js';
import { Balancer, type PickContext } from './balancer.js';

export class LeastOutstandingRequestsBalancer extends Balancer {
  private readonly outstanding = new Map<string, number>();

  override acquired(key: string): void {
    this.outstanding.set(key, (this.outstanding.get(key) ?? 0) + 1);
  }

  override released(key: string): void {
    const n = (this.outstanding.get(key) ?? 0) - 1;
    if (n <= 0) this.outstanding.delete(key);
    else this.outstanding.set(key, n);
  }

  inFlight(key: string): number {
    return this.outstanding.get(key) ?? 0;
  }

  protected choose(candidates: readonly Target[], _weights: readonly number[] | undefined, ctx: PickContext): Target {
    let min = Infinity;
    let ties = 0;
    let chosen = candidates[0]!;
    for (const t of candidates) {
      const n = this.outstanding.get(targetKey(t)) ?? 0;
      if (n < min) {
        min = n;
        ties = 1;
        chosen = t;
      } else if (n === min) {
        // Reservoir sampling: each tied target ends up chosen with probability 1/ties.
        ties++;
        if (ctx.random.next() * ties < 1) chosen = t;
      }
    }
    return chosen;
  }
}
