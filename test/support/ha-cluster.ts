/**
 * The whole HA topology of issue 14 on loopback, as real processes: a 3-member etcd on 127.0.0.1,
 * two `berth server` replicas on it (no load-balancer node inside), two `berth agent`s (process
 * runtime) on 127.0.0.2 and 127.0.0.3, and two `berth lb` nodes on 127.0.0.21 and 127.0.0.22.
 * Agents and nodes list both servers and fail over between them; the servers share one sealing key
 * (`--secrets-key-file`) and run `--auth sigv4`, so every call of every protocol is signed (HA_KEY). Every Berth process runs compiled
 * (berth-entry.ts) and can be killed, stopped and started again on the same ports, data and state,
 * so one cluster serves a sequence of scenarios.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { freePort } from '../../src/platform/free-port.js';
import { EtcdStore } from '../../src/store/etcd-store.js';
import { LEADER_KEY, type LeaderRecord } from '../../src/store/etcd-leader-election.js';
import { repoRoot } from './berth-process.js';
import { compiledBerthEntry, removeCompiledBerth } from './berth-entry.js';
import { startEtcdCluster, type EtcdCluster } from './etcd-cluster.js';
import { stopAllTasks } from './stop-everything.js';
import { ecsClient, elbv2Client } from './sdk-clients.js';

export const AGENT_IPS = ['127.0.0.2', '127.0.0.3'] as const;
/** The one key of the cluster's API and protocols; the secret goes in environments, never on a command line. */
export const HA_KEY = { accessKeyId: 'AKIDHACLUSTER', secretAccessKey: 'ha-cluster-secret' } as const;
const KEY_ENV = { BERTH_SECRET_ACCESS_KEY: HA_KEY.secretAccessKey };
export const LB_IPS = ['127.0.0.21', '127.0.0.22'] as const;

/** One Berth process that can be started again with the same command line. */
export class BerthChild {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private out = '';
  /** Epoch ms of the latest spawn, and of its "up" line. */
  spawnedAt = 0;
  upAt = 0;

  constructor(
    readonly name: string,
    private readonly args: readonly string[],
    private readonly upLine: string,
    private readonly env: Record<string, string> = {},
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Everything the latest run printed. */
  output(): string {
    return this.out;
  }

  /** Spawns it and resolves on its up line; rejects with its output if it exits first or is slow. */
  start(timeoutMs = 60_000): Promise<void> {
    this.out = '';
    this.spawnedAt = Date.now();
    const child = spawn(process.execPath, [compiledBerthEntry(), ...this.args], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${this.name} was not up within ${timeoutMs} ms:\n${this.out}`));
      }, timeoutMs);
      const onData = (d: Buffer): void => {
        this.out += d.toString();
        if (this.upAt < this.spawnedAt && this.out.includes(this.upLine)) {
          this.upAt = Date.now();
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before it was up:\n${this.out}`));
      });
    });
  }

  async kill9(): Promise<void> {
    if (this.alive()) this.proc?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.alive()) this.proc?.kill('SIGTERM');
    await this.exited;
  }
}

export interface HaCluster {
  readonly etcd: EtcdCluster;
  readonly servers: readonly BerthChild[];
  readonly serverUrls: readonly string[];
  readonly agents: readonly BerthChild[];
  /** In LB_IPS order. */
  readonly lbNodes: readonly BerthChild[];
  readonly ttlSeconds: number;
  /** Clients on one replica (0 or 1); every replica serves the whole API. */
  ecs(server: number, options?: { maxAttempts?: number }): ECSClient;
  elb(server: number): ElasticLoadBalancingV2Client;
  /** The index of the server holding the leader key, read from etcd; undefined when none does. */
  leader(): Promise<number | undefined>;
  /** A server process on this etcd that is not part of the cluster (own data dir, so its own key); the caller starts and stops it. */
  extraServer(args?: readonly string[]): Promise<BerthChild>;
  /** A client on one etcd member only (a lagging member's own view). */
  memberStore(member: number): Promise<EtcdStore>;
  /** Stops every task (through a live server), then every process, and removes their data. */
  stop(): Promise<void>;
}

export interface HaClusterOptions {
  /** The leader's lease (default 2 s). */
  readonly ttlSeconds?: number;
  /** More `berth agent` flags for the agent on `ip` (host attributes, reserved ports). */
  readonly agentArgs?: (ip: string) => readonly string[];
}

