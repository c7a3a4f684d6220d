/**
 * Berth's own agent <-> control-plane protocol, version 1: plain JSON over HTTP under
 * `/berth/agent/v1/`, and the same shapes in process. Both sides import only these types, never each
 * other. Timestamps are epoch milliseconds.
 */

export const AGENT_PROTOCOL_PREFIX = '/berth/agent/v1';
/** The service name in a SigV4 credential scope for Berth's own routes (agent protocol, logs). */
export const AGENT_SIGNING_SERVICE = 'berth';
/** The container-instance attribute with the agent's dynamic host-port range, `LOW-HIGH` (for the console). */
export { DYNAMIC_RANGE_ATTRIBUTE } from '../../domain/ecs/dynamic-port-range.js';
/** Attributes of a remote agent that serves its containers' logs: `http://ip:port`, and the key id it signs with. */
export const LOGS_ENDPOINT_ATTRIBUTE = 'berth.logs-endpoint';
export const AGENT_KEY_ATTRIBUTE = 'berth.agent-key-id';
/** The log route, on the control plane and on a remote agent alike. */
export const LOGS_PATH = `${AGENT_PROTOCOL_PREFIX}/logs`;
/**
 * Asked for with `Accept`, the log route answers one JSON object per line, `{stream, line, time}`,
 * so the control plane passes on the stream and time the agent saw; without it, plain text lines.
 */
export const LOGS_NDJSON = 'application/x-ndjson';

/** One line of the NDJSON log answer, checked; undefined when it is not one. */
export function parseLogLine(text: string): { stream: 'stdout' | 'stderr'; line: string; time: number } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { stream, line, time } = v as Record<string, unknown>;
  if ((stream !== 'stdout' && stream !== 'stderr') || typeof line !== 'string' || typeof time !== 'number') return undefined;
  return { stream, line, time };
}

/** `GET logs` query of a LogRequest. */
export function logsQuery(req: LogRequest): string {
  const q = new URLSearchParams({ cluster: req.cluster, task: req.taskArn, container: req.containerName });
  if (req.follow) q.set('follow', '1');
  if (req.tail !== undefined) q.set('tail', String(req.tail));
  return q.toString();
}

/** The LogRequest of a `GET logs` query; undefined when task or container is missing. */
export function parseLogsQuery(q: URLSearchParams): LogRequest | undefined {
  const taskArn = q.get('task');
  const containerName = q.get('container');
  if (!taskArn || !containerName) return undefined;
  const tail = q.get('tail') === null ? undefined : Number(q.get('tail'));
  return {
    cluster: q.get('cluster') ?? 'default',
    taskArn,
    containerName,
    follow: q.get('follow') === '1' || q.get('follow') === 'true',
    ...(tail !== undefined && Number.isInteger(tail) && tail >= 0 ? { tail } : {}),
  };
}

export type Protocol = 'tcp' | 'udp';
export type Health = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** The ECS task states in order: a report never moves a task to an earlier one. */
export const TASK_STATES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const stateIndex = (s: string): number => TASK_STATES.indexOf(s as TaskState);

export interface ResourceAmount {
  name: string;
  type: 'INTEGER' | 'STRINGSET';
  integerValue?: number;
  stringSetValue?: string[];
}

export interface RegisterRequest {
  cluster: string;
  ec2InstanceId: string;
  advertiseAddress: string;
  totalResources: ResourceAmount[];
  attributes: { name: string; value?: string }[];
  versionInfo: { agentVersion?: string; agentHash?: string; dockerVersion?: string };
}

export interface RegisterResponse {
  containerInstanceArn: string;
}

export interface HeartbeatRequest {
  cluster: string;
  containerInstanceArn: string;
}

export interface WatchTasksRequest {
  cluster: string;
  containerInstanceArn: string;
  /** Answer once a task of this instance changed after this revision; absent: answer at once. */
  fromRevision?: number;
  /** How long to wait for a change before answering with the same set (default 20 s). */
  timeoutMs?: number;
}

export interface WatchTasksResponse {
  /** Poll again from here. */
  revision: number;
  /** Every task on the instance, STOPPED ones too until they are swept. */
  tasks: AssignedTask[];
}

export interface AssignedPortMapping {
  containerPort: number;
  /** 0 or absent: dynamic, the agent picks. */
  hostPort?: number;
  protocol: Protocol;
}

export interface AssignedHealthCheck {
  command: string[];
  intervalS: number;
  timeoutS: number;
  retries: number;
  startPeriodS: number;
}

/** A container definition resolved with the task's overrides: what the agent runs. */
export interface AssignedContainer {
  name: string;
  image: string;
  essential: boolean;
  entryPoint?: string[];
  command?: string[];
  environment: Record<string, string>;
  portMappings: AssignedPortMapping[];
  cpu?: number;
  memoryMiB?: number;
  memoryReservationMiB?: number;
  healthCheck?: AssignedHealthCheck;
  dockerLabels?: Record<string, string>;
  stopTimeoutS: number;
  /** ECS `dependsOn`: this container starts only once each named container reaches its condition. */
  dependsOn?: AssignedDependency[];
  /** ECS `startTimeout`: how long a container that depends on this one waits for it to reach its condition. */
  startTimeoutS?: number;
  /** Where the container's secret environment variables come from (names and valueFrom; never values). */
  secrets?: SecretReferenceOf[];
  /** `repositoryCredentials.credentialsParameter`: the Secrets Manager secret with the registry's username and password. */
  credentialsParameter?: string;
  /** The log driver and its options, with `secretOptions` still references. */
  logConfiguration?: AssignedLogConfiguration;
  mountPoints?: AssignedMountPoint[];
  volumesFrom?: AssignedVolumeFrom[];
  user?: string;
  workingDirectory?: string;
  hostname?: string;
  extraHosts?: { hostname: string; ipAddress: string }[];
  ulimits?: AssignedUlimit[];
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  /** `linuxParameters.initProcessEnabled`: an init process (PID 1) that reaps zombies and forwards signals. */
  initProcessEnabled?: boolean;
}

