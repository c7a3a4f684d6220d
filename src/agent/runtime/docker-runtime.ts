/**
 * ContainerRuntime over the Docker Engine API (dockerode). Idempotent the way the agent needs:
 * 304 (already stopped/started) and 404 (gone) on stop and remove are success, and a create whose
 * name exists returns the container already there when it belongs to the same task.
 */
import Docker from 'dockerode';
import { DockerLogDecoder } from './docker-log-stream.js';
import { dockerUsage, type DockerStatsAnswer } from './docker-stats.js';
import {
  BERTH_LABELS,
  labelsMatch,
  RuntimeError,
  type ContainerHealth,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerState,
  type ContainerStatus,
  type LogLine,
  type LogOptions,
  type MountSpec,
  type PortBinding,
  type ProgressLog,
  type RegistryCredentials,
  type ResourceUsage,
  type VolumeSpec,
} from './runtime.js';

/** Kept on the container, so inspect reports the mappings in host network mode too (Docker has none there). */
const PORTS_LABEL = 'com.berth.port-bindings';
const NS_PER_S = 1e9;
/** On task-scoped volumes Berth creates: removing the task's last container removes them. */
export const VOLUME_SCOPE_LABEL = 'com.berth.volume-scope';

export interface DockerRuntimeOptions {
  docker?: Docker;
  socketPath?: string;
}

const EVENTS_RETRY_MIN_MS = 1_000;
const EVENTS_RETRY_MAX_MS = 10_000;

export class DockerRuntime implements ContainerRuntime {
  readonly kind = 'docker' as const;
  private readonly docker: Docker;

  constructor(options: DockerRuntimeOptions = {}) {
    this.docker = options.docker ?? new Docker({ socketPath: options.socketPath ?? '/var/run/docker.sock' });
  }

  async ping(): Promise<boolean> {
    try {
      await this.docker.ping();
      return true;
    } catch {
      return false;
    }
  }

  async ensureImage(image: string, log: ProgressLog, auth?: RegistryCredentials): Promise<void> {
    if (
      await this.docker
        .getImage(image)
        .inspect()
        .then(
          () => true,
          () => false,
        )
    )
      return;
    log(`pulling ${image}${auth ? ' with repositoryCredentials' : ''}`);
    try {
      const stream = await this.docker.pull(image, auth ? { authconfig: { ...auth, serveraddress: registryOf(image) } } : {});
      await new Promise<void>((resolve, reject) => {
        let last = '';
        this.docker.modem.followProgress(
          stream,
          (err: Error | null) => (err ? reject(err) : resolve()),
          (e: { status?: string; id?: string; progress?: string; error?: string }) => {
            if (e.error) return reject(new Error(e.error));
            // Layer status changes only; the byte-by-byte progress bar would flood the log.
            const msg = `${image}: ${e.id ? `${e.id} ` : ''}${e.status ?? ''}`;
            if (msg !== last) log((last = msg));
          },
        );
      });
    } catch (err) {
      // In the ECS agent's words: the daemon's own answer.
      throw new RuntimeError('IMAGE_NOT_FOUND', `Error response from daemon: ${message(err)}`, { cause: err });
    }
    log(`pulled ${image}`);
  }

