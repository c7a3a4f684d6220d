/**
 * The agent's port to the control plane: one interface, two implementations (in process for
 * `berth up`: src/control-plane/agent-api/in-process-client.ts; HTTP for `berth agent --server`:
 * src/agent/http-control-plane-client.ts), one conformance suite
 * (src/agent/control-plane-client.conformance.ts). It lives here, with the protocol, so the
 * control plane implements it without importing the agent.
 */
import type {
  HeartbeatRequest,
  LogBatchRequest,
  LogBatchResponse,
  RegisterRequest,
  RegisterResponse,
  TaskSecretsRequest,
  TaskSecretsResponse,
  TaskStateReport,
  TaskStatsRequest,
  WatchTasksRequest,
  WatchTasksResponse,
} from './messages.js';

export interface ControlPlaneClient {
  register(req: RegisterRequest): Promise<RegisterResponse>;
  heartbeat(req: HeartbeatRequest): Promise<void>;
  /** Long poll: answers when a task of the instance changed after `fromRevision`, or on timeout. */
  watchTasks(req: WatchTasksRequest, signal?: AbortSignal): Promise<WatchTasksResponse>;
  submitTaskState(report: TaskStateReport): Promise<void>;
  /** The values of a task's secrets (its container env, registry auth, log secretOptions); only for a task on this instance. */
  taskSecrets(req: TaskSecretsRequest): Promise<TaskSecretsResponse>;
  /** An awslogs container's lines into the log store, exactly once (no events: opens the stream). */
  shipLogs(req: LogBatchRequest): Promise<LogBatchResponse>;
  /** The tasks' resource use since the last report, for the AWS/ECS metrics; only tasks on this instance count. */
  reportTaskStats(req: TaskStatsRequest): Promise<void>;
  close?(): Promise<void>;
}
