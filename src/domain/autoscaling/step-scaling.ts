/**
 * Step scaling, as Application Auto Scaling documents it: PutScalingPolicy's checks on a
 * StepScalingPolicyConfiguration, and the pure decision an alarm's invocation makes.
 *  - Step bounds are relative to the alarm threshold (metric − threshold); a missing lower bound is
 *    −∞, a missing upper bound +∞. Above the threshold a step's lower bound is inclusive and its upper
 *    bound exclusive; below it, the other way round.
 *  - ChangeInCapacity adds the step's adjustment, ExactCapacity sets it, PercentChangeInCapacity adds
 *    that percent of the current capacity (rounded toward zero, but at least ±1, and at least
 *    MinAdjustmentMagnitude); the result stays within min and max capacity.
 *  - Cooldown: after a scale-out, only a larger scale-out acts until the cooldown ends, and the
 *    capacity the first one added counts toward it (the next is computed from the count before it);
 *    after a scale-in, scale-in waits for the cooldown but a scale-out acts at once.
 * Pure: the configuration, the breach and the target's counts (with `now`) in; a count, or why not, out.
 */
import { validation } from './scalable-target.js';

export type AdjustmentType = 'ChangeInCapacity' | 'PercentChangeInCapacity' | 'ExactCapacity';
export type MetricAggregationType = 'Average' | 'Minimum' | 'Maximum';

const ADJUSTMENT_TYPES: readonly AdjustmentType[] = ['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity'];
const AGGREGATIONS: readonly MetricAggregationType[] = ['Average', 'Minimum', 'Maximum'];
/** AWS's quota of step adjustments per policy. */
export const MAX_STEP_ADJUSTMENTS = 20;

export interface StepAdjustment {
  readonly lowerBound?: number;
  readonly upperBound?: number;
  readonly adjustment: number;
}

export interface StepScalingConfig {
  readonly adjustmentType: AdjustmentType;
  readonly steps: readonly StepAdjustment[];
  readonly minAdjustmentMagnitude?: number;
  /** Seconds; Application Auto Scaling's default for ECS is 300. */
  readonly cooldown: number;
  readonly metricAggregationType: MetricAggregationType;
}

export interface StepScalingInput {
  readonly AdjustmentType?: string;
  readonly StepAdjustments?: readonly {
    readonly MetricIntervalLowerBound?: number;
    readonly MetricIntervalUpperBound?: number;
    readonly ScalingAdjustment: number;
  }[];
  readonly MinAdjustmentMagnitude?: number;
  readonly Cooldown?: number;
  readonly MetricAggregationType?: string;
}

export const DEFAULT_STEP_COOLDOWN_SECONDS = 300;

const lowerOf = (s: StepAdjustment) => s.lowerBound ?? Number.NEGATIVE_INFINITY;
const upperOf = (s: StepAdjustment) => s.upperBound ?? Number.POSITIVE_INFINITY;

