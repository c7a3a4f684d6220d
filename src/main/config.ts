/**
 * `berth up` settings: each flag has an environment twin (BERTH_<FLAG>), flags win.
 * Pure: parse(argv, env) → config or a usage error; no I/O here.
 */
import { parsePortRange, type PortRange } from '../scheduling/port-allocator.js';
import { availableParallelism } from 'node:os';
import { UsageError } from './usage-error.js';
import { parseHostFlags, type HostOptions } from './host-flags.js';
import { parseFlags, pickFlag, switchOn } from '../cli/flags/flag-table.js';
import { UP_FLAGS } from '../cli/flags/up-flags.js';
import { ECS_QUOTAS, type EcsQuotas } from '../domain/ecs/quotas.js';
import { parseStoreChoice, type StoreChoice } from './store-flags.js';

import type { RuntimeChoice } from '../agent/runtime/runtime-selection.js';

export type { RuntimeChoice };
export type AuthMode = 'none' | 'sigv4';
export type LogFormat = 'auto' | 'pretty' | 'json';

export function parseLogFormat(raw: string | undefined): LogFormat {
  const f = raw ?? 'auto';
  if (f !== 'auto' && f !== 'pretty' && f !== 'json') throw new UsageError(`--log-format must be auto, pretty or json, got ${f}`);
  return f;
}

export interface UpConfig {
  readonly dataDir: string;
  readonly apiPort: number;
  readonly host: string;
  readonly runtime: RuntimeChoice;
  readonly cluster: string;
  readonly auth: AuthMode;
  /** A key accepted under sigv4, besides those in `<dataDir>/credentials`; the secret only from BERTH_SECRET_ACCESS_KEY. */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** The account in every ARN (`--account-id`, 12 digits). */
  readonly accountId: string;
  readonly demo: boolean;
  /** Run a load-balancer node inside this process (default); `--no-lb` leaves listeners to `berth lb` nodes. */
  readonly loadBalancer: boolean;
  readonly logLevel: string;
  /** `auto`: readable lines on a terminal, JSON lines to a pipe or file. */
  readonly logFormat: LogFormat;
  /** On SIGINT/SIGTERM, stop the local agent's tasks before exiting (default: they outlive Berth). */
  readonly stopTasksOnExit: boolean;
  /** The address the local agent publishes container ports on, and the load balancer reaches them at. */
  readonly advertiseIp: string;
  /** Dynamic host-port range of the local agent; default: clear of the kernel's ephemeral range. */
  readonly portRange?: PortRange;
  /** An agent silent this long is marked disconnected (no new placements). */
  readonly agentTimeoutMs: number;
  /** An instance silent this long is lost: its tasks are marked STOPPED and replaced (a Berth extension). 0 = never. */
  readonly lostAfterMs: number;
  /** The built console (vite's output, holding index.html); default: the package's dist/web. */
  readonly webRoot?: string;
  /** Where `internal` load balancers listen (default 127.0.0.1; e.g. a private address for other hosts). */
  readonly internalAddress: string;
  /** The local agent's host: memory reserve, reserved ports, custom attributes. */
  readonly agentHost: HostOptions;
  /** ECS's service quotas, enforced on the API (defaults: ECS's). */
  readonly ecsQuotas: EcsQuotas;
  /** RegisterTargets accepts loopback `ip` targets; default on only when the API is on loopback. */
  readonly allowLoopbackTargets: boolean;
  /** `--store`: the data dir's SQLite file (default), another SQLite file, or an etcd cluster. */
  readonly store: StoreChoice;
  /** Lease TTL of the leader election on etcd, in seconds: leadership moves within it after a leader dies. */
  readonly leaderTtlSeconds: number;
  /** `--advertise-url`: this server's API as the other replicas reach it; undefined: the listen address (loopback for 0.0.0.0). */
  readonly advertiseUrl?: string;
  /** `--secrets-key-file`: the sealing key; undefined means `<data-dir>/secrets.key`. */
  readonly secretsKeyFile?: string;
  /** `--deployment-time-scale` (a test aid): a deployment bake minute lasts 60,000 / N ms. */
  readonly deploymentMinuteMs: number;
  /**
   * Worker processes of the load-balancer node (`--lb-workers`, default the cores). 0 (never from
   * a flag; tests only) runs the node's engine in this process, on the control plane's loop.
   */
  readonly lbWorkers: number;
}

