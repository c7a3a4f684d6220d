/**
 * One target-tracking decision, as Application Auto Scaling documents it for ECS: capacity
 * proportional to the metric (`ceil(current * metric / target)`), within min and max capacity.
 *  - Scale out quickly: as soon as the latest minute is above the target (the running minute counts
 *    once it is already above: its Sum can only grow), unless scale-out is suspended; during the
 *    scale-out cooldown only a larger count than the last scale-out's may be set.
 *  - Scale in slowly: only when every one of the last `SCALE_IN_MINUTES` complete minutes is below
 *    90% of the target, never during a cooldown (scale-in's, or scale-out's), never when
 *    DisableScaleIn or scale-in is suspended, and never during a deployment.
 * Pure: the inputs (now included) in, a new desired count with its cause, or why not, out.
 */
export const SCALE_IN_MINUTES = 15;
const SCALE_IN_MARGIN = 0.9;

export interface TrackingInput {
  readonly now: number;
  readonly current: number;
  readonly min: number;
  readonly max: number;
  readonly targetValue: number;
  /** Per-minute values of the metric, newest last; the running minute, if any, is last with `running`. */
  readonly minutes: readonly { readonly t: number; readonly value: number; readonly running?: boolean }[];
  readonly scaleOutCooldownMs: number;
  readonly scaleInCooldownMs: number;
  readonly disableScaleIn: boolean;
  readonly scaleOutSuspended: boolean;
  readonly scaleInSuspended: boolean;
  readonly deploymentInProgress: boolean;
  readonly lastScaleOut?: { readonly at: number; readonly to: number };
  readonly lastScaleIn?: { readonly at: number };
}

export type TrackingDecision =
  | { readonly kind: 'scale'; readonly desired: number; readonly direction: 'out' | 'in'; readonly metric: number }
  | { readonly kind: 'hold'; readonly reason: string };

export function proportional(current: number, metric: number, target: number): number {
  // A service at zero has no per-target metric to scale from: any load asks for one task.
  if (current === 0) return metric > 0 ? 1 : 0;
  return Math.ceil((current * metric) / target - 1e-9);
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

export function decideTargetTracking(i: TrackingInput): TrackingDecision {
  if (i.current < i.min) return { kind: 'scale', desired: i.min, direction: 'out', metric: Number.NaN };
  if (i.current > i.max) return { kind: 'scale', desired: i.max, direction: 'in', metric: Number.NaN };
  const latest = i.minutes.at(-1);
  if (latest === undefined) return { kind: 'hold', reason: 'no datapoints' };
  const complete = i.minutes.filter((m) => !m.running);
  const newestComplete = complete.at(-1);
  // Scale out on the running minute once it is already above target, else on the last complete one.
  const outValue = latest.running && latest.value > i.targetValue ? latest.value : newestComplete?.value;
  if (outValue !== undefined && outValue > i.targetValue) {
    if (i.scaleOutSuspended) return { kind: 'hold', reason: 'dynamic scale-out is suspended' };
    const desired = clamp(proportional(i.current, outValue, i.targetValue), i.min, i.max);
    if (desired <= i.current) return { kind: 'hold', reason: desired === i.max ? 'at maximum capacity' : 'already at the desired count' };
    const inCooldown = i.lastScaleOut !== undefined && i.now - i.lastScaleOut.at < i.scaleOutCooldownMs;
    if (inCooldown && desired <= i.lastScaleOut!.to) return { kind: 'hold', reason: 'scale-out cooldown' };
    return { kind: 'scale', desired, direction: 'out', metric: outValue };
  }
  const window = complete.slice(-SCALE_IN_MINUTES);
  if (window.length < SCALE_IN_MINUTES || !window.every((m) => m.value < i.targetValue * SCALE_IN_MARGIN)) {
    return { kind: 'hold', reason: 'the metric is not below the target for long enough to scale in' };
  }
  if (i.disableScaleIn) return { kind: 'hold', reason: 'scale-in is disabled on the policy' };
  if (i.scaleInSuspended) return { kind: 'hold', reason: 'dynamic scale-in is suspended' };
  if (i.deploymentInProgress) return { kind: 'hold', reason: 'a deployment is in progress' };
  if (i.lastScaleIn !== undefined && i.now - i.lastScaleIn.at < i.scaleInCooldownMs) return { kind: 'hold', reason: 'scale-in cooldown' };
  if (i.lastScaleOut !== undefined && i.now - i.lastScaleOut.at < i.scaleOutCooldownMs) return { kind: 'hold', reason: 'scale-out cooldown' };
  // The highest minute of the window decides how far in, so a spike inside it keeps the capacity it needed.
  const metric = Math.max(...window.map((m) => m.value));
  const desired = clamp(proportional(i.current, metric, i.targetValue), i.min, i.max);
  if (desired >= i.current) return { kind: 'hold', reason: desired === i.min ? 'at minimum capacity' : 'already at the desired count' };
  return { kind: 'scale', desired, direction: 'in', metric };
}
