/**
 * The deployment circuit breaker (§3.4), derived from the deployment's tasks. Stage 1 counts tasks that
 * failed to reach RUNNING; once one of them ran, stage 2 adds the tasks the scheduler stopped for failing
 * ELB or container health checks. `failedTasks` never goes down (retained STOPPED tasks expire).
 */
import type { Deployment, TaskRecord } from '../domain/ecs/records.js';
import { circuitBreakerThreshold } from './deployment-limits.js';
import { failedToStart } from './start-backoff.js';

export const FAILED_TO_START = 'ECS deployment circuit breaker: tasks failed to start.';
export const FAILED_HEALTH_CHECKS = 'ECS deployment circuit breaker: tasks failed health checks.';

const failedHealthChecks = (t: TaskRecord) =>
  t.stopCode === 'ServiceSchedulerInitiated' && (t.stoppedReason?.startsWith('Task failed ') ?? false);

export interface BreakerVerdict {
  failedTasks: number;
  threshold: number;
  /** rolloutStateReason when the breaker trips. */
  trippedReason?: string;
}

export function evaluateBreaker(deployment: Deployment, tasks: readonly TaskRecord[], minimum: number): BreakerVerdict {
  const own = tasks.filter((t) => t.startedBy === deployment.id);
  const startFailures = own.filter(failedToStart).length;
  const anyRan = own.some((t) => t.startedAt !== undefined);
  const healthFailures = anyRan ? own.filter(failedHealthChecks).length : 0;
  const failedTasks = Math.max(deployment.failedTasks, startFailures + healthFailures);
  const threshold = circuitBreakerThreshold(deployment.desiredCount, minimum);
  if (failedTasks < threshold) return { failedTasks, threshold };
  return { failedTasks, threshold, trippedReason: healthFailures > startFailures ? FAILED_HEALTH_CHECKS : FAILED_TO_START };
}