  async create(spec: ContainerSpec): Promise<string> {
    for (const m of spec.mounts ?? []) if (m.type === 'volume') await this.ensureVolume(m.volume, spec);
    try {
      const c = await this.docker.createContainer(createOptions(spec));
      return c.id;
    } catch (err) {
      if (status(err) === 409 && spec.runtimeName) {
        const existing = await this.docker
          .getContainer(spec.runtimeName)
          .inspect()
          .catch(() => undefined);
        // Only a container with all of this spec's Berth labels (task, cluster, owning instance) is
        // ours to reuse: a name clash with another Berth's container on this Docker is an error.
        if (existing && labelsMatch(existing.Config.Labels ?? {}, spec.labels)) return existing.Id;
      }
      // A task volume made for this create goes with it, unless another container of the task mounts it.
      if (spec.labels[BERTH_LABELS.taskArn]) await this.removeTaskVolumes(spec.labels).catch(() => undefined);
      // 404 is also a volumesFrom source that does not exist: only a missing image is IMAGE_NOT_FOUND.
      if (status(err) === 404 && !/no such container/i.test(message(err)))
        throw new RuntimeError('IMAGE_NOT_FOUND', `image ${spec.image} is not on this host`, { cause: err });
      throw new RuntimeError('CREATE_FAILED', `cannot create ${spec.name}: ${message(err)}`, { cause: err });
    }
  }

  async start(runtimeId: string): Promise<void> {
    try {
      await this.docker.getContainer(runtimeId).start();
    } catch (err) {
      if (status(err) === 304) return;
      if (status(err) === 404) throw new RuntimeError('NOT_FOUND', `no container ${runtimeId}`, { cause: err });
      throw new RuntimeError('START_FAILED', `cannot start ${runtimeId}: ${message(err)}`, { cause: err });
    }
  }

  async stop(runtimeId: string, timeoutS: number): Promise<void> {
    try {
      // Docker sends the stop signal, waits t seconds, then SIGKILL; it answers once the container is down.
      await this.docker.getContainer(runtimeId).stop({ t: Math.max(0, Math.ceil(timeoutS)) });
    } catch (err) {
      if (status(err) === 304 || status(err) === 404) return;
      throw err;
    }
  }

  async remove(runtimeId: string): Promise<void> {
    const labels = await this.docker
      .getContainer(runtimeId)
      .inspect()
      .then(
        (i) => i.Config.Labels ?? {},
        () => ({}) as Record<string, string>,
      );
    try {
      await this.docker.getContainer(runtimeId).remove({ force: true, v: true });
    } catch (err) {
      // 409: a removal is already in progress, which is what we asked for.
      if (status(err) === 404 || status(err) === 409) return;
      throw err;
    }
    if (labels[BERTH_LABELS.taskArn]) await this.removeTaskVolumes(labels);
  }

  /**
   * A task-scoped volume goes with its task (ECS: "removed when the task stops"): when a container of
   * the task is removed, each of the task's volumes no other container still uses is removed too.
   */
  private async removeTaskVolumes(containerLabels: Record<string, string>): Promise<void> {
    // A task ARN names one task of one Berth, so the filter finds only volumes this task's agent created.
    const label = [`${BERTH_LABELS.taskArn}=${containerLabels[BERTH_LABELS.taskArn]}`, `${VOLUME_SCOPE_LABEL}=task`];
    const { Volumes } = await this.docker.listVolumes({ filters: { label } });
    for (const v of Volumes ?? []) {
      await this.docker
        .getVolume(v.Name)
        .remove()
        .catch((err: unknown) => {
          // 409: another container of the task still mounts it; the last one's removal takes it.
          if (status(err) !== 404 && status(err) !== 409) throw err;
        });
    }
  }

