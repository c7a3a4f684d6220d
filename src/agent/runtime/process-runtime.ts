/**
 * ContainerRuntime for machines without Docker: each container is a host process running
 * entryPoint + command (the image is ignored: there is no filesystem to unpack). There is no NAT, so
 * the process listens on its host port itself, given in PORT (first mapping) and PORT_<containerPort>,
 * on HOST (the bind address). cpu and memory are not enforced.
 *
 * State lives in one JSON file per container in `stateDir`, so a restarted agent adopts processes
 * still running (matched by pid and the pid's start time, so a reused pid is not mistaken for ours).
 * Stop is SIGTERM to the process group, wait, SIGKILL. An adopted process is not our child: when it
 * exits, its exit code cannot be known and is left unset.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../platform/clock.js';
import { systemRandom, type Random } from '../../platform/random.js';
import { INITIAL_HEALTH, nextHealth, type HealthStatus } from './health-status.js';
import { followLog, ProcessLogTailer, readLogFile, type LogOffsets } from './process-log.js';
import { parseProcStat, processGroupUsage, type ProcStat } from './proc-stat.js';
import {
  BERTH_LABELS,
  labelsMatch,
  portEnvironment,
  RuntimeError,
  type ContainerRuntime,
  type RegistryCredentials,
  type ContainerSpec,
  type ContainerState,
  type LogLine,
  type LogOptions,
  type ResourceUsage,
} from './runtime.js';

interface ContainerRecord {
  id: string;
  spec: ContainerSpec;
  status: 'created' | 'running' | 'exited';
  pid?: number;
  pidStart?: string;
  exitCode?: number;
  startedAt?: number;
  finishedAt?: number;
  health: HealthStatus;
  offsets: LogOffsets;
}

interface Live {
  tailer: ProcessLogTailer;
  timer: NodeJS.Timeout;
  healthTimer?: NodeJS.Timeout;
  child?: ChildProcess;
  exited: Promise<void>;
  markExited: () => void;
}

export interface ProcessRuntimeOptions {
  stateDir: string;
  clock?: Clock;
  random?: Random;
  /** How often new log lines are picked up and adopted processes checked (ms). */
  pollMs?: number;
}

export class ProcessRuntime implements ContainerRuntime {
  readonly kind = 'process' as const;
  private readonly live = new Map<string, Live>();
  private readonly exitListeners = new Set<(id: string) => void>();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly pollMs: number;

