/** ECS's deployment arithmetic (README.md, "Rules, as decided": Limits and Circuit breaker), with D the PRIMARY deployment's desiredCount. */

/** RUNNING + PENDING tasks, old and new, may never exceed this. */
export function upperLimit(desired: number, maximumPercent: number): number {
  return Math.floor((desired * maximumPercent) / 100);
}

/** Healthy tasks, old and new, may never be stopped below this. */
export function lowerLimit(desired: number, minimumHealthyPercent: number): number {
  return Math.ceil((desired * minimumHealthyPercent) / 100);
}

/** Failed tasks that trip the deployment circuit breaker. */
export function circuitBreakerThreshold(desired: number, minimum = 3): number {
  return Math.min(200, Math.max(minimum, Math.ceil(0.5 * desired)));
}
