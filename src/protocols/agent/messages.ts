/**
 * The agent protocol's requests and answers, version 1: one JSON body per route under
 * `/berth/agent/v1/` (and the same shapes in process). Timestamps are epoch milliseconds.
 */
import type { AssignedTask, NetworkBindingReport } from './assigned-task.js';
import type { Health, TaskState } from './task-state.js';

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

/**
 * One task's resource use over the interval that ended at `at`: CPU in ECS's units (1024 = one
 * core busy the whole interval) and memory now, summed over the task's running containers. Raw use,
 * not a percentage: what was reserved is the control plane's to know (the task definition, the
 * instance's registered CPU and memory), and it turns these into AWS/ECS CPUUtilization and
 * MemoryUtilization.
 */
export interface TaskUsageSample {
  taskArn: string;
  /** Epoch ms of the reading. */
  at: number;
  cpuUnits: number;
  memoryMiB: number;
}

/** `POST tasks/stats`: the samples since the last report that got through, at most MAX_TASK_STATS_SAMPLES. */
export interface TaskStatsRequest {
  cluster: string;
  containerInstanceArn: string;
  samples: TaskUsageSample[];
}