/** PutScalingPolicy's checks, in the rules (and much the words) AWS documents for step adjustments. */
export function stepScalingConfig(c: StepScalingInput): StepScalingConfig {
  if (c.AdjustmentType === undefined) throw validation('StepScalingPolicyConfiguration.AdjustmentType is required for a StepScaling policy.');
  const adjustmentType = ADJUSTMENT_TYPES.find((t) => t === c.AdjustmentType);
  if (adjustmentType === undefined) {
    throw validation(`StepScalingPolicyConfiguration.AdjustmentType ${c.AdjustmentType} is not one of ${ADJUSTMENT_TYPES.join(', ')}.`);
  }
  const aggregation = c.MetricAggregationType ?? 'Average';
  const metricAggregationType = AGGREGATIONS.find((a) => a === aggregation);
  if (metricAggregationType === undefined) {
    throw validation(`StepScalingPolicyConfiguration.MetricAggregationType ${aggregation} is not one of ${AGGREGATIONS.join(', ')}.`);
  }
  if (c.MinAdjustmentMagnitude !== undefined) {
    if (adjustmentType !== 'PercentChangeInCapacity') {
      throw validation('StepScalingPolicyConfiguration.MinAdjustmentMagnitude may only be specified when AdjustmentType is PercentChangeInCapacity.');
    }
    if (!Number.isInteger(c.MinAdjustmentMagnitude) || c.MinAdjustmentMagnitude < 1) {
      throw validation(`StepScalingPolicyConfiguration.MinAdjustmentMagnitude must be a positive integer (${c.MinAdjustmentMagnitude}).`);
    }
  }
  const cooldown = c.Cooldown ?? DEFAULT_STEP_COOLDOWN_SECONDS;
  if (!Number.isInteger(cooldown) || cooldown < 0) throw validation(`StepScalingPolicyConfiguration.Cooldown must be zero or more seconds (${cooldown}).`);
  const given = c.StepAdjustments ?? [];
  if (given.length === 0) throw validation('StepScalingPolicyConfiguration.StepAdjustments: at least one step adjustment is required.');
  if (given.length > MAX_STEP_ADJUSTMENTS) {
    throw validation(`StepScalingPolicyConfiguration.StepAdjustments: there can be at most ${MAX_STEP_ADJUSTMENTS} step adjustments per scaling policy.`);
  }
  const steps: StepAdjustment[] = given.map((s) => ({
    ...(s.MetricIntervalLowerBound !== undefined ? { lowerBound: s.MetricIntervalLowerBound } : {}),
    ...(s.MetricIntervalUpperBound !== undefined ? { upperBound: s.MetricIntervalUpperBound } : {}),
    adjustment: s.ScalingAdjustment,
  }));
  for (const s of steps) {
    if (!Number.isInteger(s.adjustment)) throw validation(`StepAdjustments: ScalingAdjustment must be a whole number (${s.adjustment}).`);
    if (adjustmentType === 'ExactCapacity' && s.adjustment < 0) {
      throw validation(`StepAdjustments: ScalingAdjustment must be zero or more for ExactCapacity (${s.adjustment}).`);
    }
    if (s.lowerBound === undefined && s.upperBound === undefined) {
      throw validation('StepAdjustments: MetricIntervalLowerBound and MetricIntervalUpperBound cannot both be null in the same step adjustment.');
    }
    if (upperOf(s) <= lowerOf(s)) {
      throw validation(
        `StepAdjustments: MetricIntervalUpperBound (${s.upperBound}) must be greater than MetricIntervalLowerBound (${s.lowerBound}) in a step adjustment.`,
      );
    }
  }
  if (steps.filter((s) => s.lowerBound === undefined).length > 1) throw validation('StepAdjustments: at most one step adjustment can have a null lower bound.');
  if (steps.filter((s) => s.upperBound === undefined).length > 1) throw validation('StepAdjustments: at most one step adjustment can have a null upper bound.');
  if (steps.some((s) => s.upperBound !== undefined && s.upperBound > 0) && !steps.some((s) => s.upperBound === undefined)) {
    throw validation(
      'StepAdjustments: there must be a step adjustment with an unspecified upper bound (i.e., upper bound is null) when one step adjustment has a positive upper bound.',
    );
  }
  if (steps.some((s) => s.lowerBound !== undefined && s.lowerBound < 0) && !steps.some((s) => s.lowerBound === undefined)) {
    throw validation(
      'StepAdjustments: there must be a step adjustment with an unspecified lower bound (i.e., lower bound is null) when one step adjustment has a negative lower bound.',
    );
  }
  const sorted = [...steps].sort((a, b) => lowerOf(a) - lowerOf(b));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const next = sorted[i];
    if (prev === undefined || next === undefined) continue;
    if (lowerOf(next) < upperOf(prev)) {
      throw validation(
        `StepAdjustments: the step adjustments' intervals must not overlap ([${prev.lowerBound ?? 'null'}, ${prev.upperBound ?? 'null'}] and [${next.lowerBound ?? 'null'}, ${next.upperBound ?? 'null'}]).`,
      );
    }
    if (lowerOf(next) > upperOf(prev)) {
      throw validation(`StepAdjustments: there must be no gap between step adjustments (from ${prev.upperBound ?? 'null'} to ${next.lowerBound ?? 'null'}).`);
    }
  }
  return {
    adjustmentType,
    steps,
    ...(c.MinAdjustmentMagnitude !== undefined ? { minAdjustmentMagnitude: c.MinAdjustmentMagnitude } : {}),
    cooldown,
    metricAggregationType,
  };
}

