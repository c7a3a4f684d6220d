/**
 * Proxy benchmark: one upstream, one load generator, and the same load sent directly, through
 * Berth, through Node's http-proxy (keep-alive agent), and through nginx / HAProxy when installed.
 * Every server runs in its own process so the load generator does not steal the proxy's CPU.
 *
 *   npm run bench:proxy -- [--seconds 4] [--connections 50] [--rounds 3] [--no-install]
 *
 * Prints the median req/s and p50/p99 latency per path over interleaved rounds, then the p50 at half
 * of Berth's peak rate (the "added p50 at half load" target). Loopback only.
 *
 * HTTPS rows (issue 13; see https-rows.ts) run in the same rounds, when wrk and h2load are present:
 * keep-alive HTTPS, new TLS connections, HTTP/2 10x10, on Berth, nginx and HAProxy alike.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/platform/free-port.js';
import { median } from './stats.js';
import { haproxyTlsFrontend, httpsLoad, httpsMetrics, makeBenchCert, nginxTlsServer, toolsPresent, type HttpsMetric } from './https-rows.js';

const self = fileURLToPath(import.meta.url);
const DEFAULT_POLICY_NAME = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
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

// ---------- load generator ----------

interface Result {
  requests: number;
  errors: number;
  seconds: number;
  latencies: Float64Array;
  count: number;
}

/** N keep-alive connections, each sending its next request as soon as the last response ends. */
function load(port: number, connections: number, seconds: number, ratePerSecond?: number): Promise<Result> {
  const request = Buffer.from(`GET /bench HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  const latencies = new Float64Array(2_000_000);
  let count = 0;
  let requests = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const interval = ratePerSecond ? (connections * 1000) / ratePerSecond : 0;
  return new Promise((resolve) => {
    let open = connections;
    const done = (): void => {
      if (--open === 0) resolve({ requests, errors, seconds, latencies, count });
    };
    for (let c = 0; c < connections; c++) {
      const s = net.connect(port, '127.0.0.1');
      s.setNoDelay(true);
      let sentAt = 0;
      let buf: Buffer = Buffer.alloc(0);
      const send = (): void => {
        if (performance.now() >= deadline) {
          s.end();
          return;
        }
        sentAt = performance.now();
        s.write(request);
      };
      s.on('connect', () => (interval ? setTimeout(send, Math.random() * interval) : send()));
      s.on('data', (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.subarray(0, end).toString('latin1');
          const m = /content-length: *(\d+)/i.exec(head);
          const total = end + 4 + (m ? Number(m[1]) : 0);
          if (buf.length < total) return;
          if (!head.startsWith('HTTP/1.1 200')) errors++;
          buf = buf.subarray(total);
          requests++;
          const now = performance.now();
          if (count < latencies.length) latencies[count++] = now - sentAt;
          if (interval) setTimeout(send, Math.max(0, interval - (now - sentAt)));
          else send();
        }
      });
      s.on('error', () => errors++);
      s.on('close', done);
    }
  });
}

function pct(r: Result, p: number): number {
  const sorted = r.latencies.slice(0, r.count).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// ---------- orchestration ----------

function child(role: string, port: number, upstreamPort: number, extra: string[] = []): Promise<ChildProcess> {
  // BERTH_BENCH_CPU_PROF=dir writes a CPU profile of the Berth process there.
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

async function external(
  name: string,
  bin: string,
  config: (port: number, upstream: number, dir: string) => [string[], string],
): Promise<((upstream: number) => Promise<{ port: number; stop: () => void }>) | undefined> {
  if (!existsSync(bin)) return undefined;
  return async (upstreamPort) => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), `berth-bench-${name}-`));
    const [args, file] = config(port, upstreamPort, dir);
    writeFileSync(join(dir, 'conf'), file);
    const p = spawn(bin, args, { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    return { port, stop: () => p.kill() };
  };
}

/** nginx and HAProxy are the anchors: install them from Debian when missing (as root, unless --no-install). */
function ensureAnchors(): void {
  const missing = [
    ['nginx', '/usr/sbin/nginx'],
    ['haproxy', '/usr/sbin/haproxy'],
  ]
    .filter(([, bin]) => !existsSync(bin!))
    .map(([pkg]) => pkg!);
  if (missing.length === 0 || process.argv.includes('--no-install') || process.getuid?.() !== 0) return;
  console.log(`installing ${missing.join(' ')} from Debian for the comparison...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'ignore', env });
  if (r.status !== 0) console.log(`could not install ${missing.join(' ')} (apt-get exit ${r.status}); those rows will say "not installed"`);
}

