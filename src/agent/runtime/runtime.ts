/**
 * The one interface the agent drives containers through. Docker, host processes and the fake for
 * unit tests implement it; runtime.conformance.ts holds the behaviour they all must show. No vendor
 * types cross this line.
 *
 * Every call is idempotent in the way a level-triggered agent needs: stopping a stopped or missing
 * container succeeds, removing a missing one succeeds, inspecting a missing one says `missing`.
 */
import type { Protocol } from '../../domain/ecs/records.js';

export type RuntimeKind = 'docker' | 'process' | 'fake';

export type { Protocol };

/** One published mapping. `hostPort` is always concrete here: the agent allocated it already. */
export interface PortBinding {
  containerPort: number;
  hostPort: number;
  protocol: Protocol;
}

/** The task definition's container `healthCheck`, in seconds (fractions allowed, for tests). */
export interface HealthCheckSpec {
  /** ECS form: `['CMD-SHELL', 'curl -f http://localhost/']` or `['CMD', 'prog', 'arg']`. */
  command: string[];
  intervalS: number;
  timeoutS: number;
  retries: number;
  startPeriodS: number;
}

export interface ContainerSpec {
  /** The container's name in its task definition. */
  name: string;
  /** The runtime's own name for it (Docker container name); unique on the host. Optional. */
  runtimeName?: string;
  image: string;
  entryPoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  portBindings: PortBinding[];
  /** The instance's address; every published port binds here. */
  bindIp: string;
  networkMode: 'bridge' | 'host';
  /** CPU units (1024 = one core); Docker CPU shares. */
  cpu?: number;
  /** Hard memory limit. */
  memoryMiB?: number;
  /** Soft memory limit. */
  memoryReservationMiB?: number;
  /** Berth's own labels (see BERTH_LABELS), so a restarted agent can adopt what is running. */
  labels: Record<string, string>;
  /** The task definition's `dockerLabels`. */
  dockerLabels?: Record<string, string>;
  healthCheck?: HealthCheckSpec;
  /** The task definition's log driver, its `secretOptions` resolved into `options`. */
  logConfiguration?: { logDriver: string; options: Record<string, string> };
  /** Seconds between SIGTERM and SIGKILL (ECS `stopTimeout`, default 30). */
  stopTimeoutS: number;
  /** Bind mounts and Docker volumes (a runtime that has none refuses the container: CREATE_FAILED naming the field). */
  mounts?: MountSpec[];
  /** Mount every volume of these containers (their runtime names) too. */
  volumesFrom?: { runtimeName: string; readOnly: boolean }[];
  user?: string;
  workingDirectory?: string;
  hostname?: string;
  extraHosts?: { hostname: string; ipAddress: string }[];
  ulimits?: { name: string; softLimit: number; hardLimit: number }[];
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  /** An init process as PID 1 (ECS `linuxParameters.initProcessEnabled`). */
  init?: boolean;
}

/** A host path, or a Docker volume the runtime provisions (see VolumeSpec), mounted at `target`. */
export type MountSpec =
  | { type: 'bind'; source: string; target: string; readOnly: boolean }
  | { type: 'volume'; volume: VolumeSpec; target: string; readOnly: boolean };

/**
 * A Docker volume as ECS's `dockerVolumeConfiguration` describes it. A `task` volume is created for
 * its task (under `name`, unique per task) and removed with the task's last container; a `shared`
 * one outlives tasks: it is used when it exists, created only with `autoprovision`.
 */
export interface VolumeSpec {
  /** The runtime's name for the volume. */
  name: string;
  scope: 'task' | 'shared';
  autoprovision: boolean;
  driver: string;
  driverOpts: Record<string, string>;
  /** The task definition's labels; the runtime adds Berth's own (owner, task, scope) to task-scoped ones. */
  labels: Record<string, string>;
}

export type ContainerStatus = 'created' | 'running' | 'exited' | 'missing';

/** ECS container `healthStatus`. UNKNOWN: no health check, or still in its start period. */
export type ContainerHealth = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