  /**
   * Provisions a mount's Docker volume as ECS does: a task-scoped one is created (labelled with its
   * task), a shared one is used as it is, or created when `autoprovision` is set; with `autoprovision`, a
   * shared volume that exists with another driver, options or labels fails the task.
   */
  private async ensureVolume(v: VolumeSpec, spec: ContainerSpec): Promise<void> {
    const existing = await this.docker
      .getVolume(v.name)
      .inspect()
      .catch((err: unknown) => {
        if (status(err) === 404) return undefined;
        throw new RuntimeError('CREATE_FAILED', `cannot inspect volume ${v.name}: ${message(err)}`, { cause: err });
      });
    if (existing) {
      if (v.scope === 'shared' && v.autoprovision) {
        const differs = volumeDifference(v, existing);
        if (differs)
          throw new RuntimeError(
            'CREATE_FAILED',
            `shared volume ${v.name} already exists with a different ${differs}; with autoprovision, ECS requires the existing volume to match the task definition's dockerVolumeConfiguration`,
          );
      }
      return;
    }
    if (v.scope === 'shared' && !v.autoprovision) {
      throw new RuntimeError('CREATE_FAILED', `shared volume ${v.name} does not exist and dockerVolumeConfiguration.autoprovision is false`);
    }
    // Berth's own labels (cluster, owner, task), but not the container's: the volume belongs to the task.
    const { [BERTH_LABELS.containerName]: _container, ...own } = spec.labels;
    const labels = v.scope === 'task' ? { ...v.labels, ...own, [VOLUME_SCOPE_LABEL]: 'task' } : v.labels;
    try {
      await this.docker.createVolume({ Name: v.name, Driver: v.driver, DriverOpts: v.driverOpts, Labels: labels });
    } catch (err) {
      throw new RuntimeError('CREATE_FAILED', `cannot create volume ${v.name} (driver ${v.driver}): ${message(err)}`, { cause: err });
    }
  }

  async inspect(runtimeId: string): Promise<ContainerState> {
    try {
      return toState(await this.docker.getContainer(runtimeId).inspect());
    } catch (err) {
      if (status(err) === 404) return { runtimeId, name: '', labels: {}, status: 'missing', health: 'UNKNOWN', portBindings: [] };
      throw err;
    }
  }

  async list(labelFilter: Record<string, string | undefined>): Promise<ContainerState[]> {
    const label = Object.entries(labelFilter).map(([k, v]) => (v ? `${k}=${v}` : k));
    const summaries = await this.docker.listContainers({ all: true, filters: { label } });
    const states = await Promise.all(summaries.map((s) => this.inspect(s.Id)));
    return states.filter((s) => s.status !== 'missing');
  }

  /** One-shot stats: one reading at once, without the second sample (and second of waiting) Docker takes for its own CPU percentage. */
  async usage(runtimeId: string): Promise<ResourceUsage | undefined> {
    try {
      const answer: DockerStatsAnswer = await this.docker.getContainer(runtimeId).stats({ stream: false, 'one-shot': true });
      return dockerUsage(answer, Date.now());
    } catch (err) {
      if (status(err) === 404 || status(err) === 409) return undefined;
      throw err;
    }
  }

  async *logs(runtimeId: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const base: Docker.ContainerLogsOptions = { stdout: true, stderr: true, timestamps: true };
    if (options.tail !== undefined) base.tail = options.tail;
    // Docker takes whole seconds; the exact cut is made on each line's own timestamp below.
    if (options.since !== undefined) base.since = Math.floor(options.since / 1000);
    const c = this.docker.getContainer(runtimeId);
    const decoder = new DockerLogDecoder();
    const keep = (l: LogLine) => options.since === undefined || l.time >= options.since;
    if (!options.follow) {
      const buf = (await c.logs({ ...base, follow: false })) as unknown as Buffer;
      yield* [...decoder.push(buf), ...decoder.flush()].filter(keep);
      return;
    }
    const stream = (await c.logs({ ...base, follow: true })) as unknown as NodeJS.ReadableStream & { destroy(): void };
    const abort = () => stream.destroy();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      for await (const chunk of stream) yield* decoder.push(chunk as Buffer).filter(keep);
      yield* decoder.flush().filter(keep);
    } catch (err) {
      if (!options.signal?.aborted) throw err;
    } finally {
      options.signal?.removeEventListener('abort', abort);
      stream.destroy();
    }
  }

  /**
   * Container exits from Docker's event stream. The stream ends when dockerd restarts or the socket
   * drops: it is opened again (1 s, doubling to 10 s) for as long as someone listens, and each
   * reopening tells the listener `''`, since anything may have exited while it was closed.
   */
  onExit(listener: (runtimeId: string) => void): () => void {
    let stream: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
    let closed = false;
    let retry: NodeJS.Timeout | undefined;
    let delayMs = EVENTS_RETRY_MIN_MS;
    const again = () => {
      stream = undefined;
      if (closed || retry) return;
      retry = setTimeout(() => {
        retry = undefined;
        open(true);
      }, delayMs);
      retry.unref?.();
      delayMs = Math.min(EVENTS_RETRY_MAX_MS, delayMs * 2);
    };
    const open = (reopened: boolean) => {
      this.docker
        .getEvents({ filters: { type: ['container'], event: ['die'], label: [BERTH_LABELS.containerName] } })
        .then((s) => {
          const events = s as NodeJS.ReadableStream & { destroy(): void };
          if (closed) return events.destroy();
          stream = events;
          delayMs = EVENTS_RETRY_MIN_MS;
          if (reopened) listener('');
          let rest = '';
          events.on('data', (chunk: Buffer) => {
            const lines = (rest + chunk.toString('utf8')).split('\n');
            rest = lines.pop() ?? '';
            for (const l of lines) {
              try {
                const id = (JSON.parse(l) as { id?: string }).id;
                if (id) listener(id);
              } catch {
                /* a torn line; the agent reconciles anyway */
              }
            }
          });
          events.on('error', () => undefined);
          events.once('close', again);
          events.once('end', again);
        })
        .catch(again);
    };
    open(false);
    return () => {
      closed = true;
      clearTimeout(retry);
      stream?.destroy();
    };
  }
}

