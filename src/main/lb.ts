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
import { HttpLbControlPlane } from '../load-balancer/node/http-lb-control-plane.js';
import { startLoadBalancerNode } from '../load-balancer/node/start-load-balancer-node.js';
import type { MetricsSource } from '../load-balancer/node/prometheus-metrics.js';
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
  const controlPlane = new HttpLbControlPlane(
    config.servers,
    { nodeId: config.nodeId, advertiseAddress: config.advertiseIp },
    {
      ...(config.accessKey ? { accessKey: config.accessKey } : {}),
      clock,
    },
  );
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
    });
    return { fleet: node.fleet, metrics: node.metrics, stop: () => node.stop() };
  })().catch(async (err: unknown) => {
    await controlPlane.close();
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
      await controlPlane.close();
    },
  };
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