/** `--lb-workers N`: a whole number from 1 to 1024; absent, the number of cores. Pure (`cores` is passed in). */
export function parseLbWorkers(raw: string | undefined, cores: number): number {
  if (raw === undefined) return Math.max(1, cores);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 1024) throw new UsageError(`--lb-workers must be a whole number from 1 to 1024, got ${raw}`);
  return n;
}

export { UsageError };

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `--advertise-url`: an http(s) URL of a host and port, nothing after them. */
function parseAdvertiseUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username || !url.hostname) {
    throw new UsageError(`--advertise-url must be an http:// or https:// URL of a host and port only, got ${value}`);
  }
}

function ipv4(value: string, flag: string): string {
  if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(value) || value.split('.').some((o) => Number(o) > 255)) {
    throw new UsageError(`--${flag} must be an IPv4 address, got ${value}`);
  }
  return value;
}

/**
 * A secret on the command line is readable by every user of the host (`ps`, /proc/PID/cmdline), so
 * the flag is refused, naming the safe places: the environment (readable only by the owner) or a
 * credentials file.
 */
export function refuseSecretFlag(values: Readonly<Record<string, unknown>>, fileHint?: string): void {
  if (values['secret-access-key'] !== undefined) {
    throw new UsageError(
      `--secret-access-key is not taken on the command line, where every user of this host can read it (/proc/PID/cmdline): set BERTH_SECRET_ACCESS_KEY${fileHint ? ` or write ${fileHint}` : ''}`,
    );
  }
}

export const DEFAULT_ACCOUNT_ID = '000000000000';

