/**
 * `berth lb`: the composition of a load-balancer node on its own host. Its only way to the control
 * plane is the load-balancer node protocol over HTTP (HttpLbControlPlane, failing over between
 * the servers given); it never opens a store. Every listener binds on the node's advertised address,
 * so several nodes on one machine (127.0.0.21, 127.0.0.22) serve the same listeners side by side.
 * The node is this process (feed, health checks, heartbeat, `/metrics`) and its workers, which
 * serve the requests; its last routing records are kept in the data dir, so it serves from them
 * when it starts while no server answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../platform/clock.js';
import { systemRandom, type Random } from '../platform/random.js';
import type { Logger } from '../platform/logger.js';
import type { AccessKey } from '../platform/sigv4.js';
import type { StartUpTimeline } from '../platform/start-up-timeline.js';
import { HttpLbControlPlane } from '../load-balancer/node/http-lb-control-plane.js';
import type { LbControlPlane } from '../load-balancer/node/lb-control-plane.js';
import type { MetricsSource } from '../load-balancer/node/prometheus-metrics.js';
import type { RoutingTable } from '../load-balancer/routing-table.js';
import { startWorkerNode } from '../load-balancer/workers/start-worker-node.js';
import type { WorkerFleet } from '../load-balancer/workers/worker-fleet.js';
import { ensurePrivateDir } from './private-files.js';
import { lbWorkerExec } from './lb-worker-exec.js';

export interface LbNodeConfig {
  readonly servers: readonly string[];
  readonly advertiseIp: string;
  /** Stable across restarts, so a restarted node's verdicts replace its own (default `lb-<advertiseIp>`). */
  readonly nodeId: string;
  /** Access logs go to `<dataDir>/access-logs/`, the last routing records to `<dataDir>/routing-snapshot.json`. */
  readonly dataDir: string;
  readonly accessKey?: AccessKey;
  /** Signs stickiness cookies; every node serving one load balancer must share it. */
  readonly stickinessSecret?: Buffer;
  /** Worker processes serving the listeners; 0 serves in this process (tests only, not a flag value). */
  readonly workers: number;
  /** `GET /metrics` on the advertised address at this port (0: any free one); absent: none. */
  readonly metricsPort?: number;
  readonly logLevel?: string;
  readonly logFormat?: 'auto' | 'json' | 'pretty';
  /** Marks `snapshot`, `workers`, `listening` and `healthy` on it, and logs it at `listening` and `healthy`. */
  readonly timeline?: StartUpTimeline;
}

export interface RunningLbNode {
  /** The workers (absent with `workers: 0`). */
  readonly fleet?: WorkerFleet;
  readonly metrics: MetricsSource;
  /** Where `/metrics` answers, when `metricsPort` was given. */
  readonly metricsUrl?: string;
  stop(): Promise<void>;
}

export async function startLbNode(config: LbNodeConfig, logger: Logger, deps: { clock?: Clock; random?: Random } = {}): Promise<RunningLbNode> {
  const clock = deps.clock ?? systemClock;
  ensurePrivateDir(config.dataDir);
  const { timeline } = config;
  const overHttp = new HttpLbControlPlane(
    config.servers,
    { nodeId: config.nodeId, advertiseAddress: config.advertiseIp },
    {
      ...(config.accessKey ? { accessKey: config.accessKey } : {}),
      clock,
    },
  );
  const controlPlane = timeline ? markFirstRecords(overHttp, () => timeline.mark('snapshot')) : overHttp;
  const common = {
    controlPlane,
    clock,
    random: deps.random ?? systemRandom,
    logger,
    dataDir: config.dataDir,
    internalBindAddress: config.advertiseIp,
    publicBindAddress: config.advertiseIp,
    sourceAddress: config.advertiseIp,
    snapshotFile: join(config.dataDir, 'routing-snapshot.json'),
    ...(config.stickinessSecret ? { stickinessSecret: config.stickinessSecret } : {}),
  };
  const started = await (async () => {
    if (config.workers === 0) {
      // Loaded only here: the proxy itself runs in the workers, and the primary need not load it.
      const { startLoadBalancerNode } = await import('../load-balancer/node/start-load-balancer-node.js');
      const node = await startLoadBalancerNode(common);
      return { metrics: node.registry, stop: () => node.stop() };
    }
    const { exec, execArgv } = lbWorkerExec();
    const node = await startWorkerNode({
      ...common,
      workers: config.workers,
      workerExec: exec,
      workerExecArgv: execArgv,
      ...(config.logLevel ? { logLevel: config.logLevel } : {}),
      ...(config.logFormat ? { logFormat: config.logFormat } : {}),
      ...(timeline ? { onWorkersReady: () => timeline.mark('workers'), onTable: (table: RoutingTable) => markTable(timeline, table, logger) } : {}),
    });
    return { fleet: node.fleet, metrics: node.metrics, stop: () => node.stop() };
  })().catch(async (err: unknown) => {
    await overHttp.close();
    throw err;
  });
  const metricsServer = config.metricsPort === undefined ? undefined : await serveMetrics(started.metrics, config.advertiseIp, config.metricsPort, logger);
  return {
    ...(started.fleet ? { fleet: started.fleet } : {}),
    metrics: started.metrics,
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    async stop() {
      await metricsServer?.close();
      await started.stop();
      await overHttp.close();
    },
  };
}

/** The port as it is, marking when the first routing records arrive from a server. */
function markFirstRecords(port: LbControlPlane, onFirst: () => void): LbControlPlane {
  return {
    watchRecords: (onRecords, onError) =>
      port.watchRecords((records) => {
        onFirst();
        onRecords(records);
      }, onError),
    reportTargetHealth: (target, health) => port.reportTargetHealth(target, health),
    reportDrained: (target, at) => port.reportDrained(target, at),
    reportMetrics: (samples) => port.reportMetrics(samples),
    heartbeat: () => port.heartbeat(),
  };
}

/** A table is live in every worker: the node listens; once a target in it is healthy, it serves. */
function markTable(timeline: StartUpTimeline, table: RoutingTable, logger: Logger): void {
  if (!timeline.has('listening')) {
    timeline.mark('listening');
    logger.info({ startUpMs: timeline.toJSON() }, 'load-balancer node listening');
  }
  if (timeline.has('healthy')) return;
  for (const tg of table.targetGroups.values()) {
    if (!tg.targets.some((t) => t.state === 'healthy')) continue;
    timeline.mark('healthy');
    logger.info({ startUpMs: timeline.toJSON() }, 'load-balancer node has a healthy target');
    return;
  }
}

/** `GET /metrics` (Prometheus text, every worker in one scrape); anything else 404. */
async function serveMetrics(source: MetricsSource, host: string, port: number, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    source.metrics().then(
      (text) => res.writeHead(200, { 'content-type': source.contentType }).end(text),
      (err: unknown) => {
        logger.warn({ err }, 'metrics scrape failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
