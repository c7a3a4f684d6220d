/** Shared set-up for the proxy's integration tests: real upstream servers and a real listener on loopback. */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import {
  buildRoutingTable,
  defaultLoadBalancerAttributes,
  type Action,
  type ListenerTls,
  type LoadBalancerAttributes,
  type Rule,
  type RoutingTable,
  type Target,
  type TargetGroup,
} from '../routing-table.js';
import { ListenerServer, type ListenerServerOptions } from './listener-server.js';
import { ProxyEngine, type PassiveHealthSink } from './proxy-engine.js';
import { CountingMetrics } from './proxy-metrics.js';
import { freePort } from '../../platform/free-port.js';
export { freePort };

export interface Upstream {
  readonly port: number;
  readonly requests: http.IncomingMessage[];
  readonly server: http.Server;
  close(): Promise<void>;
}

export async function upstream(handler: http.RequestListener = (_q, s) => s.end('ok')): Promise<Upstream> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    server,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function target(port: number, state: Target['state'] = 'healthy', id = `i-${port}`): Target {
  return { id, address: '127.0.0.1', port, state };
}

export function tg(arn: string, targets: Target[], over: Partial<TargetGroup> = {}): TargetGroup {
  return {
    arn,
    name: arn,
    protocol: 'HTTP',
    algorithm: 'round_robin',
    stickiness: { enabled: false, type: 'lb_cookie', durationSeconds: 86400 },
    slowStartSeconds: 0,
    deregistrationDelaySeconds: 300,
    minimumHealthyTargets: 1,
    healthCheck: {
      enabled: true,
      protocol: 'HTTP',
      path: '/',
      port: 'traffic-port',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: '200',
    },
    targets,
    ...over,
  };
}

export interface TableSpec {
  readonly port: number;
  readonly groups: TargetGroup[];
  readonly rules?: Rule[];
  readonly defaultAction?: Action;
  readonly attributes?: Partial<LoadBalancerAttributes>;
  readonly ingress?: { cidr: string; fromPort: number; toPort: number }[] | null;
  /** Makes the listener HTTPS. */
  readonly tls?: ListenerTls;
}

export function table(spec: TableSpec): RoutingTable {
  return buildRoutingTable({
    loadBalancers: [
      { arn: 'lb', name: 'lb', scheme: 'internal', ingress: spec.ingress ?? null, attributes: { ...defaultLoadBalancerAttributes, ...spec.attributes } },
    ],
    listeners: [
      {
        arn: 'listener',
        loadBalancerArn: 'lb',
        port: spec.port,
        protocol: spec.tls ? 'HTTPS' : 'HTTP',
        ...(spec.tls ? { tls: spec.tls } : {}),
        rules: [
          ...(spec.rules ?? []),
          {
            arn: 'default',
            priority: 'default',
            conditions: [],
            action: spec.defaultAction ?? { type: 'forward', targetGroups: [{ targetGroupArn: spec.groups[0]!.arn, weight: 1 }] },
          },
        ],
      },
    ],
    targetGroups: spec.groups,
  });
}

export interface Lb {
  readonly port: number;
  readonly engine: ProxyEngine;
  readonly listeners: ListenerServer;
  readonly metrics: CountingMetrics;
  readonly passive: string[];
  setTable(t: RoutingTable): Promise<void>;
  url(path?: string): string;
  close(): Promise<void>;
}

export async function startLb(initial: RoutingTable, listenerOptions: ListenerServerOptions = {}): Promise<Lb> {
  let current = initial;
  const metrics = new CountingMetrics();
  const passive: string[] = [];
  const health: PassiveHealthSink = { reportPassiveFailure: (_tg, t) => passive.push(`${t.id}:${t.port}`) };
  const engine = new ProxyEngine({
    getTable: () => current,
    clock: systemClock,
    random: seededRandom(42),
    stickinessSecret: Buffer.from('test-secret-0123'),
    metrics,
    health,
  });
  const listeners = new ListenerServer(engine, listenerOptions);
  const result = await listeners.apply(initial);
  if (result.failed.length) throw result.failed[0];
  const port = [...initial.listeners.keys()][0]!;
  return {
    port,
    engine,
    listeners,
    metrics,
    passive,
    async setTable(t) {
      current = t;
      engine.table();
      await listeners.apply(t);
    },
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    async close() {
      await listeners.close();
      engine.close();
    },
  };
}

/** One request on a fresh connection; resolves with status, headers and body text. */
export function get(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Writes raw bytes on a new connection and collects everything until the server closes it. */
export function raw(port: number, bytes: string, waitMs = 2000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    s.setEncoding('latin1');
    s.on('data', (c) => (text += c));
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    s.on('error', () => {});
    s.write(bytes, 'latin1');
  });
}