/** The step whose interval holds the breach (metric − threshold), with AWS's inclusive/exclusive ends. */
export function stepFor(steps: readonly StepAdjustment[], breach: number): StepAdjustment | undefined {
  return steps.find((s) => (breach >= 0 ? breach >= lowerOf(s) && breach < upperOf(s) : breach > lowerOf(s) && breach <= upperOf(s)));
}

/** One value from the alarm's datapoints, as the policy's MetricAggregationType says. */
export function aggregate(values: readonly number[], how: MetricAggregationType): number | undefined {
  if (values.length === 0) return undefined;
  if (how === 'Minimum') return Math.min(...values);
  if (how === 'Maximum') return Math.max(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The count a step asks for from `base`, before min and max. */
export function adjusted(config: StepScalingConfig, base: number, adjustment: number): number {
  if (config.adjustmentType === 'ExactCapacity') return adjustment;
  if (config.adjustmentType === 'ChangeInCapacity') return base + adjustment;
  const raw = (base * adjustment) / 100;
  // AWS: values above 1 round down, between 0 and 1 round to 1, and the same mirrored below zero.
  let change = raw >= 1 ? Math.floor(raw) : raw > 0 ? 1 : raw <= -1 ? Math.ceil(raw) : raw < 0 ? -1 : 0;
  const floor = config.minAdjustmentMagnitude;
  if (floor !== undefined && change !== 0 && Math.abs(change) < floor) change = Math.sign(change) * floor;
  return base + change;
}

export interface StepDecisionInput {
  readonly now: number;
  readonly config: StepScalingConfig;
  /** The aggregated metric minus the alarm threshold. */
  readonly breach: number;
  readonly current: number;
  readonly min: number;
  readonly max: number;
  readonly scaleOutSuspended: boolean;
  readonly scaleInSuspended: boolean;
  readonly deploymentInProgress: boolean;
  readonly lastScaleOut?: { readonly at: number; readonly to: number; readonly from?: number };
  readonly lastScaleIn?: { readonly at: number };
}

export type StepDecision =
  | { readonly kind: 'scale'; readonly desired: number; readonly direction: 'out' | 'in'; readonly adjustment: number }
  | { readonly kind: 'hold'; readonly reason: string };

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

export function decideStep(i: StepDecisionInput): StepDecision {
  const step = stepFor(i.config.steps, i.breach);
  if (step === undefined) return { kind: 'hold', reason: `no step adjustment covers a breach of ${i.breach}` };
  const cooldownMs = i.config.cooldown * 1000;
  const desired = clamp(adjusted(i.config, i.current, step.adjustment), i.min, i.max);
  if (desired > i.current) {
    if (i.scaleOutSuspended) return { kind: 'hold', reason: 'dynamic scale-out is suspended' };
    const last = i.lastScaleOut;
    if (last === undefined || i.now - last.at >= cooldownMs) return { kind: 'scale', desired, direction: 'out', adjustment: step.adjustment };
    // During a scale-out cooldown the capacity that scale-out added counts toward the next one.
    const fromBase = last.from === undefined ? desired : clamp(adjusted(i.config, last.from, step.adjustment), i.min, i.max);
    if (fromBase <= Math.max(last.to, i.current)) return { kind: 'hold', reason: 'scale-out cooldown' };
    return { kind: 'scale', desired: fromBase, direction: 'out', adjustment: step.adjustment };
  }
  if (desired >= i.current) return { kind: 'hold', reason: desired === i.min || desired === i.max ? 'at the capacity limit' : 'already at the desired count' };
  if (i.scaleInSuspended) return { kind: 'hold', reason: 'dynamic scale-in is suspended' };
  if (i.deploymentInProgress) return { kind: 'hold', reason: 'a deployment is in progress' };
  if (i.lastScaleIn !== undefined && i.now - i.lastScaleIn.at < cooldownMs) return { kind: 'hold', reason: 'scale-in cooldown' };
  return { kind: 'scale', desired, direction: 'in', adjustment: step.adjustment };
}
