/**
 * A LoadBalancerNode fed through its port to the control plane (whichever adapter the composition
 * root in src/main/ passes: in process, or HTTP for `berth lb`), its health transitions and drains
 * reported back, a heartbeat, Prometheus metrics, access logs and the listener port check the
 * ELBv2 handlers take as `checkListenerPort`. It never sees the store.
 *
 *   LbControlPlane ─records─> RoutingFeed ─table─> LoadBalancerNode
 *     ^      ^                    ^ own verdicts     │ onTransition, drained
 *     │      └─ heartbeat         └──────────────────┤
 *     └──────────── reportTargetHealth / reportDrained ┘
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';
import { watchDescriptorBudget } from './descriptor-budget.js';
import { budgetChangeLog, shedLog } from './descriptor-logs.js';
import { buildRoutingTable } from '../routing-table.js';
import { LoadBalancerNode } from '../load-balancer-node.js';
import { AccessLog } from './access-log.js';
import type { LbControlPlane } from './lb-control-plane.js';
import { listenerPortCheck } from './listener-port-check.js';
import { metricsPlugin, PrometheusMetrics } from './prometheus-metrics.js';
import { RoutingFeed, type FedNode } from './routing-feed.js';
import { NODE_HEARTBEAT_MS } from '../../protocols/load-balancer/index.js';
import { fanOutMetrics, TrafficMeter } from './traffic-meter.js';
import { MinuteMetrics } from './minute-metrics.js';
import { startMetricsReporter } from './metrics-reporter.js';
import type { TargetGroupTraffic } from '../../domain/elbv2/traffic.js';

export interface StartLoadBalancerNodeOptions {
  /** The node's port to the control plane (src/main/ picks the adapter). */
  readonly controlPlane: LbControlPlane;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger;
  /** Access logs go to `<dataDir>/access-logs/`. */
  readonly dataDir: string;
  /** Where internal load balancers listen (default 127.0.0.1). */
  readonly internalBindAddress?: string;
  /** Where internet-facing ones listen (default 0.0.0.0). */
  readonly publicBindAddress?: string;
  /** Signs stickiness cookies; nodes serving one load balancer must share it (default: random per process). */
  readonly stickinessSecret?: Buffer;
  /** Connect timeout to targets (default ALB's 10 s). */
  readonly connectTimeoutMs?: number;
  /** Health checks leave from this address (berth lb: its advertised one). */
  readonly sourceAddress?: string;
  /** How often the node says it is alive (default NODE_HEARTBEAT_MS). */
  readonly heartbeatMs?: number;
  readonly debounceMs?: number;
  readonly accessLogFlushMs?: number;
  /** How often the node sends its AWS/ApplicationELB counts (default METRICS_REPORT_MS). */
  readonly metricsReportMs?: number;
  /** Keep the last routing records here and start from them (static stability; `berth lb`). */
  readonly snapshotFile?: string;
}

export interface RunningLoadBalancerNode {
  /** `GET /metrics`: pass to createApiServer's `plugins`. */
  readonly metricsPlugin: FastifyPluginAsync;
  readonly registry: Registry;
  /** Pass to the ELBv2 handler deps. */
  readonly checkListenerPort: (port: number, scheme: 'internet-facing' | 'internal') => Promise<void | string>;
  readonly node: LoadBalancerNode;
  readonly feed: RoutingFeed;
  readonly accessLog: AccessLog;
  /** Live traffic per target group (the last second), keyed by ARN: what the console charts. */
  readonly traffic: { snapshot(): ReadonlyMap<string, TargetGroupTraffic> };
  stop(): Promise<void>;
}

