/**
 * Sends the node's AWS/ApplicationELB samples (minute-metrics.ts) to the control plane every few
 * seconds. While no server answers, samples wait, up to a cap (the oldest go first), and leave with
 * the next report that gets through: the metric store merges late deltas into their minutes.
 */
import type { Logger } from '../../platform/logger.js';
import type { LbControlPlane } from './lb-control-plane.js';
import type { MetricSampleReport } from '../../protocols/load-balancer/index.js';

export const METRICS_REPORT_MS = 10_000;
/** About an hour of samples for a few dozen target groups. */
const MAX_BACKLOG = 20_000;

export interface MetricsReporter {
  stop(): void;
}

export function startMetricsReporter(options: {
  readonly controlPlane: LbControlPlane;
  /** What was counted since the last call (a node with workers asks each of them). */
  readonly counts: { drain(now: number): readonly MetricSampleReport[] | Promise<readonly MetricSampleReport[]> };
  readonly now: () => number;
  readonly everyMs?: number;
  readonly logger?: Logger;
}): MetricsReporter {
  let backlog: MetricSampleReport[] = [];
  let sending = false;
  let warned = false;
  const tick = async (): Promise<void> => {
    try {
      backlog.push(...(await options.counts.drain(options.now())));
    } catch (err) {
      // A worker that did not answer: its counts stay with it until the next ask.
      options.logger?.debug?.({ err }, 'a worker did not hand over its metrics');
    }
    if (backlog.length > MAX_BACKLOG) backlog = backlog.slice(backlog.length - MAX_BACKLOG);
    if (sending || backlog.length === 0) return;
    sending = true;
    const batch = backlog;
    backlog = [];
    try {
      await options.controlPlane.reportMetrics(batch);
      warned = false;
    } catch (err) {
      backlog = [...batch, ...backlog].slice(-MAX_BACKLOG);
      if (!warned) options.logger?.warn({ err }, 'could not report load-balancer metrics; keeping them for the next report');
      warned = true;
    } finally {
      sending = false;
    }
  };
  const timer = setInterval(() => void tick(), options.everyMs ?? METRICS_REPORT_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
