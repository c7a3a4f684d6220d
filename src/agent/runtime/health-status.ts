/**
 * Container health from consecutive health-check results, as Docker (and so ECS) derives it: a pass
 * makes it HEALTHY at once; `retries` consecutive failures make it UNHEALTHY; failures during the start
 * period do not count while it has never passed. Pure: results and times in, status out.
 */
import type { ContainerHealth } from './runtime.js';

export interface HealthStatus {
  health: ContainerHealth;
  failingStreak: number;
}

export const INITIAL_HEALTH: HealthStatus = { health: 'UNKNOWN', failingStreak: 0 };

export function nextHealth(
  prev: HealthStatus,
  result: { passed: boolean; at: number },
  rules: { retries: number; startPeriodS: number; startedAt: number },
): HealthStatus {
  if (result.passed) return { health: 'HEALTHY', failingStreak: 0 };
  const inStartPeriod = result.at - rules.startedAt < rules.startPeriodS * 1000;
  if (inStartPeriod && prev.health === 'UNKNOWN') return prev;
  const failingStreak = prev.failingStreak + 1;
  return { health: failingStreak >= Math.max(1, rules.retries) ? 'UNHEALTHY' : prev.health, failingStreak };
}
