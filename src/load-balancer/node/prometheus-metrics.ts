/**
 * `ProxyMetrics` on prom-client, in the field's naming style (berth_lb_*; cf. traefik's
 * service_requests_total, HAProxy's backend_http_responses_total). The hot path touches only
 * label children resolved once per (listener, group, code) and cached, never a label object per
 * request. Target health is a gauge set from each routing table swap.
 */
import type { Socket } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProxyMetrics, RequestOutcome } from '../proxy/proxy-metrics.js';
import type { RoutingTable } from '../routing-table.js';

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;

export class PrometheusMetrics implements ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly duration: Histogram;
  private readonly health: Gauge;
  private readonly connections: Gauge;
  private readonly retries: Counter;
  private readonly connectionErrors: Counter;
  private readonly handshakeErrors: Counter;
  private readonly requestChildren = new Map<string, CounterChild>();
  private readonly durationChildren = new Map<number, HistogramChild>();
  private lbNameByPort = new Map<number, string>();
  private tgNameByArn = new Map<string, string>();
  /** Listeners fed by `onRequest` outside the hot path (access log). */
  onRequest: ((o: RequestOutcome) => void) | undefined;

  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'berth_lb_requests_total',
      help: 'Requests by load balancer, target group, status code and who answered (target or elb).',
      labelNames: ['load_balancer', 'target_group', 'code', 'origin'],
      registers,
    });
    this.duration = new Histogram({
      name: 'berth_lb_request_duration_seconds',
      help: 'Time from the request arriving to the response ending, per load balancer.',
      labelNames: ['load_balancer'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
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
    this.requestChildren.clear();
    this.durationChildren.clear();
    this.health.reset();
    for (const g of table.targetGroups.values()) for (const t of g.targets) this.health.labels(g.name, `${t.id}:${t.port}`, t.state).set(1);
  }

  requestStarted(): void {}

  requestFinished(o: RequestOutcome): void {
    const key = `${o.listenerPort}|${o.targetGroupArn ?? ''}|${o.status}|${o.origin}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = this.requests.labels(
        this.lbName(o.listenerPort),
        o.targetGroupArn ? (this.tgNameByArn.get(o.targetGroupArn) ?? '') : '',
        String(o.status),
        o.origin,
      );
      this.requestChildren.set(key, child);
    }
    child.inc();
    let h = this.durationChildren.get(o.listenerPort);
    if (!h) {
      h = this.duration.labels(this.lbName(o.listenerPort));
      this.durationChildren.set(o.listenerPort, h);
    }
    h.observe(o.durationMs / 1000);
    this.onRequest?.(o);
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

/** `GET /metrics` in the Prometheus text format, for createApiServer's `plugins`. */
export function metricsPlugin(source: MetricsSource): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', async (_req, reply) => reply.header('content-type', source.contentType).send(await source.metrics()));
  };
}