export async function startLoadBalancerNode(options: StartLoadBalancerNodeOptions): Promise<RunningLoadBalancerNode> {
  const { clock, logger } = options;
  const { controlPlane } = options;
  let feedRef: RoutingFeed | undefined;
  const metrics = new PrometheusMetrics();
  const meter = new TrafficMeter(clock);
  let nodeRef: LoadBalancerNode | undefined;
  const minutes = new MinuteMetrics(clock, () => nodeRef?.table());
  const accessLog = new AccessLog(path.join(options.dataDir, 'access-logs'), options.accessLogFlushMs);
  const descriptors = watchDescriptorBudget(undefined, undefined, budgetChangeLog(logger));
  const onShed = shedLog(clock, logger, () => descriptors.current());
  const node: LoadBalancerNode = new LoadBalancerNode({
    initial: buildRoutingTable({ loadBalancers: [], listeners: [], targetGroups: [] }),
    clock,
    random: options.random,
    stickinessSecret: options.stickinessSecret ?? randomBytes(32),
    ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
    metrics: fanOutMetrics(metrics, meter, minutes),
    listenerOptions: {
      onConnection: (port, socket) => metrics.connectionOpened(port, socket),
      onShed,
      onTlsHandshakeError: (port, reason) => metrics.tlsHandshakeFailed(port, reason),
      maxClientConnections: descriptors.current,
    },
    onTransition: (targetGroupArn, target, health) => {
      const report = {
        state: health.state,
        ...(health.reason ? { reason: health.reason } : {}),
        ...(health.description ? { description: health.description } : {}),
      };
      feedRef?.healthChanged();
      controlPlane
        .reportTargetHealth({ targetGroupArn, ...target }, report)
        .catch((err: unknown) => logger?.warn({ err, targetGroupArn, target }, 'could not record target health'));
    },
  });
  nodeRef = node;
  metrics.onRequest = (o) => accessLog.record(o, node.table(), clock.now());
  const bindAddressFor = (scheme: 'internet-facing' | 'internal'): string =>
    scheme === 'internal' ? (options.internalBindAddress ?? '127.0.0.1') : (options.publicBindAddress ?? '0.0.0.0');
  const feed = new RoutingFeed({
    controlPlane,
    node: inProcessFedNode(node),
    ...(options.snapshotFile ? { snapshotFile: options.snapshotFile } : {}),
    clock,
    ...(logger ? { logger } : {}),
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    source: {
      internalBindAddress: bindAddressFor('internal'),
      publicBindAddress: bindAddressFor('internet-facing'),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    },
    onTable: (table, records) => {
      metrics.tableSwapped(table);
      accessLog.setEnabled(records.loadBalancers.filter((lb) => lb.attributes['access_logs.s3.enabled'] === 'true').map((lb) => lb.LoadBalancerName));
    },
  });
  feedRef = feed;
  // Alive from the start, so this node's first reports already count; a server that is down costs a warning, not the node.
  const beat = (): Promise<void> => controlPlane.heartbeat().catch((err: unknown) => logger?.warn({ err }, 'load-balancer heartbeat failed'));
  void beat();
  const heartbeat = setInterval(() => void beat(), options.heartbeatMs ?? NODE_HEARTBEAT_MS);
  heartbeat.unref();
  const reporter = startMetricsReporter({
    controlPlane,
    counts: minutes,
    now: () => clock.now(),
    ...(options.metricsReportMs !== undefined ? { everyMs: options.metricsReportMs } : {}),
    ...(logger ? { logger } : {}),
  });
  await feed.start();
  await feed.ready;
  return {
    metricsPlugin: metricsPlugin(metrics.registry),
    registry: metrics.registry,
    checkListenerPort: listenerPortCheck({ bindAddressFor, servedByNode: (port) => node.listeners.address(port) !== undefined }),
    node,
    feed,
    accessLog,
    traffic: { snapshot: () => meter.snapshot(node.table(), (t) => node.engine.pools.inFlight(t.address, t.port)) },
    async stop() {
      clearInterval(heartbeat);
      reporter.stop();
      descriptors.stop();
      feed.stop();
      await node.close();
      await accessLog.close();
    },
  };
}

/** One process's engine as the feed's node: it checks its own targets and counts its own pools. */
export function inProcessFedNode(node: LoadBalancerNode): FedNode {
  return {
    health: (tg, target) => node.prober.health(tg, target),
    table: () => node.table(),
    update: (table) => node.update(table),
    inFlight: async (targets) => targets.map((t) => node.engine.pools.inFlight(t.address, t.port)),
  };
}