async function main(): Promise<void> {
  ensureAnchors();
  const seconds = Number(arg('seconds', '4'));
  const connections = Number(arg('connections', '50'));
  const rounds = Number(arg('rounds', '3'));
  const upstreamPort = await freePort();
  const up = await child('upstream', upstreamPort, 0);
  const berthPort = await freePort();
  const withTls = toolsPresent();
  const certDir = mkdtempSync(join(tmpdir(), 'berth-bench-cert-'));
  if (withTls) makeBenchCert(certDir);
  const tlsPorts = { berth: await freePort(), nginx: await freePort(), haproxy: await freePort() };
  const berth = await child('berth', berthPort, upstreamPort, withTls ? ['--tls-port', String(tlsPorts.berth), '--cert-dir', certDir] : []);
  const hpPort = await freePort();
  const hp = await child('http-proxy', hpPort, upstreamPort);
  const nginx = await external('nginx', '/usr/sbin/nginx', (port, u, dir) => [
    ['-c', join(dir, 'conf'), '-p', dir, '-g', 'daemon off;'],
    // One worker, as Berth is one process; keep-alive both ways without a request cap.
    `worker_processes 1; error_log stderr; pid ${dir}/pid; events { worker_connections 1024; }
     http { access_log off; keepalive_requests 1000000; upstream u { server 127.0.0.1:${u}; keepalive 64; keepalive_requests 1000000; }
       server { listen 127.0.0.1:${port}; location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } }
       ${withTls ? nginxTlsServer(tlsPorts.nginx, certDir) : ''} }`,
  ]);
  const haproxy = await external('haproxy', '/usr/sbin/haproxy', (port, u, dir) => [
    ['-f', join(dir, 'conf')],
    `defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend f\n  bind 127.0.0.1:${port}\n  default_backend b\nbackend b\n  http-reuse always\n  server s 127.0.0.1:${u}\n${withTls ? haproxyTlsFrontend(tlsPorts.haproxy, certDir) : ''}`,
  ]);
  const paths: Array<[string, number | undefined]> = [
    ['direct', upstreamPort],
    ['berth', berthPort],
    ['http-proxy', hpPort],
  ];
  const stops: Array<() => void> = [];
  for (const [name, start] of [
    ['nginx', nginx],
    ['haproxy', haproxy],
  ] as const) {
    const srv = start ? await start(upstreamPort) : undefined;
    if (srv) stops.push(srv.stop);
    paths.push([name, srv?.port]);
  }

  // Every path once per round, rounds interleaved, so a noisy moment of a shared machine lands on
  // all of them alike; each figure is the median over the rounds.
  const results = new Map<string, Result[]>();
  const tlsPaths = (['berth', 'nginx', 'haproxy'] as const).filter((n) => withTls && paths.some(([p, port]) => p === n && port !== undefined));
  const tlsResults = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, port] of paths) {
      if (port === undefined) continue;
      await load(port, 4, 0.5); // warm-up
      const r = await load(port, connections, seconds);
      results.set(name, [...(results.get(name) ?? []), r]);
    }
    for (const metric of httpsMetrics) {
      for (const name of tlsPaths) {
        const key = `${metric}|${name}`;
        tlsResults.set(key, [...(tlsResults.get(key) ?? []), await httpsLoad(metric, tlsPorts[name], seconds)]);
      }
    }
  }
  const rpsOf = (r: Result) => r.requests / r.seconds;
  const medianOf = (name: string, f: (r: Result) => number): number | undefined => {
    const rs = results.get(name);
    return rs ? median(rs.map(f)) : undefined;
  };

  // Latency Berth adds at half its peak rate, against the upstream alone at that same rate.
  const half = medianOf('berth', rpsOf)! / 2;
  const directHalf: number[] = [];
  const berthHalf: number[] = [];
  for (let round = 0; round < rounds; round++) {
    directHalf.push(pct(await load(upstreamPort, connections, seconds, half), 50));
    berthHalf.push(pct(await load(berthPort, connections, seconds, half), 50));
  }
  berth.kill('SIGINT');
  hp.kill();
  for (const stop of stops) stop();
  up.kill();

  console.log(
    `\nproxy benchmark: ${connections} keep-alive connections, ${seconds}s per path, ${rounds} interleaved rounds (medians), ${body.length}-byte responses, loopback\n`,
  );
  console.log(`${'path'.padEnd(12)}${'req/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'errors'.padStart(9)}   req/s per round`);
  for (const [name] of paths) {
    const rs = results.get(name);
    if (!rs) {
      console.log(`${name.padEnd(12)}${'not installed'.padStart(10)}`);
      continue;
    }
    const errors = rs.reduce((n, r) => n + r.errors, 0);
    console.log(
      `${name.padEnd(12)}${Math.round(medianOf(name, rpsOf)!).toString().padStart(10)}${medianOf(name, (r) => pct(r, 50))!
        .toFixed(2)
        .padStart(10)}${medianOf(name, (r) => pct(r, 99))!
        .toFixed(2)
        .padStart(10)}${String(errors).padStart(9)}   ${rs.map((r) => Math.round(rpsOf(r))).join(' ')}`,
    );
  }
  const b = medianOf('berth', rpsOf)!;
  const hpRps = medianOf('http-proxy', rpsOf);
  const ngRps = medianOf('nginx', rpsOf);
  const perRound = (other: string) => (results.get(other) ?? []).map((r, i) => (rpsOf(results.get('berth')![i]!) / rpsOf(r)).toFixed(2)).join(' ');
  console.log(`\nberth / http-proxy: ${hpRps ? (b / hpRps).toFixed(2) + 'x' : 'n/a'} (target >= 1.5x; per round ${perRound('http-proxy')})`);
  console.log(`berth / nginx:      ${ngRps ? (b / ngRps).toFixed(2) + 'x' : 'nginx not installed'} (target >= 0.35x; per round ${perRound('nginx')})`);
  if (tlsPaths.length) {
    const labels: Record<HttpsMetric, string> = {
      'https-keepalive': 'keep-alive HTTPS req/s (wrk, 50 conns)',
      'tls-new-conn': 'new TLS conns/s, 1 req each (s_time x2)',
      'h2-10x10': 'HTTP/2 req/s (h2load, 10 conns x 10 streams)',
    };
    console.log(`\nHTTPS (ECDSA P-256, ${DEFAULT_POLICY_NAME}), medians over the rounds:`);
    console.log(`${'metric'.padEnd(46)}${tlsPaths.map((n) => n.padStart(10)).join('')}   berth/nginx   per round (berth, nginx)`);
    for (const metric of httpsMetrics) {
      const m = (n: string) => median(tlsResults.get(`${metric}|${n}`) ?? [NaN]);
      const ratio = tlsPaths.includes('nginx') ? `${(m('berth') / m('nginx')).toFixed(2)}x (>= 0.5x)` : 'n/a';
      const rounds = (n: string) => (tlsResults.get(`${metric}|${n}`) ?? []).map(Math.round).join(' ');
      console.log(
        `${labels[metric].padEnd(46)}${tlsPaths.map((n) => String(Math.round(m(n))).padStart(10)).join('')}   ${ratio.padEnd(17)}${rounds('berth')} / ${rounds('nginx')}`,
      );
    }
  }
  const dH = median(directHalf);
  const bH = median(berthHalf);
  console.log(
    `at half of berth's peak (${Math.round(half)} req/s): p50 direct ${dH.toFixed(3)} ms, through berth ${bH.toFixed(3)} ms, added ${(bH - dH).toFixed(3)} ms (target < 1 ms)`,
  );
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
