/**
 * A listener rule's weighted forward for a traffic split: green's percent of the requests, blue's the
 * rest. ELBv2 weights are integers 0-999 and relative, so a share in tenths of a percent is written
 * as green = 10 × percent and blue = 1000 − green (both within 1-999 while both have traffic), and
 * an all-or-nothing split as 1 and 0. Target groups the rule forwards to besides these two keep
 * their weights; stickiness is left as the rule has it. Pure.
 */
import type { Action } from '../domain/elbv2/action.js';

export function splitWeights(greenPercent: number): { blue: number; green: number } {
  const green = Math.round(greenPercent * 10);
  if (green <= 0) return { blue: 1, green: 0 };
  if (green >= 1000) return { blue: 0, green: 1 };
  return { blue: 1000 - green, green };
}

/** Green's share of a rule's requests as its weights say (undefined when the rule does not forward to both). */
export function greenShareOf(actions: readonly Action[], blueTg: string, greenTg: string): number | undefined {
  const fwd = actions.find((a) => a.Type === 'forward');
  const groups = fwd?.ForwardConfig?.TargetGroups ?? [];
  const blue = groups.find((g) => g.TargetGroupArn === blueTg);
  const green = groups.find((g) => g.TargetGroupArn === greenTg);
  if (!green) return blue ? 0 : undefined;
  const total = (blue?.Weight ?? 0) + green.Weight;
  return total === 0 ? undefined : Math.round((green.Weight / total) * 1000) / 10;
}

/** The rule's actions with the split applied; the same array when nothing changes (or it has no forward to both groups). */
export function withSplit(actions: readonly Action[], blueTg: string, greenTg: string, greenPercent: number): readonly Action[] {
  const { blue, green } = splitWeights(greenPercent);
  let changed = false;
  const next = actions.map((a): Action => {
    const groups = a.ForwardConfig?.TargetGroups;
    if (a.Type !== 'forward' || !a.ForwardConfig || !groups) return a;
    if (!groups.some((g) => g.TargetGroupArn === greenTg) || !groups.some((g) => g.TargetGroupArn === blueTg)) return a;
    const tuples = groups.map((g) => {
      const weight = g.TargetGroupArn === greenTg ? green : g.TargetGroupArn === blueTg ? blue : g.Weight;
      if (weight !== g.Weight) changed = true;
      return { ...g, Weight: weight };
    });
    // Two or more groups: AWS shows the forward by its ForwardConfig alone.
    return { ...a, ForwardConfig: { ...a.ForwardConfig, TargetGroups: tuples } };
  });
  return changed ? next : actions;
}
