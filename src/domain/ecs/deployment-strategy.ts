/**
 * `deploymentConfiguration.strategy` (ROLLING, BLUE_GREEN, CANARY, LINEAR) and its settings, checked
 * as ECS checks them, and the traffic plan each strategy makes: the production shares green reaches,
 * one after another, with the bake between them. Pure; InvalidParameterException naming the field.
 */
import { AwsError } from '../aws-error.js';
import type { DeploymentConfiguration, LoadBalancer } from './records.js';

export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'CANARY' | 'LINEAR';
export type TrafficShiftStrategy = Exclude<DeploymentStrategy, 'ROLLING'>;

const STRATEGIES: readonly DeploymentStrategy[] = ['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'];

/** ECS's defaults (API reference, CanaryConfiguration and LinearConfiguration). */
export const CANARY_DEFAULTS = { canaryPercent: 5, canaryBakeTimeInMinutes: 10 } as const;
export const LINEAR_DEFAULTS = { stepPercent: 10, stepBakeTimeInMinutes: 6 } as const;
/** CANARY and LINEAR without bakeTimeInMinutes: the console's default (BLUE_GREEN must give it). */
export const DEFAULT_BAKE_TIME_MINUTES = 15;
export const MAX_BAKE_TIME_MINUTES = 1440;

/** The strategy settings as a request gives them (every member possibly absent or of the wrong type). */
export interface StrategyInput {
  strategy?: unknown;
  bakeTimeInMinutes?: unknown;
  canaryConfiguration?: { canaryPercent?: unknown; canaryBakeTimeInMinutes?: unknown } | undefined;
  linearConfiguration?: { stepPercent?: unknown; stepBakeTimeInMinutes?: unknown } | undefined;
}

/** What a traffic-shifting deployment does, fixed when it is created. */
export interface TrafficPlan {
  strategy: TrafficShiftStrategy;
  /** Green's production share after each shift, ascending, the last 100. */
  steps: number[];
  /** Wait after each step but the last (CANARY: the canary bake; LINEAR: the step bake; BLUE_GREEN: none). */
  stepBakeMinutes: number;
  /** Wait after production is 100% green, before blue is drained (bakeTimeInMinutes). */
  bakeMinutes: number;
  /**
   * With deployment alarms: how long green serves the test listener alone before production moves,
   * in real milliseconds (not scaled by the test aid: the alarms' own cadence is real time).
   */
  testWatchMs?: number;
}

/**
 * With deployment alarms, green answers only the test listener this long before any production
 * traffic moves (a Berth improvement, docs/differences.md): the nodes report their counts every 10 s,
 * the alarms are evaluated every 10 s and the scheduler reads them every 5 s, so a green that answers
 * test requests with errors trips its alarm and is rolled back before a production request reaches it.
 */
export const TEST_WATCH_WITH_ALARMS_MS = 30_000;

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export function strategyOf(config: { strategy?: unknown } | undefined): DeploymentStrategy {
  const s = config?.strategy;
  return typeof s === 'string' && (STRATEGIES as readonly string[]).includes(s) ? (s as DeploymentStrategy) : 'ROLLING';
}

export const shiftsTraffic = (s: DeploymentStrategy): s is TrafficShiftStrategy => s !== 'ROLLING';

function minutes(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_BAKE_TIME_MINUTES) {
    throw invalid(`${field} must be an integer from 0 to ${MAX_BAKE_TIME_MINUTES}.`);
  }
}

/** A percentage that is a multiple of 0.1 within [min, 100]. */
function percent(value: unknown, field: string, min: number): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= 100 && Math.abs(value * 10 - Math.round(value * 10)) < 1e-9;
  if (!ok) throw invalid(`${field} must be a multiple of 0.1 from ${min.toFixed(1)} to 100.0.`);
}

/**
 * The strategy fields alone (CreateService, UpdateService): the value, the ranges, and which
 * settings go with which strategy. `current` is the service's configuration an update merges into.
 */