export function createOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const bridge = spec.networkMode === 'bridge';
  const key = (b: PortBinding) => `${b.containerPort}/${b.protocol}`;
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const b of spec.portBindings) {
    exposed[key(b)] = {};
    (bindings[key(b)] ??= []).push({ HostIp: spec.bindIp, HostPort: String(b.hostPort) });
  }
  const hc = spec.healthCheck;
  const ro = (m: { readOnly: boolean }) => (m.readOnly ? ':ro' : '');
  const binds = (spec.mounts ?? []).map((m: MountSpec) => `${m.type === 'bind' ? m.source : m.volume.name}:${m.target}${ro(m)}`);
  const mib = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 1024 * 1024));
  return {
    name: spec.runtimeName,
    Image: spec.image,
    Entrypoint: spec.entryPoint,
    Cmd: spec.command,
    Env: Object.entries(spec.environment ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: {
      ...spec.dockerLabels,
      ...spec.labels,
      [BERTH_LABELS.containerName]: spec.name,
      [PORTS_LABEL]: JSON.stringify(spec.portBindings),
    },
    ExposedPorts: bridge ? exposed : undefined,
    User: spec.user,
    WorkingDir: spec.workingDirectory,
    Hostname: spec.hostname,
    StopTimeout: spec.stopTimeoutS,
    Healthcheck: hc
      ? {
          Test: healthTest(hc.command),
          Interval: Math.round(hc.intervalS * NS_PER_S),
          Timeout: Math.round(hc.timeoutS * NS_PER_S),
          Retries: hc.retries,
          StartPeriod: Math.round(hc.startPeriodS * NS_PER_S),
        }
      : undefined,
    HostConfig: {
      NetworkMode: spec.networkMode,
      PortBindings: bridge ? bindings : undefined,
      CpuShares: spec.cpu && spec.cpu >= 2 ? spec.cpu : undefined,
      Memory: mib(spec.memoryMiB),
      MemoryReservation: mib(spec.memoryReservationMiB),
      Binds: binds.length > 0 ? binds : undefined,
      VolumesFrom: spec.volumesFrom?.map((v) => `${v.runtimeName}${ro(v)}`),
      ExtraHosts: spec.extraHosts?.map((h) => `${h.hostname}:${h.ipAddress}`),
      Ulimits: spec.ulimits?.map((u) => ({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit })),
      ReadonlyRootfs: spec.readonlyRootFilesystem,
      Privileged: spec.privileged,
      Init: spec.init,
      LogConfig: logConfigOf(spec),
    },
  };
}

