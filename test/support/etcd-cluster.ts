/**
 * A real etcd for tests and benches: 1 or 3 members on 127.0.0.1, each on free ports, in its own
 * mktemp data dir. Members can be killed with SIGKILL, stopped and restarted on the same ports and
 * data, so a test can take a member (or all of them) away and bring it back.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/platform/free-port.js';
import { inCi } from './requirements.js';
import { eventually } from './eventually.js';

export const ETCD_BINARY = process.env.BERTH_ETCD ?? 'etcd';

let answer: boolean | undefined;
export function etcdAvailable(): boolean {
  if (answer === undefined) {
    try {
      execFileSync(ETCD_BINARY, ['--version'], { stdio: 'ignore', timeout: 15_000 });
      answer = true;
    } catch {
      answer = false;
    }
  }
  return answer;
}

/** node:test `skip` for suites needing etcd: visible outside CI, an error in CI (.ci/run installs etcd-server). */
export function etcdRequirement(): false | string {
  if (etcdAvailable()) return false;
  const why = 'etcd not installed (Debian: etcd-server)';
  if (inCi()) throw new Error(`${why}, and CI=true makes this suite mandatory`);
  console.warn(`SKIPPING: ${why}`);
  return why;
}

interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  process?: ChildProcess;
}

export interface EtcdCluster {
  /** `127.0.0.1:PORT` of every member, as `--store etcd://…` takes them. */
  readonly endpoints: string[];
  readonly storeUrl: string;
  /** SIGKILL one member (index), or SIGSTOP/SIGCONT-free: the process is gone. */
  kill(member: number): Promise<void>;
  /** Start a killed member again on its ports and data. */
  restart(member: number): Promise<void>;
  /** Wait until every running member answers its health endpoint. */
  healthy(): Promise<void>;
  stop(): Promise<void>;
}

/** PEM files for client TLS: clients must present a certificate signed by `caFile` (etcd's --client-cert-auth). */
export interface EtcdClientTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** A client certificate for the helper's own health checks. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

export interface EtcdClusterOptions {
  readonly members?: 1 | 3;
  /** Serve clients over TLS with client-certificate auth. */
  readonly clientTls?: EtcdClientTls;
  /** Passed to every member (e.g. --max-txn-ops). */
  readonly extraArgs?: readonly string[];
}

/** Berth's plans write many keys at once: etcd's default of 128 operations per txn is too few. */
export const ETCD_BERTH_ARGS = ['--max-txn-ops', '100000', '--max-request-bytes', '67108864', '--quota-backend-bytes', '8589934592'];

export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const count = options.members ?? 1;
  const root = mkdtempSync(join(tmpdir(), 'berth-etcd-'));
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    members.push({ name: `m${i}`, clientPort: await freePort(), peerPort: await freePort(), dataDir: join(root, `m${i}`) });
  }
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  const token = `berth-test-${process.pid}-${Date.now()}`;
  const tls = options.clientTls;
  const clientScheme = tls ? 'https' : 'http';
  const tlsArgs = tls ? ['--client-cert-auth', '--trusted-ca-file', tls.caFile, '--cert-file', tls.certFile, '--key-file', tls.keyFile] : [];
  const launch = (m: Member) => {
    const args = [
      '--name',
      m.name,
      '--data-dir',
      m.dataDir,
      '--listen-client-urls',
      `${clientScheme}://127.0.0.1:${m.clientPort}`,
      '--advertise-client-urls',
      `${clientScheme}://127.0.0.1:${m.clientPort}`,
      ...tlsArgs,
      '--listen-peer-urls',
      `http://127.0.0.1:${m.peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${m.peerPort}`,
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-token',
      token,
      '--initial-cluster-state',
      'new',
      // Fast elections on loopback, so a killed member's leadership moves in well under a second.
      '--heartbeat-interval',
      '50',
      '--election-timeout',
      '500',
      '--log-level',
      'error',
      ...ETCD_BERTH_ARGS,
      ...(options.extraArgs ?? []),
    ];
    m.process = spawn(ETCD_BINARY, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' },
    });
    m.process.stderr?.resume();
  };
  members.forEach(launch);
  const healthyMember = async (m: Member) => {
    const body = tls ? await httpsJson(`https://127.0.0.1:${m.clientPort}/health`, tls) : await (await fetch(`http://127.0.0.1:${m.clientPort}/health`)).json();
    return (body as { health?: string }).health === 'true' ? true : undefined;
  };
  const healthy = async () => {
    for (const m of members) {
      if (!m.process || m.process.exitCode !== null) continue;
      await eventually(() => healthyMember(m), { what: `etcd member ${m.name} healthy`, timeoutMs: 20_000, intervalMs: 100 });
    }
  };
  const stopProcess = async (m: Member, signal: NodeJS.Signals) => {
    const p = m.process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
  };
  try {
    await healthy();
  } catch (err) {
    for (const m of members) await stopProcess(m, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const endpoints = members.map((m) => `127.0.0.1:${m.clientPort}`);
  return {
    endpoints,
    storeUrl: `etcd://${endpoints.join(',')}`,
    kill: (i) => stopProcess(members[i]!, 'SIGKILL'),
    restart: async (i) => {
      const m = members[i]!;
      await stopProcess(m, 'SIGKILL');
      launch(m);
    },
    healthy,
    stop: async () => {
      for (const m of members) await stopProcess(m, 'SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** GET over TLS with a client certificate (fetch cannot present one). */
function httpsJson(url: string, tls: EtcdClientTls): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: readFileSync(tls.caFile), cert: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile), timeout: 2_000 },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
