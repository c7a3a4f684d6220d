/**
 * Slow start (ALB): a target that just became healthy gets a share of requests that rises
 * linearly over the duration. It is not applied when no other healthy target is past its slow
 * start (the first batch in an empty group would otherwise get a trickle of traffic and nothing
 * else could take the rest).
 */
import type { Target } from '../routing-table.js';

/** The smallest share a target in slow start gets, so it is probed by real traffic at once. */
const floor = 0.01;

export function slowStartWeights(targets: readonly Target[], durationMs: number, now: number): number[] | undefined {
  let ramping = false;
  let settled = false;
  const weights = new Array<number>(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    const since = t.state === 'healthy' ? t.healthySince : undefined;
    const elapsed = since === undefined ? durationMs : now - since;
    if (elapsed < durationMs) {
      ramping = true;
      weights[i] = Math.max(floor, elapsed / durationMs);
    } else {
      if (t.state === 'healthy') settled = true;
      weights[i] = 1;
    }
  }
  return ramping && settled ? weights : undefined;
}