/** Which part of an existing volume differs from what the task definition asks for, if any. */
function volumeDifference(v: VolumeSpec, existing: Docker.VolumeInspectInfo): string | undefined {
  const same = (a: Record<string, string>, b: Record<string, string> | null | undefined) => {
    const bb = b ?? {};
    return Object.keys(a).length === Object.keys(bb).length && Object.entries(a).every(([k, x]) => bb[k] === x);
  };
  if (existing.Driver !== v.driver) return `driver (${existing.Driver}, not ${v.driver})`;
  if (!same(v.driverOpts, existing.Options as Record<string, string> | null)) return 'driverOpts';
  if (!same(v.labels, existing.Labels)) return 'labels';
  return undefined;
}

/**
 * json-file and syslog go to Docker as written. awslogs keeps Docker's json-file: the agent's
 * shipper reads it back (with timestamps) and sends the lines to Berth's own CloudWatch Logs.
 */
function logConfigOf(spec: ContainerSpec): { Type: string; Config: Record<string, string> } | undefined {
  const l = spec.logConfiguration;
  if (!l || l.logDriver === 'awslogs') return undefined;
  return { Type: l.logDriver, Config: l.options };
}

/** ECS keeps Docker's forms (CMD, CMD-SHELL, NONE); a bare command is taken as CMD. */
function healthTest(command: string[]): string[] {
  return ['CMD', 'CMD-SHELL', 'NONE'].includes(command[0] ?? '') ? command : ['CMD', ...command];
}

function toState(info: Docker.ContainerInspectInfo): ContainerState {
  const labels = info.Config.Labels ?? {};
  return {
    runtimeId: info.Id,
    name: labels[BERTH_LABELS.containerName] ?? info.Name.replace(/^\//, ''),
    labels,
    status: toStatus(info.State.Status),
    exitCode: info.State.Status === 'exited' || info.State.Status === 'dead' ? info.State.ExitCode : undefined,
    health: toHealth(info.State.Health?.Status),
    startedAt: time(info.State.StartedAt),
    finishedAt: time(info.State.FinishedAt),
    portBindings: portBindings(info, labels),
  };
}

function toStatus(s: string): ContainerStatus {
  if (s === 'created') return 'created';
  if (s === 'running' || s === 'paused' || s === 'restarting') return 'running';
  return 'exited';
}

function toHealth(s: string | undefined): ContainerHealth {
  return s === 'healthy' ? 'HEALTHY' : s === 'unhealthy' ? 'UNHEALTHY' : 'UNKNOWN';
}

function time(iso: string | undefined): number | undefined {
  if (!iso || iso.startsWith('0001-')) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function portBindings(info: Docker.ContainerInspectInfo, labels: Record<string, string>): PortBinding[] {
  try {
    if (labels[PORTS_LABEL]) return JSON.parse(labels[PORTS_LABEL]) as PortBinding[];
  } catch {
    /* fall back to what Docker has */
  }
  const out: PortBinding[] = [];
  for (const [key, list] of Object.entries(info.HostConfig.PortBindings ?? {})) {
    const [port, protocol] = key.split('/');
    for (const b of (list as { HostPort: string }[] | null) ?? []) {
      out.push({ containerPort: Number(port), hostPort: Number(b.HostPort), protocol: protocol === 'udp' ? 'udp' : 'tcp' });
    }
  }
  return out;
}

/** The registry an image reference names (Docker's rule: a first part with a dot, a colon or `localhost`), else Docker Hub. */
export function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'https://index.docker.io/v1/';
}

function status(err: unknown): number | undefined {
  return (err as { statusCode?: number } | null)?.statusCode;
}

function message(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return e.json?.message ?? e.message ?? String(err);
}
