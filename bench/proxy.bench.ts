/**
 * Proxy benchmark: one Node upstream, and the same load sent to it directly, through Berth's proxy
 * engine alone, through the product (`berth up`, listener made through the API, access log and
 * metrics on; with `--lb-workers 1` and `--lb-workers <cores>` when the build has that flag),
 * through http-proxy, nginx (1 and N workers), HAProxy (1 thread) and Caddy (GOMAXPROCS=1 and
 * default). Every server runs in its own process; the load generators are wrk (req/s, 50
 * keep-alive connections) and this process (fixed-rate latency, many connections).
 *
 *   npm run bench:proxy -- [--seconds 4] [--connections 50] [--rounds 3] [--many 10000] [--no-install]
 *
 * Prints, from one run of interleaved rounds (medians; a noisy moment of a shared machine lands on
 * all paths alike): req/s and wrk's p50/p99 per path with ratios; p50/p99 at a fixed rate of half the
 * product's peak against the upstream alone at that rate (fixed-rate.ts); RSS per process with
 * `--many` keep-alive connections held (many-connections.ts); and the HTTPS rows (https-rows.ts).
 * `BERTH_BENCH_CPU_PROF=dir` writes CPU profiles of the engine child and of `berth up` there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/platform/free-port.js';
import { type Anchor, ensureAnchors, startCaddy, startHaproxy, startNginx } from './anchors.js';
import { fixedRate, percentile } from './fixed-rate.js';
import { httpsLoad, httpsMetrics, makeBenchCert, toolsPresent, type HttpsMetric } from './https-rows.js';
import { cpuSeconds, holdManyConnections } from './many-connections.js';
import type { ProductBerth } from './product-berth.js';
import { median } from './stats.js';
import { wrk, type WrkResult } from './wrk.js';

const self = fileURLToPath(import.meta.url);
const DEFAULT_POLICY_NAME = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? dflt;
};
const body = 'x'.repeat(64);

// ---------- roles (child processes) ----------

async function runUpstream(port: number): Promise<void> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => process.send?.('ready'));
}

async function runBerth(port: number, upstreamPort: number, tlsPort: number, certDir: string): Promise<void> {
  process.on('SIGINT', () => process.exit(0));
  const { buildRoutingTable, defaultLoadBalancerAttributes } = await import('../src/load-balancer/routing-table.js');
  const { ProxyEngine } = await import('../src/load-balancer/proxy/proxy-engine.js');
  const { ListenerServer } = await import('../src/load-balancer/proxy/listener-server.js');
  const { systemClock } = await import('../src/platform/clock.js');
  const { systemRandom } = await import('../src/platform/random.js');
  const { readFileSync } = await import('node:fs');
  const { DEFAULT_SSL_POLICY } = await import('../src/domain/elbv2/ssl-policy.js');
  const rules = [
    { arn: 'd', priority: 'default' as const, conditions: [], action: { type: 'forward' as const, targetGroups: [{ targetGroupArn: 'tg', weight: 1 }] } },
  ];
  const cert = certDir
    ? {
        arn: 'cert',
        certificatePem: readFileSync(join(certDir, 'cert.pem'), 'utf8'),
        privateKeyPem: readFileSync(join(certDir, 'key.pem'), 'utf8'),
        names: ['bench.test'],
      }
    : undefined;
  const table = buildRoutingTable({
    loadBalancers: [{ arn: 'lb', name: 'bench', scheme: 'internal', ingress: null, attributes: defaultLoadBalancerAttributes }],
    listeners: [
      { arn: 'l', loadBalancerArn: 'lb', port, protocol: 'HTTP', rules },
      ...(cert && tlsPort
        ? [
            {
              arn: 'ltls',
              loadBalancerArn: 'lb',
              port: tlsPort,
              protocol: 'HTTPS' as const,
              rules,
              tls: { sslPolicy: DEFAULT_SSL_POLICY, defaultCertificate: cert, certificates: [] },
            },
          ]
        : []),
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
  const engine = new ProxyEngine({ getTable: () => table, clock: systemClock, random: systemRandom, stickinessSecret: Buffer.from('bench') });
  const r = await new ListenerServer(engine).apply(table);
  if (r.failed.length) throw r.failed[0];
  process.send?.('ready');
}

async function runHttpProxy(port: number, upstreamPort: number): Promise<void> {
  const { default: httpProxy } = await import('http-proxy');
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${upstreamPort}`, agent, xfwd: true });
  proxy.on('error', (_e, _q, res) => (res as http.ServerResponse).writeHead?.(502).end());
  http.createServer((req, res) => proxy.web(req, res)).listen(port, '127.0.0.1', () => process.send?.('ready'));
}

// ---------- orchestration ----------

function child(role: string, port: number, upstreamPort: number, extra: string[] = []): Promise<ChildProcess> {
  const prof = role === 'berth' && process.env.BERTH_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BERTH_BENCH_CPU_PROF] : [];
  const p = spawn(process.execPath, [...prof, '--import', 'tsx', self, '--role', role, '--port', String(port), '--upstream', String(upstreamPort), ...extra], {
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
  readonly port: number | undefined;
  /** The serving process (its descendants count too), for CPU time per request. */
  readonly pid: number | undefined;
}