export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

export interface AssignedDependency {
  containerName: string;
  condition: DependencyCondition;
}

export interface AssignedMountPoint {
  sourceVolume: string;
  containerPath: string;
  readOnly: boolean;
}

export interface AssignedVolumeFrom {
  sourceContainer: string;
  readOnly: boolean;
}

export interface AssignedUlimit {
  name: string;
  softLimit: number;
  hardLimit: number;
}

/**
 * A task definition volume: a host path (bind mount) or a Docker volume. ECS: a volume with neither
 * `host` nor `dockerVolumeConfiguration` is a Docker-managed volume that lives as long as the task.
 */
export type AssignedVolume =
  | { name: string; kind: 'host'; sourcePath: string }
  | {
      name: string;
      kind: 'docker';
      scope: 'task' | 'shared';
      autoprovision: boolean;
      driver: string;
      driverOpts: Record<string, string>;
      labels: Record<string, string>;
    };

export interface SecretReferenceOf {
  name: string;
  valueFrom: string;
}

export interface AssignedLogConfiguration {
  logDriver: string;
  options: Record<string, string>;
  secretOptions: SecretReferenceOf[];
}

/** Whether the agent must ask `tasks/secrets` before it starts the task. */
export function taskNeedsSecrets(task: AssignedTask): boolean {
  return task.containers.some((c) => (c.secrets?.length ?? 0) > 0 || c.credentialsParameter !== undefined || (c.logConfiguration?.secretOptions.length ?? 0) > 0);
}

/** `POST tasks/secrets`: the values of one task's secrets, for the agent it is assigned to only. */
export interface TaskSecretsRequest {
  cluster: string;
  containerInstanceArn: string;
  taskArn: string;
}

export interface RegistryAuth {
  username: string;
  password: string;
}

export interface ContainerSecrets {
  name: string;
  /** Secret environment variables, by name. */
  environment: Record<string, string>;
  registryAuth?: RegistryAuth;
  /** The log driver's `secretOptions`, resolved. */
  logOptions?: Record<string, string>;
}

/** The values, or ECS's stoppedReason when one cannot be pulled (the task then stops before any container starts). */
export type TaskSecretsResponse = { ok: true; containers: ContainerSecrets[] } | { ok: false; stoppedReason: string };

/**
 * `POST logs/batch`: lines of one awslogs container, for the task's own instance only. A batch with no
 * events opens the stream (before the container starts); `events` carry their last line's position,
 * which is the batch's idempotency key: the control plane stores only what is past the stream's mark.
 */
export interface LogBatchRequest {
  cluster: string;
  containerInstanceArn: string;
  taskArn: string;
  containerName: string;
  /** The container's runtime id: the stream's name when awslogs-stream-prefix is absent. */
  runtimeId: string;
  events: ShippedLogEvent[];
}

export interface ShippedLogEvent {
  timestamp: number;
  message: string;
  last: LogPosition;
}

export interface LogPosition {
  t: number;
  k: number;
}

/** Where the lines went and how many were new; or ECS's stoppedReason when the stream cannot be opened. */
export type LogBatchResponse =
  | { ok: true; logGroup: string; logStream: string; stored: number; skipped: number; shipped?: LogPosition }
  | { ok: false; stoppedReason: string };

export interface NetworkBindingReport {
  bindIP: string;
  containerPort: number;
  hostPort: number;
  protocol: Protocol;
}

/** What the control plane last recorded for one container (so the agent reports only changes). */
export interface RecordedContainer {
  name: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  healthStatus: Health;
  networkBindings: NetworkBindingReport[];
}

export interface AssignedTask {
  taskArn: string;
  taskDefinitionArn: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  lastStatus: TaskState;
  networkMode: 'bridge' | 'host';
  containers: AssignedContainer[];
  /** The task definition's volumes (only those some container mounts matter, but all are sent). */
  volumes?: AssignedVolume[];
  /** The record's current containers, as last reported. */
  recorded: RecordedContainer[];
  healthStatus: Health;
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: number;
}

export interface ContainerReport {
  name: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus?: Health;
  networkBindings?: NetworkBindingReport[];
}

export interface TaskStateReport {
  cluster: string;
  taskArn: string;
  lastStatus: TaskState;
  containers: ContainerReport[];
  healthStatus?: Health;
  stopCode?: string;
  stoppedReason?: string;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  connectivityAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
}

export interface LogRequest {
  cluster: string;
  taskArn: string;
  containerName: string;
  follow?: boolean;
  tail?: number;
}

/** The error body of every non-2xx answer. */
export interface ProtocolErrorBody {
  code: string;
  message: string;
}

/** What either client throws for an answer the control plane refused. */
export class ControlPlaneError extends Error {
  override readonly name = 'ControlPlaneError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
