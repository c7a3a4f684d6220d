/**
 * In-process Berth for load-balancer integration tests: MemoryStore, the real ELBv2/EC2 handlers
 * behind the real API server (driven by the real AWS SDK), the load-balancer node fed from the
 * store, and real upstream HTTP servers on 127.0.0.1.
 */
import { LbNodeService } from '../../src/control-plane/load-balancer-api/lb-node-service.js';
import { InProcessLbControlPlane } from '../../src/control-plane/load-balancer-api/in-process-lb-control-plane.js';
import { registerLbRoutes } from '../../src/control-plane/load-balancer-api/lb-routes.js';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import type * as ec2 from '@aws-sdk/client-ec2';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { keys } from '../../src/domain/keys.js';
import { startLoadBalancerNode, type RunningLoadBalancerNode } from '../../src/load-balancer/node/start-load-balancer-node.js';
import { freePort } from '../../src/platform/free-port.js';
import { ec2Client, elbv2Client } from '../support/sdk-clients.js';
import type { MetricSampleReport } from '../../src/protocols/load-balancer/index.js';
export { freePort };

export interface Upstream {
  readonly port: number;
  readonly name: string;
  /** What /health answers; 0: it never answers (a hung health endpoint). */
  healthStatus: number;
  hits: number;
  close(): Promise<void>;
}

export async function upstream(name: string, onRequest?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): Promise<Upstream> {
  const u = { name, healthStatus: 200, hits: 0 } as Upstream & { port: number };
  const server = http.createServer((req, res) => {
    if (req.url === '/health') {
      if (u.healthStatus === 0) return;
      res.writeHead(u.healthStatus);
      res.end();
      return;
    }
    u.hits++;
    if (onRequest?.(req, res)) return;
    res.setHeader('content-type', 'text/plain');
    res.end(`${name} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (u as { port: number }).port = (server.address() as net.AddressInfo).port;
  u.close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return u;
}

export interface LbWorld {
  readonly store: MemoryStore;
  readonly app: FastifyInstance;
  readonly endpoint: string;
  readonly lb: RunningLoadBalancerNode;
  readonly elb: elb.ElasticLoadBalancingV2Client;
  readonly ec2: ec2.EC2Client;
  readonly dataDir: string;
  /** What the nodes reported as AWS/ApplicationELB samples, in order. */
  readonly metricSamples: readonly MetricSampleReport[];
  close(): Promise<void>;
}

export function lbWorld(): Promise<LbWorld> {
  return world(true);
}

/**
 * The same control plane with no node of its own, serving the load-balancer node protocol
 * (unsigned) instead: for the test's own `berth lb` nodes, whose reports are then the only ones.
 */
export function lbServerWorld(): Promise<Omit<LbWorld, 'lb'>> {
  return world(false);
}

async function world(withNode: true): Promise<LbWorld>;
async function world(withNode: false): Promise<Omit<LbWorld, 'lb'>>;
async function world(withNode: boolean): Promise<Omit<LbWorld, 'lb'> & { lb?: RunningLoadBalancerNode }> {
  const store = new MemoryStore();
  const random = seededRandom(11);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lb-'));
  const metricSamples: MetricSampleReport[] = [];
  const lbService = new LbNodeService({ store, clock: systemClock, metrics: { record: async (s) => void metricSamples.push(...s) } });
  const controlPlane = new InProcessLbControlPlane(lbService, { nodeId: 'test-node', advertiseAddress: '127.0.0.1' });
  const lb = withNode
    ? await startLoadBalancerNode({ controlPlane, clock: systemClock, random, dataDir, debounceMs: 10, connectTimeoutMs: 1000, accessLogFlushMs: 50 })
    : undefined;
  // The upstreams listen on 127.0.0.1, as under `berth up` on loopback.
  const checkListenerPort = lb?.checkListenerPort ?? (async (): Promise<void> => {});
  const deps = { store, clock: systemClock, random, checkListenerPort, allowLoopbackTargets: true };
  const lbRoutes = async (a: FastifyInstance): Promise<void> => registerLbRoutes(a, { service: lbService, auth: { mode: 'none' }, clock: systemClock });
  const app = await createApiServer({
    handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) },
    plugins: lb ? [lb.metricsPlugin] : [lbRoutes],
  });
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
  const elbc = elbv2Client(endpoint, { maxAttempts: 1 });
  const ec2c = ec2Client(endpoint, { maxAttempts: 1 });
  return {
    store,
    app,
    endpoint,
    ...(lb ? { lb } : {}),
    elb: elbc,
    ec2: ec2c,
    dataDir,
    metricSamples,
    async close() {
      elbc.destroy();
      ec2c.destroy();
      await lb?.stop();
      lbService.close();
      await app.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A container instance as the agent registers it, advertising 127.0.0.1. */
export async function containerInstance(store: MemoryStore, ec2InstanceId: string): Promise<void> {
  await store.put(keys.containerInstance('default', ec2InstanceId), {
    containerInstanceArn: `arn:aws:ecs:us-east-1:000000000000:container-instance/default/${ec2InstanceId}`,
    ec2InstanceId,
    version: 1,
    versionInfo: {},
    registeredResources: [],
    status: 'ACTIVE',
    agentConnected: true,
    attributes: [],
    registeredAt: Date.now(),
    id: ec2InstanceId,
    clusterName: 'default',
    advertiseAddress: '127.0.0.1',
    placementVersion: 0,
  });
}

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function get(port: number, urlPath = '/', options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
  });
}