interface Measured extends WrkResult {
  /** CPU (user + system) the serving processes spent per request, in µs: robust to a loaded machine. */
  readonly cpuUs: number;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));

async function main(): Promise<void> {
  ensureAnchors(!process.argv.includes('--no-install'));
  const seconds = Number(arg('seconds', '4'));
  const connections = Number(arg('connections', '50'));
  const rounds = Number(arg('rounds', '3'));
  const many = Number(arg('many', '10000'));
  const cores = availableParallelism();
  const loadAtStart = load();
  const withTls = toolsPresent();
  const certDir = mkdtempSync(join(tmpdir(), 'berth-bench-cert-'));
  if (withTls) makeBenchCert(certDir);
  const tlsCert = withTls ? certDir : undefined;

  const upstreamPort = await freePort();
  const up = await child('upstream', upstreamPort, 0);
  const enginePort = await freePort();
  const engineTlsPort = await freePort();
  const engine = await child('berth', enginePort, upstreamPort, withTls ? ['--tls-port', String(engineTlsPort), '--cert-dir', certDir] : []);
  const hpPort = await freePort();
  const hp = await child('http-proxy', hpPort, upstreamPort);
  const prof = process.env.BERTH_BENCH_CPU_PROF;
  const products: Array<[string, ProductBerth]> = [];
  // Imported here, not at the top: the role children (engine, upstream) need not load the AWS SDK.
  const { startProductBerth } = await import('./product-berth.js');
  const first = await startProductBerth({ upstreamPort, workers: 1, certDir: tlsCert, sslPolicy: DEFAULT_POLICY_NAME, cpuProfDir: prof });
  products.push([first.workersFlag ? 'berth up, 1 worker' : 'berth up', first]);
  if (first.workersFlag && cores > 1)
    products.push([`berth up, ${cores} workers`, await startProductBerth({ upstreamPort, workers: cores, cpuProfDir: prof })]);
  const anchors: Array<[string, Anchor | undefined, string]> = [
    ['nginx, 1 worker', await startNginx(upstreamPort, 1, tlsCert), ''],
    [`nginx, ${cores} workers`, cores > 1 ? await startNginx(upstreamPort, cores) : undefined, ''],
    ['haproxy, 1 thread', await startHaproxy(upstreamPort, tlsCert), ''],
    ['caddy, GOMAXPROCS=1', await startCaddy(upstreamPort, 1), ''],
    [`caddy, default`, await startCaddy(upstreamPort, undefined), ''],
  ];
  const paths: Path[] = [
    { name: 'direct', port: upstreamPort, pid: up.pid },
    // ProxyEngine + ListenerServer in a process of their own: no access log, no metrics, no control plane.
    { name: 'engine only', port: enginePort, pid: engine.pid },
    ...products.map(([name, b]) => ({ name, port: b.httpPort, pid: b.pid })),
    { name: 'http-proxy', port: hpPort, pid: hp.pid },
    ...anchors.map(([name, a]) => ({ name, port: a?.port, pid: a?.pid })),
  ];

  // Every path once per round, rounds interleaved; each figure is the median over the rounds.
  const results = new Map<string, Measured[]>();
  const tlsTargets: Array<[string, number | undefined]> = [
    ['engine only', withTls ? engineTlsPort : undefined],
    [products[0]?.[0] ?? 'berth up', first.httpsPort],
    ['nginx, 1 worker', anchors[0]?.[1]?.tlsPort],
    ['haproxy, 1 thread', anchors[2]?.[1]?.tlsPort],
  ];
  const tlsPaths = tlsTargets.filter((t): t is [string, number] => t[1] !== undefined);
  const tlsResults = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const p of paths) {
      if (p.port === undefined) continue;
      await wrk(`http://127.0.0.1:${p.port}/bench`, 4, 1); // warm-up: pools and JIT
      const cpu0 = p.pid === undefined ? Number.NaN : cpuSeconds(p.pid);
      const w = await wrk(`http://127.0.0.1:${p.port}/bench`, connections, seconds);
      const cpu = p.pid === undefined ? Number.NaN : cpuSeconds(p.pid) - cpu0;
      const r = { ...w, cpuUs: (cpu * 1e6) / (w.rps * seconds) };
      results.set(p.name, [...(results.get(p.name) ?? []), r]);
    }
    for (const metric of httpsMetrics) {
      for (const [name, port] of tlsPaths) {
        const key = `${metric}|${name}`;
        tlsResults.set(key, [...(tlsResults.get(key) ?? []), await httpsLoad(metric, port, seconds)]);
      }
    }
  }
  const loadAfterThroughput = load();
  const med = (name: string, f: (r: Measured) => number): number | undefined => {
    const rs = results.get(name);
    return rs ? median(rs.map(f)) : undefined;
  };
  const productName = products[0]?.[0] ?? 'berth up';

  // Added latency at half the product's peak, against the upstream alone at the same fixed rate.
  const half = (med(productName, (r) => r.rps) ?? 0) / 2;
  const fixed = new Map<string, { p50: number[]; p99: number[]; errors: number; achieved: number[] }>();
  const fixedPaths: Array<[string, number]> = [
    ['direct', upstreamPort],
    ['engine only', enginePort],
    [productName, first.httpPort],
  ];
  if (half > 0) {
    for (let round = 0; round < rounds; round++) {
      for (const [name, port] of fixedPaths) {
        const r = await fixedRate(port, connections, seconds, half);
        const f = fixed.get(name) ?? { p50: [], p99: [], errors: 0, achieved: [] };
        // A path that cannot keep the rate answers fewer: say so beside its latency.
        f.achieved.push(r.count / seconds);
        f.p50.push(percentile(r, 50));
        f.p99.push(percentile(r, 99));
        f.errors += r.errors;
        fixed.set(name, f);
      }
    }
  }

  // Many keep-alive connections held at once, per product process tree.
  const manyResults: Array<[string, Awaited<ReturnType<typeof holdManyConnections>>]> = [];
  if (many > 0) for (const [name, b] of products) manyResults.push([name, await holdManyConnections(b.httpPort, many, b.pid)]);
  const loadAtEnd = load();

  for (const [, b] of products) await b.stop();
  engine.kill('SIGINT');
  hp.kill();
  for (const [, a] of anchors) a?.stop();
  up.kill();

  console.log(
    `\nproxy benchmark ${new Date().toISOString()}: ${cores} cores, load average ${loadAtStart} at the start, ${loadAfterThroughput} after the throughput rounds, ${loadAtEnd} at the end`,
  );
  console.log(`wrk -t1 -c${connections}, ${seconds}s per path, ${rounds} interleaved rounds (medians), ${body.length}-byte responses, loopback\n`);
  const product = med(productName, (r) => r.rps);
  console.log(
    `${'path'.padEnd(24)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}  ${'product/this'.padStart(12)}${'CPU µs/req'.padStart(12)}   req/s per round`,
  );
  for (const p of paths) {
    const rs = results.get(p.name);
    if (!rs) {
      console.log(`${p.name.padEnd(24)}${'not installed'.padStart(13)}`);
      continue;
    }
    const rps = med(p.name, (r) => r.rps);
    const ratio = product !== undefined && rps !== undefined ? `${(product / rps).toFixed(2)}x` : 'n/a';
    console.log(
      `${p.name.padEnd(24)}${fmt(rps).padStart(9)}${fmt(
        med(p.name, (r) => r.p50Ms),
        2,
      ).padStart(9)}${fmt(
        med(p.name, (r) => r.p99Ms),
        2,
      ).padStart(9)}${String(rs.reduce((n, r) => n + r.errors, 0)).padStart(8)}  ${ratio.padStart(12)}${fmt(
        med(p.name, (r) => r.cpuUs),
        1,
      ).padStart(12)}   ${rs.map((r) => Math.round(r.rps)).join(' ')}`,
    );
  }
  const perRound = (a: string, b: string): string => {
    const ra = results.get(a) ?? [];
    const rb = results.get(b) ?? [];
    return ra.map((r, i) => (r.rps / (rb[i]?.rps ?? Number.NaN)).toFixed(2)).join(' ');
  };
  const ratio = (a: string, b: string, goal: string): void => {
    const x = med(a, (r) => r.rps);
    const y = med(b, (r) => r.rps);
    const cx = med(a, (r) => r.cpuUs);
    const cy = med(b, (r) => r.cpuUs);
    // The CPU ratio is what the req/s ratio would be if both were CPU-bound on equal cores.
    const byCpu = cx !== undefined && cy !== undefined ? `; by CPU per request ${(cy / cx).toFixed(2)}x` : '';
    if (x !== undefined && y !== undefined) console.log(`  ${a} / ${b}: ${(x / y).toFixed(2)}x (${goal}; per round ${perRound(a, b)}${byCpu})`);
  };
  console.log('');
  ratio(productName, 'nginx, 1 worker', 'goal >= 0.6x');
  if (products[1]) ratio(products[1][0], `nginx, ${cores} workers`, 'goal >= 0.6x');
  ratio(productName, `nginx, ${cores} workers`, 'no goal: the product without workers against nginx on every core');
  ratio(productName, 'caddy, GOMAXPROCS=1', 'goal >= 1.5x');
  ratio(products[1]?.[0] ?? productName, 'caddy, default', 'goal >= 1.5x');
  ratio(productName, 'engine only', 'the gap between the product and its engine');

  if (fixed.size) {
    console.log(
      `\nfixed rate ${Math.round(half)} req/s (half of ${productName}'s peak), ${connections} connections, latency from each request's scheduled time, medians:`,
    );
    const d = fixed.get('direct');
    for (const [name] of fixedPaths) {
      const f = fixed.get(name);
      if (!f) continue;
      const p50 = median(f.p50);
      const p99 = median(f.p99);
      const added =
        d && name !== 'direct' ? `  added p50 ${(p50 - median(d.p50)).toFixed(3)} ms (goal < 0.5), p99 ${(p99 - median(d.p99)).toFixed(3)} ms (goal < 2)` : '';
      console.log(
        `  ${name.padEnd(22)} answered ${Math.round(median(f.achieved))}/s  p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  errors ${f.errors}${added}`,
      );
    }
  }
  for (const [name, m] of manyResults) {
    const rss = m.rssMiB.map((r) => `pid ${r.pid} ${r.beforeMiB.toFixed(0)} -> ${r.rssMiB.toFixed(0)} MiB`).join(', ');
    console.log(
      `\n${many} keep-alive connections on ${name}: ${m.connections} held and answered twice, ${m.errors} errors; RSS per process ${rss} (goal < 150 MB per worker)`,
    );
  }
  if (tlsPaths.length) {
    const labels: Record<HttpsMetric, string> = {
      'https-keepalive': 'keep-alive HTTPS req/s (wrk, 50 conns)',
      'tls-new-conn': 'new TLS conns/s, 1 req each (s_time x2)',
      'h2-10x10': 'HTTP/2 req/s (h2load, 10 conns x 10 streams)',
    };
    const nginxName = 'nginx, 1 worker';
    const hasNginx = tlsPaths.some(([n]) => n === nginxName);
    console.log(`\nHTTPS (ECDSA P-256, ${DEFAULT_POLICY_NAME}), medians over the rounds:`);
    console.log(`${'metric'.padEnd(46)}${tlsPaths.map(([n]) => n.slice(0, 17).padStart(19)).join('')}   ${productName}/nginx   per round (product / nginx)`);
    for (const metric of httpsMetrics) {
      const m = (n: string): number => median(tlsResults.get(`${metric}|${n}`) ?? [Number.NaN]);
      const ratioText = hasNginx ? `${(m(productName) / m(nginxName)).toFixed(2)}x (>= 0.5x)` : 'n/a';
      const roundsOf = (n: string): string => (tlsResults.get(`${metric}|${n}`) ?? []).map(Math.round).join(' ');
      console.log(
        `${labels[metric].padEnd(46)}${tlsPaths.map(([n]) => String(Math.round(m(n))).padStart(19)).join('')}   ${ratioText.padEnd(17)}${roundsOf(productName)} / ${roundsOf(nginxName)}`,
      );
    }
  }
}

const role = arg('role', '');
const port = Number(arg('port', '0'));
const upstreamPort = Number(arg('upstream', '0'));
if (role === 'upstream') void runUpstream(port);
else if (role === 'berth') void runBerth(port, upstreamPort, Number(arg('tls-port', '0')), arg('cert-dir', ''));
else if (role === 'http-proxy') void runHttpProxy(port, upstreamPort);
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