  constructor(private readonly options: ProcessRuntimeOptions) {
    mkdirSync(options.stateDir, { recursive: true });
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.pollMs = options.pollMs ?? 100;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async ensureImage(image: string, log: (m: string) => void, auth?: RegistryCredentials): Promise<void> {
    if (auth) throw new RuntimeError('IMAGE_NOT_FOUND', `the process runtime pulls no images, so it cannot use repositoryCredentials for ${image}`);
    log(`process runtime: image ${image} is not used; running entryPoint + command on the host`);
  }

  async create(spec: ContainerSpec): Promise<string> {
    const unsupported = processUnsupported(spec);
    if (unsupported) {
      throw new RuntimeError(
        'CREATE_FAILED',
        `container ${spec.name}: the process runtime cannot honour ${unsupported} (a host process has no mounts, user namespace or root filesystem of its own); run it on a Docker agent`,
      );
    }
    if (!spec.entryPoint?.length && !spec.command?.length) {
      throw new RuntimeError('CREATE_FAILED', `container ${spec.name}: the process runtime needs an entryPoint or a command`);
    }
    const log = spec.logConfiguration;
    // Its own files are json-file's semantics (and what awslogs ships from); it has no syslog.
    if (log && log.logDriver !== 'awslogs' && !(log.logDriver === 'json-file' && Object.keys(log.options).length === 0)) {
      throw new RuntimeError(
        'CREATE_FAILED',
        `container ${spec.name}: the process runtime keeps logs in its own files (json-file without options, or awslogs); it cannot run logDriver ${log.logDriver}${log.logDriver === 'json-file' ? ' with options' : ''}`,
      );
    }
    if (spec.runtimeName) {
      const same = this.records().find((r) => r.spec.runtimeName === spec.runtimeName && labelsMatch(r.spec.labels, spec.labels));
      if (same) return same.id;
    }
    const id = this.random.hex(16);
    this.save({ id, spec, status: 'created', health: INITIAL_HEALTH, offsets: { stdout: 0, stderr: 0 } });
    return id;
  }

  async start(id: string): Promise<void> {
    const rec = this.load(id);
    if (!rec) throw new RuntimeError('NOT_FOUND', `no container ${id}`);
    if (rec.status !== 'created') return;
    const { spec } = rec;
    const argv = [...(spec.entryPoint ?? []), ...(spec.command ?? [])];
    const env = this.environment(spec);
    const out = openSync(this.path(id, 'stdout'), 'a');
    const err = openSync(this.path(id, 'stderr'), 'a');
    let child: ChildProcess;
    try {
      // detached: its own process group, so stop reaches whatever it forks, and it outlives the agent.
      child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', out, err], env });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    child.unref();
    const startedAt = this.clock.now();
    const spawned = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (!spawned || child.pid === undefined) {
      // Like a container whose entrypoint is not found.
      this.save({ ...rec, status: 'exited', exitCode: 127, startedAt, finishedAt: this.clock.now() });
      throw new RuntimeError('START_FAILED', `cannot run ${argv[0]} for ${spec.name}`);
    }
    this.save({ ...rec, status: 'running', pid: child.pid, pidStart: pidStartTime(child.pid), startedAt });
    const live = this.watch(id, child);
    child.once('exit', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      this.finish(id, live, exitCode);
    });
  }

  async stop(id: string, timeoutS: number): Promise<void> {
    const rec = this.refresh(this.load(id));
    if (!rec || rec.status !== 'running' || rec.pid === undefined) return;
    const live = this.live.get(id) ?? this.watch(id);
    signalGroup(rec.pid, 'SIGTERM');
    if (await within(live.exited, timeoutS * 1000)) return;
    signalGroup(rec.pid, 'SIGKILL');
    await live.exited;
  }

  async remove(id: string): Promise<void> {
    const rec = this.load(id);
    if (!rec) return;
    if (rec.status === 'running') await this.stop(id, 0);
    const live = this.live.get(id);
    if (live) this.unwatch(id, live);
    for (const suffix of ['json', 'stdout', 'stderr', 'log', 'log.1']) rmSync(this.path(id, suffix), { force: true });
  }

  async inspect(id: string): Promise<ContainerState> {
    const rec = this.refresh(this.load(id));
    if (!rec) return { runtimeId: id, name: '', labels: {}, status: 'missing', health: 'UNKNOWN', portBindings: [] };
    return toState(rec);
  }

  async list(labelFilter: Record<string, string | undefined>): Promise<ContainerState[]> {
    return this.records()
      .map((r) => this.refresh(r)!)
      .filter((r) => labelsMatch(r.spec.labels, labelFilter))
      .map(toState);
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const rec = this.refresh(this.load(id));
    if (!rec) throw new RuntimeError('NOT_FOUND', `no container ${id}`);
    const live = this.live.get(id);
    live?.tailer.poll();
    if (!options.follow) return yield* readLogFile(this.path(id, 'log'), options);
    yield* followLog(this.path(id, 'log'), live?.tailer, options);
  }

  /** The process group's use, from /proc (the group is the container: see proc-stat.ts). */
  async usage(id: string): Promise<ResourceUsage | undefined> {
    const rec = this.refresh(this.load(id));
    if (rec?.status !== 'running' || rec.pid === undefined) return undefined;
    return processGroupUsage(procStats(), rec.pid, this.clock.now());
  }

  onExit(listener: (id: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Stops tailing and health-checking; the processes themselves keep running (a restart adopts them). */
  async close(): Promise<void> {
    for (const [id, live] of this.live) this.unwatch(id, live);
  }

  private environment(spec: ContainerSpec): Record<string, string> {
    const base: Record<string, string> = {};
    for (const k of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[k] !== undefined) base[k] = process.env[k]!;
    return { ...base, HOST: spec.bindIp, ...spec.environment, ...portEnvironment(spec.portBindings) };
  }

  /** Starts tailing logs, health checks and (for an adopted process) liveness polling. */
  private watch(id: string, child?: ChildProcess): Live {
    const rec = this.load(id)!;
    const tailer = new ProcessLogTailer(
      { stdout: this.path(id, 'stdout'), stderr: this.path(id, 'stderr'), log: this.path(id, 'log') },
      { ...rec.offsets },
      () => this.clock.now(),
    );
    let markExited!: () => void;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const live: Live = {
      tailer,
      child,
      exited,
      markExited,
      timer: setInterval(() => {
        try {
          tailer.poll();
          if (!child) {
            const r = this.load(id);
            if (r && !alive(r)) this.finish(id, live, undefined);
          }
        } catch {
          // Out of descriptors (EMFILE) or disk: a throw here would end the process; the next tick retries.
        }
      }, this.pollMs),
    };
    this.live.set(id, live);
    if (rec.spec.healthCheck) this.scheduleHealthCheck(id, live);
    return live;
  }

  private unwatch(id: string, live: Live): void {
    clearInterval(live.timer);
    clearTimeout(live.healthTimer);
    this.live.delete(id);
  }

  private finish(id: string, live: Live, exitCode: number | undefined): void {
    if (this.live.get(id) !== live) return;
    live.tailer.poll(true);
    this.unwatch(id, live);
    const rec = this.load(id);
    if (rec) this.save({ ...rec, status: 'exited', exitCode, finishedAt: this.clock.now(), offsets: live.tailer.offsets });
    live.markExited();
    for (const l of this.exitListeners) l(id);
  }

  private scheduleHealthCheck(id: string, live: Live): void {
    const hc = this.load(id)?.spec.healthCheck;
    if (!hc || hc.command[0] === 'NONE') return;
    live.healthTimer = setTimeout(() => {
      // An async timer's rejection would be unhandled and end the process: a check that cannot
      // even run (EMFILE reading the record) is retried at the next interval.
      this.runHealthCheck(id, live, hc).catch(() => this.scheduleHealthCheckSafely(id, live));
    }, hc.intervalS * 1000);
  }

  /** scheduleHealthCheck itself reads the record (EMFILE again?): then try once more in a second. */
  private scheduleHealthCheckSafely(id: string, live: Live): void {
    if (this.live.get(id) !== live) return;
    try {
      this.scheduleHealthCheck(id, live);
    } catch {
      live.healthTimer = setTimeout(() => this.scheduleHealthCheckSafely(id, live), 1000);
    }
  }

  private async runHealthCheck(id: string, live: Live, hc: NonNullable<ContainerRecord['spec']['healthCheck']>): Promise<void> {
    const rec = this.load(id);
    if (!rec || rec.status !== 'running' || this.live.get(id) !== live) return;
    const passed = await runCheck(hc.command, this.environment(rec.spec), hc.timeoutS * 1000);
    const now = this.load(id);
    if (!now || now.status !== 'running' || this.live.get(id) !== live) return;
    const health = nextHealth(now.health, { passed, at: this.clock.now() }, { ...hc, startedAt: now.startedAt ?? 0 });
    this.save({ ...now, health, offsets: live.tailer.offsets });
    this.scheduleHealthCheck(id, live);
  }

  /** A running record whose process is gone (while no one watched it) becomes exited; adopted ones get watched. */
  private refresh(rec: ContainerRecord | undefined): ContainerRecord | undefined {
    if (!rec || rec.status !== 'running' || this.live.has(rec.id)) return rec;
    if (alive(rec)) {
      this.watch(rec.id);
      return rec;
    }
    const done: ContainerRecord = { ...rec, status: 'exited', finishedAt: this.clock.now() };
    this.save(done);
    return done;
  }

  private records(): ContainerRecord[] {
    return readdirSync(this.options.stateDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => this.load(f.slice(0, -'.json'.length)))
      .filter((r): r is ContainerRecord => r !== undefined);
  }

  private path(id: string, suffix: string): string {
    return join(this.options.stateDir, `${id}.${suffix}`);
  }

  private load(id: string): ContainerRecord | undefined {
    if (!/^[0-9a-f]+$/.test(id)) return undefined;
    const p = this.path(id, 'json');
    if (!existsSync(p)) return undefined;
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as ContainerRecord;
    } catch {
      return undefined;
    }
  }

  private save(rec: ContainerRecord): void {
    // Write then rename: a crash never leaves half a record.
    const p = this.path(rec.id, 'json');
    writeFileSync(`${p}.tmp`, JSON.stringify(rec));
    renameSync(`${p}.tmp`, p);
  }
}

function toState(r: ContainerRecord): ContainerState {
  return {
    runtimeId: r.id,
    name: r.spec.name,
    labels: { ...r.spec.dockerLabels, ...r.spec.labels, [BERTH_LABELS.containerName]: r.spec.name },
    status: r.status,
    exitCode: r.status === 'exited' ? r.exitCode : undefined,
    health: r.status === 'running' && r.spec.healthCheck ? r.health.health : 'UNKNOWN',
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    portBindings: r.spec.portBindings,
  };
}

function alive(r: ContainerRecord): boolean {
  if (r.pid === undefined) return false;
  try {
    process.kill(r.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = pidStartTime(r.pid);
  return r.pidStart === undefined || start === undefined || start === r.pidStart;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. Linux only. */
function pidStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 3 (state) is fields[0]; a zombie is as good as dead.
    return fields[0] === 'Z' ? 'zombie' : fields[19];
  } catch {
    return undefined;
  }
}

/** Every process's stat line that could be read (processes come and go while /proc is listed). */
function procStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (s) out.push(s);
    } catch {
      // Gone since the listing.
    }
  }
  return out;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  // Never 0 or below: kill(-0) would signal the agent's own process group.
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: already gone, which is what stop wants.
  }
}

