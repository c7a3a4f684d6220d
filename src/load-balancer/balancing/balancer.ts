/**
 * The shared base of every load-balancing algorithm (after undici's balanced pool): the base
 * decides which targets may be picked (the group's precomputed routable set minus any the caller
 * excludes, e.g. a target that just refused a retried request) and their slow-start weights; an
 * algorithm only decides which one of those to take. One instance lives per target group, so its
 * small state (round-robin cursor, outstanding counts) survives routing-table swaps.
 */
import type { Random } from '../../platform/random.js';
import { targetKey, type CompiledTargetGroup, type Target } from '../routing-table.js';
import { slowStartWeights } from './slow-start.js';

export interface PickContext {
  readonly now: number;
  readonly random: Random;
  /** Target keys to skip (already failed for this request). */
  readonly exclude?: ReadonlySet<string> | undefined;
}

export abstract class Balancer {
  pick(group: CompiledTargetGroup, ctx: PickContext): Target | undefined {
    let candidates = group.routable;
    const exclude = ctx.exclude;
    if (exclude !== undefined && exclude.size > 0) candidates = candidates.filter((t) => !exclude.has(targetKey(t)));
    if (candidates.length === 0) return undefined;
    if (candidates.length === 1) return candidates[0];
    const weights = group.slowStartSeconds > 0 ? slowStartWeights(candidates, group.slowStartSeconds * 1000, ctx.now) : undefined;
    return this.choose(candidates, weights, ctx);
  }

  /** A request started on this target (it is now outstanding). */
  acquired(_key: string): void {}
  /** That request finished, whatever its outcome. */
  released(_key: string): void {}

  /** `weights` is undefined when every candidate counts the same. */
  protected abstract choose(candidates: readonly Target[], weights: readonly number[] | undefined, ctx: PickContext): Target;
}

/** Index drawn in proportion to `weights`. */
export function weightedIndex(weights: readonly number[], r: number): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = r * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}
