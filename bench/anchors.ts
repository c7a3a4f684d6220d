/**
 * The peers the proxy bench compares Berth with, each from Debian and each in its own process:
 * nginx (1 worker and N workers; upstream keep-alive, no keep-alive request cap), HAProxy (one
 * thread, `http-reuse always`), Caddy (`reverse_proxy`, its defaults, with GOMAXPROCS=1 and
 * unbounded). TLS servers for the HTTPS rows come from https-rows.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/platform/free-port.js';
import { haproxyTlsFrontend, nginxTlsServer } from './https-rows.js';

export interface Anchor {
  readonly pid: number | undefined;
  readonly port: number;
  /** The TLS port, for the anchors that serve the HTTPS rows. */
  readonly tlsPort: number | undefined;
  stop(): void;
}

const bins = { nginx: '/usr/sbin/nginx', haproxy: '/usr/sbin/haproxy', caddy: '/usr/bin/caddy' } as const;

/** Installs nginx and HAProxy from Debian when missing (as root, unless --no-install). */
export function ensureAnchors(allowInstall: boolean): void {
  const missing = (['nginx', 'haproxy'] as const).filter((pkg) => !existsSync(bins[pkg]));
  if (missing.length === 0 || !allowInstall || process.getuid?.() !== 0) return;
  console.log(`installing ${missing.join(' ')} from Debian for the comparison...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'ignore', env });
  if (r.status !== 0) console.log(`could not install ${missing.join(' ')} (apt-get exit ${r.status}); those rows will say "not installed"`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function start(bin: string, args: string[], env: NodeJS.ProcessEnv, port: number, tlsPort?: number): Promise<Anchor | undefined> {
  const p = spawn(bin, args, { stdio: 'ignore', env: { ...process.env, ...env } });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (p.exitCode !== null || Date.now() > deadline) {
      p.kill();
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid: p.pid, port, tlsPort, stop: () => p.kill() };
}

export async function startNginx(upstream: number, workers: number, certDir?: string): Promise<Anchor | undefined> {
  if (!existsSync(bins.nginx)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-nginx-'));
  const port = await freePort();
  const tlsPort = certDir ? await freePort() : undefined;
  writeFileSync(
    join(dir, 'conf'),
    `worker_processes ${workers}; error_log stderr; pid ${dir}/pid; worker_rlimit_nofile 20000; events { worker_connections 16384; }
     http { access_log off; keepalive_requests 1000000; upstream u { server 127.0.0.1:${upstream}; keepalive 64; keepalive_requests 1000000; }
       server { listen 127.0.0.1:${port}; location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } }
       ${tlsPort !== undefined && certDir ? nginxTlsServer(tlsPort, certDir) : ''} }`,
  );
  return start(bins.nginx, ['-c', join(dir, 'conf'), '-p', dir, '-g', 'daemon off;'], {}, port, tlsPort);
}

export async function startHaproxy(upstream: number, certDir?: string): Promise<Anchor | undefined> {
  if (!existsSync(bins.haproxy)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-haproxy-'));
  const port = await freePort();
  const tlsPort = certDir ? await freePort() : undefined;
  writeFileSync(
    join(dir, 'conf'),
    `global\n  nbthread 1\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend f\n  bind 127.0.0.1:${port}\n  default_backend b\nbackend b\n  http-reuse always\n  server s 127.0.0.1:${upstream}\n${tlsPort !== undefined && certDir ? haproxyTlsFrontend(tlsPort, certDir) : ''}`,
  );
  return start(bins.haproxy, ['-f', join(dir, 'conf')], {}, port, tlsPort);
}

/** Caddy's reverse_proxy with its defaults; `gomaxprocs` undefined leaves Go's default (the cores). */
export async function startCaddy(upstream: number, gomaxprocs: number | undefined): Promise<Anchor | undefined> {
  if (!existsSync(bins.caddy)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-caddy-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'Caddyfile'),
    `{\n  admin off\n  auto_https off\n}\nhttp://127.0.0.1:${port} {\n  bind 127.0.0.1\n  reverse_proxy 127.0.0.1:${upstream}\n}\n`,
  );
  const env: NodeJS.ProcessEnv = {
    HOME: dir,
    XDG_DATA_HOME: dir,
    XDG_CONFIG_HOME: dir,
    ...(gomaxprocs !== undefined ? { GOMAXPROCS: String(gomaxprocs) } : {}),
  };
  return start(bins.caddy, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], env, port);
}
