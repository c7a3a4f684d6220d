/**
 * `round_robin`: take the targets in turn. With slow-start weights it becomes smooth weighted
 * round robin (nginx's), which spreads a light target's few picks evenly instead of in bursts.
 */
import { targetKey, type Target } from '../routing-table.js';
import { Balancer, type PickContext } from './balancer.js';

export class RoundRobinBalancer extends Balancer {
  private cursor = 0;
  private readonly current = new Map<string, number>();

  protected choose(candidates: readonly Target[], weights: readonly number[] | undefined, _ctx: PickContext): Target {
    if (weights === undefined) {
      this.cursor = (this.cursor + 1) % 0x3fffffff;
      return candidates[this.cursor % candidates.length]!;
    }
    let total = 0;
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      const key = targetKey(candidates[i]!);
      const value = (this.current.get(key) ?? 0) + weights[i]!;
      this.current.set(key, value);
      total += weights[i]!;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    const key = targetKey(candidates[best]!);
    this.current.set(key, bestValue - total);
    return candidates[best]!;
  }
}