export function parseUpConfig(argv: readonly string[], env: NodeJS.ProcessEnv, machine: { cores: number } = { cores: availableParallelism() }): UpConfig {
  const values = parseFlags(UP_FLAGS, argv);
  refuseSecretFlag(values, '<data-dir>/credentials (aws_access_key_id / aws_secret_access_key)');
  const pick = (flag: string): string | undefined => pickFlag(UP_FLAGS, values, env, flag);
  const apiPort = Number(pick('api-port') ?? 4566);
  if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535) throw new UsageError(`--api-port must be 0-65535, got ${pick('api-port')}`);
  const runtime = (pick('runtime') ?? 'auto') as RuntimeChoice;
  if (!['auto', 'docker', 'process'].includes(runtime)) throw new UsageError(`--runtime must be auto, docker or process, got ${runtime}`);
  const host = pick('host') ?? '127.0.0.1';
  const requestedAuth = pick('auth');
  if (requestedAuth !== undefined && requestedAuth !== 'none' && requestedAuth !== 'sigv4') {
    throw new UsageError(`--auth must be none or sigv4, got ${requestedAuth}`);
  }
  // Off loopback, anyone could drive the API: signatures are mandatory there.
  const auth: AuthMode = !isLoopback(host) ? 'sigv4' : ((requestedAuth as AuthMode | undefined) ?? 'none');
  const cluster = pick('cluster') ?? 'default';
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(cluster)) throw new UsageError(`--cluster must be 1-255 letters, digits, - or _, got ${cluster}`);
  let portRange: PortRange | undefined;
  const rawRange = pick('port-range');
  if (rawRange !== undefined) {
    try {
      portRange = parsePortRange(rawRange);
    } catch (err) {
      throw new UsageError(`--port-range: ${(err as Error).message}`);
    }
  }
  const seconds = (flag: 'agent-timeout' | 'lost-after', fallback: number): number => {
    const raw = pick(flag);
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(v) || v < 0) throw new UsageError(`--${flag} must be a number of seconds, got ${raw}`);
    return v * 1000;
  };
  const accountId = pick('account-id') ?? DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id must be 12 digits, got ${accountId}`);
  const quota = (
    flag: 'max-tasks-per-service' | 'max-services-per-cluster' | 'max-containers-per-task-definition' | 'max-task-definition-kib',
    fallback: number,
  ): number => {
    const raw = pick(flag);
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${flag} must be a whole number of at least 1, got ${raw}`);
    return v;
  };
  const ecsQuotas: EcsQuotas = {
    tasksPerService: quota('max-tasks-per-service', ECS_QUOTAS.tasksPerService),
    servicesPerCluster: quota('max-services-per-cluster', ECS_QUOTAS.servicesPerCluster),
    containersPerTaskDefinition: quota('max-containers-per-task-definition', ECS_QUOTAS.containersPerTaskDefinition),
    taskDefinitionBytes: quota('max-task-definition-kib', ECS_QUOTAS.taskDefinitionBytes / 1024) * 1024,
  };
  // Loopback ip targets let a load balancer proxy to this host's own services (the API among them):
  // fine for a Berth only this host can reach, opt-in anywhere else.
  const allowLoopbackTargets = isLoopback(host) || switchOn(UP_FLAGS, values, env, 'allow-loopback-targets');
  const leaderTtlSeconds = Number(pick('leader-ttl') ?? 5);
  if (!Number.isInteger(leaderTtlSeconds) || leaderTtlSeconds < 1 || leaderTtlSeconds > 60) {
    throw new UsageError(`--leader-ttl must be a whole number of seconds from 1 to 60, got ${pick('leader-ttl')}`);
  }
  const timeScale = Number(pick('deployment-time-scale') ?? 1);
  if (!Number.isFinite(timeScale) || timeScale < 1 || timeScale > 60_000) {
    throw new UsageError(`--deployment-time-scale must be a number from 1 to 60000, got ${pick('deployment-time-scale')}`);
  }
  const store = parseStoreChoice(pick, env);
  const secretsKeyFile = pick('secrets-key-file');
  if (secretsKeyFile === '') throw new UsageError('--secrets-key-file needs a path');
  const noDemo = switchOn(UP_FLAGS, values, env, 'no-demo');
  const advertiseUrl = pick('advertise-url');
  if (advertiseUrl !== undefined) parseAdvertiseUrl(advertiseUrl);
  return {
    dataDir: pick('data-dir') ?? './.berth',
    apiPort,
    host,
    runtime,
    cluster,
    auth,
    accessKeyId: pick('access-key-id'),
    secretAccessKey: env.BERTH_SECRET_ACCESS_KEY || undefined,
    accountId,
    demo: !noDemo,
    loadBalancer: !switchOn(UP_FLAGS, values, env, 'no-lb'),
    logLevel: pick('log-level') ?? 'info',
    logFormat: parseLogFormat(pick('log-format')),
    stopTasksOnExit: switchOn(UP_FLAGS, values, env, 'stop-tasks-on-exit'),
    advertiseIp: pick('advertise-ip') ?? '127.0.0.1',
    agentTimeoutMs: seconds('agent-timeout', 60),
    lostAfterMs: seconds('lost-after', 600),
    ...(portRange ? { portRange } : {}),
    ...(pick('web-root') ? { webRoot: pick('web-root')! } : {}),
    internalAddress: ipv4(pick('internal-address') ?? '127.0.0.1', 'internal-address'),
    ecsQuotas,
    agentHost: parseHostFlags(pick, values.attribute as string[] | undefined),
    allowLoopbackTargets,
    store,
    leaderTtlSeconds,
    ...(secretsKeyFile !== undefined ? { secretsKeyFile } : {}),
    ...(advertiseUrl !== undefined ? { advertiseUrl: advertiseUrl.replace(/\/+$/, '') } : {}),
    deploymentMinuteMs: 60_000 / timeScale,
    lbWorkers: parseLbWorkers(pick('lb-workers'), machine.cores),
  };
}
