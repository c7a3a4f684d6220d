/**
 * A/B of the proxy's client to plain-HTTP targets: undici's Pool (A, `h1Client: 'undici'`, in
 * `berth up` through BERTH_LB_H1_CLIENT=undici) against Berth's own HTTP/1.1 client (B, h1-pool.ts),
 * in one run of interleaved rounds on one loopback upstream (64-byte body, as bench/proxy.bench.ts):
 * the engine alone (ProxyEngine + ListenerServer in a child process) and, when `dist/` is built, the
 * product (`berth up`, listener made through the API, access log and metrics on, 1 LB worker).
 * Load is wrk (one thread, keep-alive). Prints the medians of req/s, p50/p99 and CPU time per request
 * of the proxy's process tree (from /proc), and B/A ratios.
 *
 *   node --import tsx bench/proxy-ab.ts [--seconds 4] [--connections 50] [--rounds 3] [--no-product]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/platform/free-port.js';
import { cpuSeconds } from './many-connections.js';
import { median } from './stats.js';
import { wrk } from './wrk.js';

const self = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? dflt;
};
const body = 'x'.repeat(64);
type Client = 'undici' | 'berth';

// ---------- roles (child processes) ----------

function runUpstream(port: number): void {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => process.send?.('ready'));
}

async function runEngine(port: number, upstreamPort: number, client: Client): Promise<void> {
  process.on('SIGINT', () => process.exit(0));
  const { buildRoutingTable, defaultLoadBalancerAttributes } = await import('../src/load-balancer/routing-table.js');
  const { ProxyEngine } = await import('../src/load-balancer/proxy/proxy-engine.js');
  const { ListenerServer } = await import('../src/load-balancer/proxy/listener-server.js');
  const { TargetPools } = await import('../src/load-balancer/proxy/target-pools.js');
  const { systemClock } = await import('../src/platform/clock.js');
  const { systemRandom } = await import('../src/platform/random.js');
  const table = buildRoutingTable({
    loadBalancers: [{ arn: 'lb', name: 'bench', scheme: 'internal', ingress: null, attributes: defaultLoadBalancerAttributes }],
    listeners: [
      {
        arn: 'l',
        loadBalancerArn: 'lb',
        port,
        protocol: 'HTTP',
        rules: [{ arn: 'd', priority: 'default', conditions: [], action: { type: 'forward', targetGroups: [{ targetGroupArn: 'tg', weight: 1 }] } }],
      },
    ],
    targetGroups: [
      {
        arn: 'tg',
        name: 'tg',
        protocol: 'HTTP',
        algorithm: 'round_robin',
        stickiness: { enabled: false, type: 'lb_cookie', durationSeconds: 1 },
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
        targets: [{ id: 'i-1', address: '127.0.0.1', port: upstreamPort, state: 'healthy' }],
      },
    ],
  });
  const engine = new ProxyEngine({
    getTable: () => table,
    clock: systemClock,
    random: systemRandom,
    stickinessSecret: Buffer.from('bench'),
    pools: new TargetPools({ h1Client: client }),
  });
  const r = await new ListenerServer(engine).apply(table);
  if (r.failed.length) throw r.failed[0];
  process.send?.('ready');
}

// ---------- orchestration ----------

function child(role: string, port: number, upstreamPort: number, extra: string[] = []): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', self, '--role', role, '--port', String(port), '--upstream', String(upstreamPort), ...extra], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return new Promise((resolve, reject) => {
    p.once('message', () => resolve(p));
    p.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

interface Path {
  readonly name: string;
  readonly client: Client;
  readonly kind: 'engine' | 'product';
  readonly url: string;
  readonly pid: number;
  readonly rps: number[];
  readonly p50: number[];
  readonly p99: number[];
  readonly cpuUs: number[];
  errors: number;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '4'));
  const connections = Number(arg('connections', '50'));
  const rounds = Number(arg('rounds', '3'));
  const withProduct = !process.argv.includes('--no-product') && existsSync(join(import.meta.dirname, '..', 'dist', 'cli', 'main.js'));
  const upstreamPort = await freePort();
  const stops: Array<() => Promise<void> | void> = [];
  const paths: Path[] = [];
  const add = (name: string, client: Client, kind: Path['kind'], port: number, pid: number): void => {
    paths.push({ name, client, kind, url: `http://127.0.0.1:${port}/`, pid, rps: [], p50: [], p99: [], cpuUs: [], errors: 0 });
  };
  try {
    const up = await child('upstream', upstreamPort, upstreamPort);
    stops.push(() => void up.kill('SIGINT'));
    for (const client of ['undici', 'berth'] as const) {
      const port = await freePort();
      const p = await child('engine', port, upstreamPort, ['--client', client]);
      stops.push(() => void p.kill('SIGINT'));
      add(`engine, ${client}`, client, 'engine', port, p.pid ?? 0);
    }
    if (withProduct) {
      const { startProductBerth } = await import('./product-berth.js');
      for (const client of ['undici', 'berth'] as const) {
        // The LB worker processes inherit it; TargetPools reads it when no option is given.
        process.env.BERTH_LB_H1_CLIENT = client;
        const b = await startProductBerth({ upstreamPort, workers: 1 });
        delete process.env.BERTH_LB_H1_CLIENT;
        stops.push(() => b.stop());
        add(`berth up, ${client}`, client, 'product', b.httpPort, b.pid);
      }
    }
    const load0 = loadavg()[0] ?? 0;
    for (const p of paths) await wrk(p.url, connections, 1); // warm-up (JIT, pools)
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so that no path always runs right after the same neighbour.
      const order = paths.map((_, i) => paths[(i + round) % paths.length] as Path);
      for (const p of order) {
        const cpu0 = cpuSeconds(p.pid);
        const r = await wrk(p.url, connections, seconds);
        const cpu = cpuSeconds(p.pid) - cpu0;
        p.rps.push(r.rps);
        p.p50.push(r.p50Ms);
        p.p99.push(r.p99Ms);
        p.cpuUs.push((cpu * 1e6) / Math.max(1, r.rps * seconds));
        p.errors += r.errors;
        console.error(`round ${round + 1}: ${p.name}: ${Math.round(r.rps)} req/s, ${((cpu * 1e6) / Math.max(1, r.rps * seconds)).toFixed(1)} µs CPU/req`);
      }
    }
    const load1 = loadavg()[0] ?? 0;
    console.log(`\nproxy A/B (undici = A, berth = B): ${rounds} interleaved rounds of ${seconds} s, wrk -t1 -c${connections}, 64-byte body`);
    console.log(`load average (1 min) at start ${load0.toFixed(2)}, at end ${load1.toFixed(2)}\n`);
    console.log('| path | req/s | p50 ms | p99 ms | CPU µs/req | errors |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const p of paths)
      console.log(
        `| ${p.name} | ${Math.round(median(p.rps))} | ${median(p.p50).toFixed(2)} | ${median(p.p99).toFixed(2)} | ${median(p.cpuUs).toFixed(1)} | ${p.errors} |`,
      );
    console.log('');
    for (const kind of ['engine', 'product'] as const) {
      const a = paths.find((p) => p.kind === kind && p.client === 'undici');
      const b = paths.find((p) => p.kind === kind && p.client === 'berth');
      if (!a || !b) continue;
      // Per round, B against the A of the same round, then the median of those ratios.
      const rps = median(b.rps.map((v, i) => v / (a.rps[i] ?? Number.NaN)));
      const cpu = median(b.cpuUs.map((v, i) => v / (a.cpuUs[i] ?? Number.NaN)));
      console.log(`${kind}: B/A req/s ${rps.toFixed(2)}x, CPU per request ${((cpu - 1) * 100).toFixed(0)}%`);
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

const role = arg('role', '');
const port = Number(arg('port', '0'));
const upstream = Number(arg('upstream', '0'));
if (role === 'upstream') runUpstream(port);
else if (role === 'engine') void runEngine(port, upstream, arg('client', 'berth') === 'undici' ? 'undici' : 'berth');
else
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
