/** `weighted_random`: each pick independent, in proportion to the (slow-start) weights. */
import type { Target } from '../routing-table.js';
import { Balancer, weightedIndex, type PickContext } from './balancer.js';

export class WeightedRandomBalancer extends Balancer {
  protected choose(candidates: readonly Target[], weights: readonly number[] | undefined, ctx: PickContext): Target {
    const r = ctx.random.next();
    if (weights === undefined) return candidates[Math.floor(r * candidates.length)]!;
    return candidates[weightedIndex(weights, r)]!;
  }
}