export function validateStrategyFields(given: StrategyInput | undefined, current?: StrategyInput): void {
  if (!given) return;
  if (given.strategy !== undefined && !(typeof given.strategy === 'string' && (STRATEGIES as readonly string[]).includes(given.strategy))) {
    throw invalid(`deploymentConfiguration.strategy must be one of ${STRATEGIES.join(', ')}.`);
  }
  const merged = { ...current, ...given };
  const strategy = strategyOf({ strategy: merged.strategy });
  minutes(given.bakeTimeInMinutes, 'deploymentConfiguration.bakeTimeInMinutes');
  if (given.bakeTimeInMinutes !== undefined && strategy === 'ROLLING') {
    throw invalid('deploymentConfiguration.bakeTimeInMinutes is only valid with the BLUE_GREEN, CANARY or LINEAR deployment strategy.');
  }
  if (strategy === 'BLUE_GREEN' && merged.bakeTimeInMinutes === undefined) {
    throw invalid('deploymentConfiguration.bakeTimeInMinutes must be provided with the BLUE_GREEN deployment strategy.');
  }
  const canary = given.canaryConfiguration;
  if (canary !== undefined && canary !== null) {
    if (strategy !== 'CANARY') throw invalid('deploymentConfiguration.canaryConfiguration is only valid with the CANARY deployment strategy.');
    percent(canary.canaryPercent, 'deploymentConfiguration.canaryConfiguration.canaryPercent', 0.1);
    minutes(canary.canaryBakeTimeInMinutes, 'deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes');
  }
  const linear = given.linearConfiguration;
  if (linear !== undefined && linear !== null) {
    if (strategy !== 'LINEAR') throw invalid('deploymentConfiguration.linearConfiguration is only valid with the LINEAR deployment strategy.');
    percent(linear.stepPercent, 'deploymentConfiguration.linearConfiguration.stepPercent', 3);
    minutes(linear.stepBakeTimeInMinutes, 'deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes');
  }
}

/**
 * The strategy against the service around it: a traffic-shifting strategy needs a REPLICA service
 * whose every load balancer has an advancedConfiguration; an advancedConfiguration needs one.
 */
export function validateStrategyFit(strategy: DeploymentStrategy, loadBalancers: readonly LoadBalancer[], schedulingStrategy: string): void {
  const advanced = loadBalancers.filter((lb) => lb.advancedConfiguration !== undefined);
  if (!shiftsTraffic(strategy)) {
    if (advanced.length > 0) {
      throw invalid('loadBalancers[].advancedConfiguration is only valid with the BLUE_GREEN, CANARY or LINEAR deployment strategy.');
    }
    return;
  }
  if (schedulingStrategy === 'DAEMON') {
    throw invalid(`deploymentConfiguration.strategy ${strategy} is not supported for services with the DAEMON scheduling strategy.`);
  }
  if (loadBalancers.length === 0 || advanced.length !== loadBalancers.length) {
    throw invalid(
      `deploymentConfiguration.strategy ${strategy} needs loadBalancers with an advancedConfiguration (alternateTargetGroupArn, productionListenerRule) on each.`,
    );
  }
}

/** The traffic plan of a configuration with a traffic-shifting strategy (defaults filled in). */
export function trafficPlanOf(config: DeploymentConfiguration, strategy: TrafficShiftStrategy): TrafficPlan {
  const plan = basePlanOf(config, strategy);
  return config.alarms?.enable ? { ...plan, testWatchMs: TEST_WATCH_WITH_ALARMS_MS } : plan;
}

function basePlanOf(config: DeploymentConfiguration, strategy: TrafficShiftStrategy): TrafficPlan {
  const bake = typeof config.bakeTimeInMinutes === 'number' ? config.bakeTimeInMinutes : DEFAULT_BAKE_TIME_MINUTES;
  if (strategy === 'BLUE_GREEN') return { strategy, steps: [100], stepBakeMinutes: 0, bakeMinutes: bake };
  if (strategy === 'CANARY') {
    const c = config.canaryConfiguration ?? {};
    const p = typeof c.canaryPercent === 'number' ? c.canaryPercent : CANARY_DEFAULTS.canaryPercent;
    const wait = typeof c.canaryBakeTimeInMinutes === 'number' ? c.canaryBakeTimeInMinutes : CANARY_DEFAULTS.canaryBakeTimeInMinutes;
    return { strategy, steps: p >= 100 ? [100] : [p, 100], stepBakeMinutes: wait, bakeMinutes: bake };
  }
  const l = config.linearConfiguration ?? {};
  const step = typeof l.stepPercent === 'number' ? l.stepPercent : LINEAR_DEFAULTS.stepPercent;
  const wait = typeof l.stepBakeTimeInMinutes === 'number' ? l.stepBakeTimeInMinutes : LINEAR_DEFAULTS.stepBakeTimeInMinutes;
  return { strategy, steps: linearSteps(step), stepBakeMinutes: wait, bakeMinutes: bake };
}

/** 25 → [25, 50, 75, 100]; 30 → [30, 60, 90, 100]. Computed in tenths, so 0.1 steps add up exactly. */
export function linearSteps(stepPercent: number): number[] {
  const tenth = Math.round(stepPercent * 10);
  const out: number[] = [];
  for (let t = tenth; t < 1000; t += tenth) out.push(t / 10);
  out.push(100);
  return out;
}
