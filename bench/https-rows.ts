/**
 * The HTTPS rows of the proxy benchmark: the same ECDSA P-256 certificate and the same policy
 * (ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.2-1.3, its ciphers in its order) on Berth, nginx and
 * HAProxy, driven by the field's own load tools so the generator is not a Node process:
 *   - keep-alive HTTPS req/s: wrk, 50 connections (HTTP/1.1 over TLS);
 *   - new TLS connections/s, one request each: `openssl s_time -new`, two clients in parallel;
 *   - HTTP/2 req/s: h2load, 10 connections x 10 concurrent streams.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SSL_POLICY, sslPolicyByName } from '../src/domain/elbv2/ssl-policy.js';
import { tlsOptionsForPolicy } from '../src/load-balancer/proxy/tls-policy-options.js';

export type HttpsMetric = 'https-keepalive' | 'tls-new-conn' | 'h2-10x10';
export const httpsMetrics: readonly HttpsMetric[] = ['https-keepalive', 'tls-new-conn', 'h2-10x10'];

export function toolsPresent(): boolean {
  return ['/usr/bin/wrk', '/usr/bin/h2load'].every(existsSync);
}

/** Writes cert.pem, key.pem and combined.pem (HAProxy's form) into dir. */
export function makeBenchCert(dir: string): { cert: string; key: string; combined: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=bench.test',
      '-addext',
      'subjectAltName=DNS:bench.test',
    ],
    { stdio: 'ignore' },
  );
  const combined = join(dir, 'combined.pem');
  writeFileSync(combined, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
  return { cert, key, combined };
}

const defaultPolicy = sslPolicyByName(DEFAULT_SSL_POLICY);
if (!defaultPolicy) throw new Error(`no SSL policy ${DEFAULT_SSL_POLICY}`);
const policy = tlsOptionsForPolicy(defaultPolicy);
const tls12 = policy.ciphers
  .split(':')
  .filter((c) => !c.startsWith('TLS_'))
  .join(':');
const tls13 = policy.ciphers
  .split(':')
  .filter((c) => c.startsWith('TLS_'))
  .join(':');

export function nginxTlsServer(port: number, dir: string): string {
  return `server { listen 127.0.0.1:${port} ssl http2; ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem;
         ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers ${tls12}; ssl_conf_command Ciphersuites ${tls13}; ssl_prefer_server_ciphers on;
         ssl_session_cache off; ssl_session_tickets off; http2_max_concurrent_streams 128;
         location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } }`;
}

export function haproxyTlsFrontend(port: number, dir: string): string {
  return `frontend ftls\n  bind 127.0.0.1:${port} ssl crt ${dir}/combined.pem alpn h2,http/1.1 ssl-min-ver TLSv1.2 ciphers ${tls12} ciphersuites ${tls13} no-tls-tickets\n  default_backend b\n`;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => execFile(cmd, args, { timeout: timeoutMs }, (_e, out, err) => resolve(`${out}${err}`)));
}

/** Requests (or connections) per second for one metric against one TLS port. */
export async function httpsLoad(metric: HttpsMetric, port: number, seconds: number): Promise<number> {
  const url = `https://127.0.0.1:${port}/bench`;
  const limit = (seconds + 10) * 1000;
  if (metric === 'https-keepalive') {
    const out = await run('wrk', ['-t1', '-c50', `-d${seconds}s`, url], limit);
    return Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
  }
  if (metric === 'h2-10x10') {
    const out = await run('h2load', ['-c10', '-m10', '-D', String(seconds), url], limit);
    return Number(/finished in [\d.]+s, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN);
  }
  // No session resumption: every connection is a full handshake, as a new client's is.
  const one = (): Promise<number> =>
    run('openssl', ['s_time', '-connect', `127.0.0.1:${port}`, '-new', '-time', String(seconds), '-www', '/bench'], limit).then((out) => {
      const m = /(\d+) connections in ([\d.]+) real seconds/.exec(out);
      return m ? Number(m[1]) / Number(m[2]) : NaN;
    });
  const [a, b] = await Promise.all([one(), one()]);
  return a + b;
}
