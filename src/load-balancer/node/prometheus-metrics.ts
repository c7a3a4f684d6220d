/**
 * `ProxyMetrics` on prom-client, in the field's naming style (berth_lb_*; cf. traefik's
 * service_requests_total, HAProxy's backend_http_responses_total). The hot path touches only
 * plain cells found through number- and ARN-keyed maps (no key string built, no label object):
 * a prom-client label child re-validates and re-hashes its labels on every call, so request
 * counts are added to prom-client when a scrape collects them, and durations go to a HotHistogram.
 * Target health is a gauge set from each routing table swap.
 */
import type { Socket } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Registry } from '../../platform/lean-prom-client.js';
import type { ProxyMetrics, RequestOutcome } from '../proxy/proxy-metrics.js';
import type { RoutingTable } from '../routing-table.js';
import { HotHistogram, type HistogramCell } from './hot-histogram.js';

/** Requests counted since the last scrape, for one label set. */
interface RequestCell {
  readonly labels: { load_balancer: string; target_group: string; code: string; origin: string };
  pending: number;
}

export class PrometheusMetrics implements ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly duration: HotHistogram;
  private readonly health: Gauge;
  private readonly connections: Gauge;
  private readonly retries: Counter;
  private readonly connectionErrors: Counter;
  private readonly handshakeErrors: Counter;
  /** listener port -> target group ARN ('' for none) -> status * 2 + (elb ? 1 : 0) -> cell. */
  private readonly requestCells = new Map<number, Map<string, Map<number, RequestCell>>>();
  /** Every cell ever made, so a scrape after a table swap still adds what is pending. */
  private readonly allRequestCells: RequestCell[] = [];
  private readonly durationCells = new Map<number, HistogramCell>();
  private lbNameByPort = new Map<number, string>();
  private tgNameByArn = new Map<string, string>();
  /** Listeners fed by `onRequest` outside the hot path (access log). */
  onRequest: ((o: RequestOutcome) => void) | undefined;

  constructor() {
    const registers = [this.registry];
    const cells = this.allRequestCells;
    this.requests = new Counter({
      name: 'berth_lb_requests_total',
      help: 'Requests by load balancer, target group, status code and who answered (target or elb).',
      labelNames: ['load_balancer', 'target_group', 'code', 'origin'],
      registers,
      collect() {
        for (const c of cells) {
          if (c.pending === 0) continue;
          this.inc(c.labels, c.pending);
          c.pending = 0;
        }
      },
    });
    this.duration = new HotHistogram(
      'berth_lb_request_duration_seconds',
      'Time from the request arriving to the response ending, per load balancer.',
      'load_balancer',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      this.registry,
    );
    this.health = new Gauge({
      name: 'berth_lb_target_health',
      help: '1 for the state each registered target is in.',
      labelNames: ['target_group', 'target', 'state'],
      // Every worker of a node holds the same table: aggregated over workers, one says it (not their sum).
      aggregator: 'first',
      registers,
    });
    this.connections = new Gauge({
      name: 'berth_lb_open_connections',
      help: 'Open client connections per load balancer.',
      labelNames: ['load_balancer'],
      registers,
    });
    this.retries = new Counter({
      name: 'berth_lb_retries_total',
      help: 'Requests tried again after a connection failure before any response byte.',
      labelNames: ['target_group'],
      registers,
    });
    this.handshakeErrors = new Counter({
      name: 'berth_lb_tls_handshake_errors_total',
      help: 'Failed TLS handshakes on HTTPS listeners, by reason (no_shared_cipher, protocol_version, http_request, ...).',
      labelNames: ['load_balancer', 'reason'],
      registers,
    });
    this.connectionErrors = new Counter({
      name: 'berth_lb_target_connection_errors_total',
      help: 'Failed connections or exchanges with targets, by error code.',
      labelNames: ['target_group', 'code'],
      registers,
    });
  }

  /** Names for labels, and the health gauge, from the table now live. */
  tableSwapped(table: RoutingTable): void {
    this.lbNameByPort = new Map([...table.listeners.values()].map((l) => [l.port, l.loadBalancer.name]));
    this.tgNameByArn = new Map([...table.targetGroups.values()].map((g) => [g.arn, g.name]));
    // Names may have changed: cells are found again (pending counts stay in allRequestCells).
    this.requestCells.clear();
    this.durationCells.clear();
    this.health.reset();
    for (const g of table.targetGroups.values()) for (const t of g.targets) this.health.labels(g.name, `${t.id}:${t.port}`, t.state).set(1);
  }

  requestStarted(): void {}

  requestFinished(o: RequestOutcome): void {
    this.requestCell(o).pending++;
    let h = this.durationCells.get(o.listenerPort);
    if (!h) {
      h = this.duration.cell(this.lbName(o.listenerPort));
      this.durationCells.set(o.listenerPort, h);
    }
    this.duration.observe(h, o.durationMs / 1000);
    this.onRequest?.(o);
  }

  private requestCell(o: RequestOutcome): RequestCell {
    let byGroup = this.requestCells.get(o.listenerPort);
    if (!byGroup) this.requestCells.set(o.listenerPort, (byGroup = new Map()));
    const tg = o.targetGroupArn ?? '';
    let byCode = byGroup.get(tg);
    if (!byCode) byGroup.set(tg, (byCode = new Map()));
    const code = o.status * 2 + (o.origin === 'elb' ? 1 : 0);
    let cell = byCode.get(code);
    if (!cell) {
      const labels = {
        load_balancer: this.lbName(o.listenerPort),
        target_group: tg ? (this.tgNameByArn.get(tg) ?? '') : '',
        code: String(o.status),
        origin: o.origin,
      };
      // One cell per label set: a swap that finds the same labels again reuses the old cell.
      cell = this.allRequestCells.find((c) => sameLabels(c.labels, labels)) ?? { labels, pending: 0 };
      if (!this.allRequestCells.includes(cell)) this.allRequestCells.push(cell);
      byCode.set(code, cell);
    }
    return cell;
  }

  targetConnectionError(tg: string, _target: string, code: string): void {
    this.connectionErrors.labels(this.tgNameByArn.get(tg) ?? '', code || 'unknown').inc();
  }

  retried(tg: string): void {
    this.retries.labels(this.tgNameByArn.get(tg) ?? '').inc();
  }

  tlsHandshakeFailed(port: number, reason: string): void {
    this.handshakeErrors.labels(this.lbName(port), reason).inc();
  }

  connectionOpened(port: number, socket: Socket): void {
    const g = this.connections.labels(this.lbName(port));
    g.inc();
    socket.once('close', () => g.dec());
  }

  private lbName(port: number): string {
    return this.lbNameByPort.get(port) ?? String(port);
  }
}

/** What a scrape reads: one registry, or a node's workers aggregated (workers/). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

function sameLabels(a: RequestCell['labels'], b: RequestCell['labels']): boolean {
  return a.load_balancer === b.load_balancer && a.target_group === b.target_group && a.code === b.code && a.origin === b.origin;
}

/** `GET /metrics` in the Prometheus text format, for createApiServer's `plugins`. */
export function metricsPlugin(source: MetricsSource): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', async (_req, reply) => reply.header('content-type', source.contentType).send(await source.metrics()));
  };
}
