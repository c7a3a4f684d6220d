/**
 * A load-balancer node as a primary and N workers (worker-fleet.ts), fed through its port to the
 * control plane as the in-process node is (node/start-load-balancer-node.ts): the same feed, the
 * same reports, the same heartbeat. This process's loop holds the feed, the health checker and
 * the heartbeat; requests are served only by the workers.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';
import type { TargetGroupTraffic } from '../../domain/elbv2/traffic.js';
import { NODE_HEARTBEAT_MS } from '../../protocols/load-balancer/index.js';
import type { LbControlPlane } from '../node/lb-control-plane.js';
import { listenerPortCheck } from '../node/listener-port-check.js';
import type { MetricsSource } from '../node/prometheus-metrics.js';
import { RoutingFeed } from '../node/routing-feed.js';
import { WorkerFleet } from './worker-fleet.js';
import { MinuteMetrics } from '../node/minute-metrics.js';
import { startMetricsReporter } from '../node/metrics-reporter.js';
import type { RoutingTable } from '../routing-table.js';

export interface StartWorkerNodeOptions {
  readonly controlPlane: LbControlPlane;
  readonly workers: number;
  /** The worker entry (src/main/lb-worker.ts or its build) and the Node flags to run it with (default: this process's). */
  readonly workerExec: string;
  readonly workerExecArgv?: readonly string[];
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger;
  readonly logLevel?: string;
  readonly logFormat?: 'auto' | 'json' | 'pretty';
  readonly dataDir: string;
  readonly internalBindAddress?: string;
  readonly publicBindAddress?: string;
  readonly sourceAddress?: string;
  readonly stickinessSecret?: Buffer;
  readonly connectTimeoutMs?: number;
  readonly heartbeatMs?: number;
  readonly debounceMs?: number;
  readonly accessLogFlushMs?: number;
  readonly snapshotFile?: string;
  /** How often the node sends its AWS/ApplicationELB counts (default METRICS_REPORT_MS). */
  readonly metricsReportMs?: number;
  /** Every worker has said hello (start-up timing). */
  readonly onWorkersReady?: () => void;
  /** After each swap, with the table live in every worker. */
  readonly onTable?: (table: RoutingTable) => void;
}

export interface RunningWorkerNode {
  readonly fleet: WorkerFleet;
  readonly feed: RoutingFeed;
  /** Every worker's registry in one scrape. */
  readonly metrics: MetricsSource;
  readonly checkListenerPort: (port: number, scheme: 'internet-facing' | 'internal') => Promise<void | string>;
  /** The last second's traffic over every worker. */
  traffic(): Promise<ReadonlyMap<string, TargetGroupTraffic>>;
  stop(): Promise<void>;
}

export async function startWorkerNode(options: StartWorkerNodeOptions): Promise<RunningWorkerNode> {
  const { clock, logger, controlPlane } = options;
  let feedRef: RoutingFeed | undefined;
  const fleet = new WorkerFleet({
    workers: options.workers,
    exec: options.workerExec,
    ...(options.workerExecArgv ? { execArgv: options.workerExecArgv } : {}),
    settings: {
      stickinessSecret: options.stickinessSecret ?? randomBytes(32),
      ticketKeys: randomBytes(48),
      workers: options.workers,
      dataDir: options.dataDir,
      ...(options.accessLogFlushMs !== undefined ? { accessLogFlushMs: options.accessLogFlushMs } : {}),
      logLevel: options.logLevel ?? 'info',
      logFormat: options.logFormat ?? 'auto',
    },
    clock,
    random: options.random,
    ...(logger ? { logger } : {}),
    ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
    onTransition: (targetGroupArn, target, health) => {
      feedRef?.healthChanged();
      const report = {
        state: health.state,
        ...(health.reason ? { reason: health.reason } : {}),
        ...(health.description ? { description: health.description } : {}),
      };
      controlPlane
        .reportTargetHealth({ targetGroupArn, ...target }, report)
        .catch((err: unknown) => logger?.warn({ err, targetGroupArn, target }, 'could not record target health'));
    },
  });
  // The workers load (each a Node start and its modules) while the routing records are fetched:
  // the two longest phases of a node's start, and neither needs the other. Swaps made meanwhile
  // reach each worker with its hello (worker-fleet.ts).
  const forked = fleet.start().then(() => options.onWorkersReady?.());
  forked.catch(() => undefined);
  const bindAddressFor = (scheme: 'internet-facing' | 'internal'): string =>
    scheme === 'internal' ? (options.internalBindAddress ?? '127.0.0.1') : (options.publicBindAddress ?? '0.0.0.0');
  const feed = new RoutingFeed({
    controlPlane,
    node: fleet,
    clock,
    ...(logger ? { logger } : {}),
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    ...(options.snapshotFile ? { snapshotFile: options.snapshotFile } : {}),
    ...(options.onTable ? { onTable: options.onTable } : {}),
    source: {
      internalBindAddress: bindAddressFor('internal'),
      publicBindAddress: bindAddressFor('internet-facing'),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    },
  });
  feedRef = feed;
  const beat = (): Promise<void> => controlPlane.heartbeat().catch((err: unknown) => logger?.warn({ err }, 'load-balancer heartbeat failed'));
  void beat();
  const heartbeat = setInterval(() => void beat(), options.heartbeatMs ?? NODE_HEARTBEAT_MS);
  heartbeat.unref();
  // The workers count requests; the primary adds the node's host counts once, from its own table.
  const hosts = new MinuteMetrics(clock, () => fleet.table());
  const reporter = startMetricsReporter({
    controlPlane,
    counts: { drain: async (now) => [...hosts.drain(now), ...(await fleet.albMetrics(now))] },
    now: () => clock.now(),
    ...(options.metricsReportMs !== undefined ? { everyMs: options.metricsReportMs } : {}),
    ...(logger ? { logger } : {}),
  });
  try {
    await Promise.all([forked, feed.start()]);
    await feed.ready;
  } catch (err) {
    clearInterval(heartbeat);
    reporter.stop();
    feed.stop();
    await fleet.close();
    throw err;
  }
  return {
    fleet,
    feed,
    metrics: fleet,
    // The node's listeners are the table's (the workers hold the handles the primary shares out).
    checkListenerPort: listenerPortCheck({ bindAddressFor, servedByNode: (port) => fleet.table().listeners.has(port) }),
    traffic: () => fleet.traffic(),
    async stop() {
      clearInterval(heartbeat);
      reporter.stop();
      feed.stop();
      await fleet.close();
    },
  };
}