export interface ContainerState {
  runtimeId: string;
  name: string;
  labels: Record<string, string>;
  status: ContainerStatus;
  /** Set once exited, when known: a process killed by signal N reports 128 + N (SIGKILL: 137). */
  exitCode?: number;
  health: ContainerHealth;
  /** Epoch milliseconds. */
  startedAt?: number;
  finishedAt?: number;
  portBindings: PortBinding[];
}

/**
 * One reading of a container's resource use: cumulative CPU time (so a rate needs two readings, see
 * src/agent/task-usage.ts) and the memory it holds now, as `docker stats` counts it (page cache that
 * can be dropped is not use).
 */
export interface ResourceUsage {
  /** Epoch milliseconds of the reading. */
  at: number;
  /** CPU time used since the container started, in nanoseconds. */
  cpuNs: number;
  memoryBytes: number;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  /** Epoch milliseconds. */
  time: number;
}

export interface LogOptions {
  /** Keep yielding new lines until the container exits or the signal aborts. */
  follow?: boolean;
  /** Only the last N lines already written. */
  tail?: number;
  /** Only lines written at or after this epoch millisecond. */
  since?: number;
  signal?: AbortSignal;
}

/** A registry's basic auth for one pull (ECS `repositoryCredentials`). */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Where progress of an image pull goes (the agent passes its logger). */
export type ProgressLog = (message: string) => void;

export interface ContainerRuntime {
  readonly kind: RuntimeKind;
  /** Whether the runtime answers at all (used by `--runtime auto`). */
  ping(): Promise<boolean>;
  /**
   * Makes the image available: a local image is used as is, otherwise it is pulled, with `auth` when
   * given. A runtime without registries refuses `auth` (IMAGE_NOT_FOUND) rather than ignore it.
   */
  ensureImage(image: string, log: ProgressLog, auth?: RegistryCredentials): Promise<void>;
  /** Creates (not starts) a container; returns its runtime id. */
  create(spec: ContainerSpec): Promise<string>;
  start(runtimeId: string): Promise<void>;
  /** SIGTERM, wait up to `timeoutS`, SIGKILL. Resolves once the container has exited. */
  stop(runtimeId: string, timeoutS: number): Promise<void>;
  remove(runtimeId: string): Promise<void>;
  inspect(runtimeId: string): Promise<ContainerState>;
  /** Containers carrying every given label (value '' or undefined matches any value). Exited ones too. */
  list(labelFilter: Record<string, string | undefined>): Promise<ContainerState[]>;
  logs(runtimeId: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** A running container's resource use now; undefined when it is not running (or gone). */
  usage(runtimeId: string): Promise<ResourceUsage | undefined>;
  /**
   * Calls back when a container exits (its runtimeId, or '' when exits may have been missed, e.g. after
   * the runtime's event stream reconnected); returns the unsubscribe. A hint to reconcile sooner, not a
   * source of truth.
   */
  onExit?(listener: (runtimeId: string) => void): () => void;
  /** Releases connections and timers held by the runtime (containers keep running). */
  close?(): Promise<void>;
}

/** Labels every Berth container carries. */
export const BERTH_LABELS = {
  cluster: 'com.berth.cluster',
  taskArn: 'com.berth.task-arn',
  containerName: 'com.berth.container-name',
} as const;

export class RuntimeError extends Error {
  constructor(
    readonly code: 'IMAGE_NOT_FOUND' | 'CREATE_FAILED' | 'START_FAILED' | 'NOT_FOUND' | 'RUNTIME_UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

/** Whether a container's labels satisfy a filter (shared by the runtimes that filter in process). */
export function labelsMatch(labels: Record<string, string>, filter: Record<string, string | undefined>): boolean {
  for (const [k, v] of Object.entries(filter)) {
    if (!(k in labels)) return false;
    if (v !== undefined && v !== '' && labels[k] !== v) return false;
  }
  return true;
}

/** The environment a container sees for its ports: PORT (first mapping) and PORT_<containerPort>. */
export function portEnvironment(bindings: PortBinding[]): Record<string, string> {
  const env: Record<string, string> = {};
  if (bindings[0]) env.PORT = String(bindings[0].hostPort);
  for (const b of bindings) env[`PORT_${b.containerPort}`] = String(b.hostPort);
  return env;
}