export async function startHaCluster(options: HaClusterOptions = {}): Promise<HaCluster> {
  const ttlSeconds = options.ttlSeconds ?? 2;
  const dirs: string[] = [];
  const dir = (prefix: string): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const etcd = await startEtcdCluster({ members: 3 });
  const children: BerthChild[] = [];
  let watcher: EtcdStore | undefined;
  const stop = async (): Promise<void> => {
    const live = children.findIndex((c) => c.name.startsWith('server') && c.alive());
    if (live >= 0) await stopAllTasks(serverUrls[live] ?? '', 45_000, HA_KEY).catch(() => undefined);
    for (const c of [...children].reverse()) await c.stop();
    await watcher?.close();
    await etcd.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    removeCompiledBerth();
  };
  const serverUrls: string[] = [];
  try {
    // Made here, not by the first server: two servers starting at once would both try to create it.
    const secretsKey = join(dir('berth-test-ha-key-'), 'secrets.key');
    writeFileSync(secretsKey, randomBytes(32), { mode: 0o600 });
    const ports = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    for (const p of ports) serverUrls.push(`http://127.0.0.1:${p}`);
    const servers = ports.map(
      (port, i) =>
        new BerthChild(
          `server${i}`,
          [
            'server',
            '--data-dir',
            dir('berth-test-ha-server-'),
            '--api-port',
            String(port),
            '--store',
            etcd.storeUrl,
            '--secrets-key-file',
            secretsKey,
            '--leader-ttl',
            String(ttlSeconds),
            '--no-lb',
            '--auth',
            'sigv4',
            '--access-key-id',
            HA_KEY.accessKeyId,
            '--log-level',
            'warn',
          ],
          'API: ',
          KEY_ENV,
        ),
    );
    children.push(...servers);
    await Promise.all(servers.map((s) => s.start()));
    const both = serverUrls.join(',');
    const agents = AGENT_IPS.map(
      (ip) =>
        new BerthChild(
          `agent ${ip}`,
          [
            'agent',
            '--server',
            both,
            '--advertise-ip',
            ip,
            '--state-dir',
            dir('berth-test-ha-agent-'),
            '--runtime',
            'process',
            '--access-key-id',
            HA_KEY.accessKeyId,
            '--log-level',
            'warn',
            ...(options.agentArgs?.(ip) ?? []),
          ],
          'Berth agent is up',
          KEY_ENV,
        ),
    );
    const lbNodes = LB_IPS.map(
      (ip) =>
        new BerthChild(
          `lb ${ip}`,
          ['lb', '--server', both, '--advertise-ip', ip, '--data-dir', dir('berth-test-ha-lb-'), '--access-key-id', HA_KEY.accessKeyId, '--log-level', 'warn'],
          'load-balancer node is up',
          KEY_ENV,
        ),
    );
    children.push(...agents, ...lbNodes);
    await Promise.all([...agents, ...lbNodes].map((c) => c.start()));
    watcher = await EtcdStore.connect({ endpoints: etcd.endpoints });
    const w = watcher;
    return {
      etcd,
      servers,
      serverUrls,
      agents,
      lbNodes,
      ttlSeconds,
      ecs: (i, o = {}) => ecsClient(serverUrls[i] ?? '', { credentials: HA_KEY, ...o }),
      elb: (i) => elbv2Client(serverUrls[i] ?? '', { credentials: HA_KEY }),
      leader: async () => {
        const holder = (await w.get<LeaderRecord>(LEADER_KEY))?.value.holder;
        // A server's id carries its pid (`host-pid-random`).
        const i = servers.findIndex((s) => s.alive() && holder?.includes(`-${s.pid}-`));
        return i >= 0 ? i : undefined;
      },
      extraServer: async (args = []) => {
        const extra = new BerthChild(
          'extra server',
          [
            'server',
            '--data-dir',
            dir('berth-test-ha-server-'),
            '--api-port',
            String(await freePort('127.0.0.1')),
            '--store',
            etcd.storeUrl,
            '--no-lb',
            '--auth',
            'sigv4',
            '--access-key-id',
            HA_KEY.accessKeyId,
            ...args,
          ],
          'API: ',
          KEY_ENV,
        );
        children.push(extra);
        return extra;
      },
      memberStore: (m) => EtcdStore.connect({ endpoints: [etcd.endpoints[m] ?? ''] }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