function within(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function runCheck(command: string[], env: Record<string, string>, timeoutMs: number): Promise<boolean> {
  const [kind, ...rest] = command;
  const argv = kind === 'CMD-SHELL' ? ['sh', '-c', rest.join(' ')] : kind === 'CMD' ? rest : command;
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', env, detached: true });
    const t = setTimeout(() => signalGroup(child.pid ?? 0, 'SIGKILL'), timeoutMs);
    child.once('error', () => (clearTimeout(t), resolve(false)));
    child.once('exit', (code) => (clearTimeout(t), resolve(code === 0)));
  });
}

/**
 * The first container option a host process cannot honour, by its task definition name: the task
 * then stops before start naming it, instead of running without it.
 */
export function processUnsupported(spec: ContainerSpec): string | undefined {
  const asked: [string, boolean][] = [
    ['mountPoints', (spec.mounts?.length ?? 0) > 0],
    ['volumesFrom', (spec.volumesFrom?.length ?? 0) > 0],
    ['user', spec.user !== undefined],
    ['workingDirectory', spec.workingDirectory !== undefined],
    ['hostname', spec.hostname !== undefined],
    ['extraHosts', (spec.extraHosts?.length ?? 0) > 0],
    ['ulimits', (spec.ulimits?.length ?? 0) > 0],
    ['readonlyRootFilesystem', spec.readonlyRootFilesystem === true],
    ['privileged', spec.privileged === true],
    ['linuxParameters.initProcessEnabled', spec.init === true],
  ];
  return asked.find(([, yes]) => yes)?.[0];
}
