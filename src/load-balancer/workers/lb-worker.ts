/**
 * One worker of a load-balancer node: the proxy engine and the listeners on the node's shared
 * listening handles (cluster, SCHED_NONE: each worker accepts, the kernel spreads connections),
 * its own pools, Prometheus registry (aggregated by the primary), traffic meter and access-log
 * buffer. It runs no health checks: the primary checks once for the node, and this worker's
 * passive failures go to it. It builds each table from the input the primary sends.
 *
 *   primary ─berth:table(input)─> buildRoutingTable ─> LoadBalancerNode.update ─berth:applied─> primary
 *           <─berth:passive-failure── ProxyEngine
 *   primary ─berth:in-flight / berth:traffic─> pools, meter ─answer─> primary
 *           <─berth:connections── listeners (what it holds)   ─berth:peer-connections─> connectionLimit
 */
import path from 'node:path';
import { AggregatorRegistry } from '../../platform/lean-prom-client.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import { LoadBalancerNode } from '../load-balancer-node.js';
import { buildRoutingTable } from '../routing-table.js';
import { AccessLog } from '../node/access-log.js';
import { PrometheusMetrics } from '../node/prometheus-metrics.js';
import { fanOutMetrics, TrafficMeter } from '../node/traffic-meter.js';
import { MinuteMetrics } from '../node/minute-metrics.js';
import { budgetChangeLog, shedLog } from '../node/descriptor-logs.js';
import { watchDescriptorBudget } from '../node/descriptor-budget.js';
import { LaterLogger } from './later-logger.js';
import { isToWorker, type FromWorker, type ToWorker, type WorkerSettings } from './worker-messages.js';
import { connectionReportMs, connectionShare, sameHeld, type HeldConnections } from './connection-share.js';

/** The worker's side of the IPC channel (process itself in a cluster worker). */
export interface WorkerChannel {
  send(message: FromWorker): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

export function runLbWorker(channel: WorkerChannel, deps: { clock: Clock; random: Random; exit: (code: number) => void }): void {
  let worker: Worker | undefined;
  let queue: Promise<void> = Promise.resolve();
  channel.on('message', (m) => {
    if (!isToWorker(m)) return;
    if (m.type === 'berth:init') {
      worker = new Worker(m.settings, channel, deps);
      return;
    }
    // Not behind a table build: the next connection's limit should see it.
    if (m.type === 'berth:peer-connections') {
      worker?.peersHold(m.held);
      return;
    }
    // In order: a question asked after a table is answered by a worker that has that table.
    queue = queue.then(async () => worker?.handle(m)).catch(() => undefined);
  });
  channel.send({ type: 'berth:hello' });
}

class Worker {
  private readonly node: LoadBalancerNode;
  private readonly metrics = new PrometheusMetrics();
  private readonly meter: TrafficMeter;
  private readonly minutes: MinuteMetrics;
  private readonly accessLog: AccessLog;
  private readonly logger = new LaterLogger();
  private loggerLoaded: Promise<void> | undefined;
  private readonly descriptors: { stop(): void };
  /** What the node's other workers hold, per listener port. */
  private peers: HeldConnections = new Map();
  /** The counts last sent to the primary, and the pending report. */
  private reported: HeldConnections = new Map();
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly channel: WorkerChannel,
    private readonly deps: { clock: Clock; random: Random; exit: (code: number) => void },
  ) {
    // The primary's AggregatorRegistry asks every worker for this registry on each scrape.
    AggregatorRegistry.setRegistries([this.metrics.registry]);
    new AggregatorRegistry();
    this.meter = new TrafficMeter(deps.clock);
    this.minutes = new MinuteMetrics(deps.clock, () => this.node?.table());
    this.accessLog = new AccessLog(path.join(settings.dataDir, 'access-logs'), settings.accessLogFlushMs);
    // Each worker has its own open-files limit, so its own budget, logged as a single-process node logs its own.
    const descriptors = watchDescriptorBudget(undefined, undefined, budgetChangeLog(this.logger));
    this.descriptors = descriptors;
    this.node = new LoadBalancerNode({
      initial: buildRoutingTable({ loadBalancers: [], listeners: [], targetGroups: [] }),
      clock: deps.clock,
      random: deps.random,
      stickinessSecret: Buffer.from(settings.stickinessSecret),
      metrics: fanOutMetrics(this.metrics, this.meter, this.minutes),
      listenerOptions: {
        onConnection: (port, socket) => {
          this.metrics.connectionOpened(port, socket);
          this.connectionsChanged();
          socket.once('close', () => this.connectionsChanged());
        },
        onTlsHandshakeError: (port, reason) => this.metrics.tlsHandshakeFailed(port, reason),
        maxClientConnections: descriptors.current,
        onShed: shedLog(deps.clock, this.logger, () => descriptors.current()),
        ticketKeys: Buffer.from(settings.ticketKeys),
        // berth.listener.max_connections is the node's: each worker may hold what the others leave.
        connectionLimit: (port, nodeLimit) => connectionShare(nodeLimit, this.peers.get(port) ?? 0),
      },
      passiveFailures: (targetGroupArn, target) => channel.send({ type: 'berth:passive-failure', targetGroupArn, target }),
    });
    this.metrics.onRequest = (o) => this.accessLog.record(o, this.node.table(), deps.clock.now());
  }

