/** Drops metric buckets past retention every few minutes, so metrics.db stays bounded however long Berth runs. */
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { MetricStore } from './metric-store.js';

export const METRIC_PRUNE_MS = 5 * 60_000;

export function startMetricPruner(deps: { metrics: MetricStore; clock: Clock; logger?: Logger; everyMs?: number }): { stop(): void } {
  const timer = setInterval(() => {
    deps.metrics.prune(deps.clock.now()).catch((err: unknown) => deps.logger?.warn({ err }, 'pruning metrics failed'));
  }, deps.everyMs ?? METRIC_PRUNE_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