  peersHold(held: HeldConnections): void {
    this.peers = held;
  }

  /** A connection opened or closed: the primary hears of it within connectionReportMs (one report for a burst). */
  private connectionsChanged(): void {
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      const held = this.node.listeners.connectionCounts();
      if (sameHeld(held, this.reported)) return;
      this.reported = held;
      this.channel.send({ type: 'berth:connections', held });
    }, connectionReportMs);
    this.reportTimer.unref();
  }

  async handle(m: ToWorker): Promise<void> {
    switch (m.type) {
      case 'berth:table': {
        const table = buildRoutingTable(m.input);
        const result = await this.node.update(table);
        this.metrics.tableSwapped(table);
        this.accessLog.setEnabled([...m.accessLogs]);
        const failed = result.failed.map((f) => ({ port: f.port, address: f.address, code: f.code, message: f.message }));
        this.channel.send({ type: 'berth:applied', version: m.version, failed });
        this.loadLogger();
        return;
      }
      case 'berth:in-flight': {
        const pools = this.node.engine.pools;
        this.channel.send({ type: 'berth:in-flight', id: m.id, counts: m.targets.map((t) => pools.inFlight(t.address, t.port)) });
        return;
      }
      case 'berth:traffic': {
        const pools = this.node.engine.pools;
        const traffic = this.meter.snapshot(this.node.table(), (t) => pools.inFlight(t.address, t.port));
        this.channel.send({ type: 'berth:traffic', id: m.id, traffic });
        return;
      }
      case 'berth:alb-metrics': {
        this.channel.send({ type: 'berth:alb-metrics', id: m.id, samples: this.minutes.drain(m.now, false) });
        return;
      }
      case 'berth:stop': {
        // Listeners close first (no new connections here; the other workers still accept), in-flight requests finish.
        this.descriptors.stop();
        await this.node.close().catch((err: unknown) => this.logger.warn({ err }, 'closing the listeners failed'));
        await this.accessLog.close().catch((err: unknown) => this.logger.warn({ err }, 'flushing the access log failed'));
        await this.loadLogger();
        this.deps.exit(0);
        return;
      }
      case 'berth:init':
      case 'berth:peer-connections':
        return;
    }
  }

  /** pino, once this worker listens (later-logger.ts says why not before). */
  private loadLogger(): Promise<void> {
    this.loggerLoaded ??= import('../../platform/logger.js').then(
      ({ createLogger }) =>
        this.logger.attach(
          createLogger({ level: this.settings.logLevel, format: this.settings.logFormat }).child({ component: 'lb-worker', pid: process.pid }),
        ),
      () => undefined,
    );
    return this.loggerLoaded;
  }
}
