/**
 * The agent protocol in process (`berth up`): the same service functions the HTTP routes call, with
 * AwsErrors turned into the ControlPlaneError an HTTP client would throw, and answers copied so the
 * agent never holds a reference into control-plane state.
 */
import { AwsError } from '../../domain/aws-error.js';
import type { AgentService } from './agent-service.js';
import {
  ControlPlaneError,
  type ControlPlaneClient,
  type HeartbeatRequest,
  type RegisterRequest,
  type RegisterResponse,
  type LogBatchRequest,
  type LogBatchResponse,
  type TaskSecretsRequest,
  type TaskSecretsResponse,
  type TaskStateReport,
  type TaskStatsRequest,
  type WatchTasksRequest,
  type WatchTasksResponse,
} from '../../protocols/agent/index.js';

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return structuredClone(await work());
  } catch (err) {
    if (err instanceof AwsError) throw new ControlPlaneError(err.code, err.message, err.status);
    throw err;
  }
}

export class InProcessControlPlaneClient implements ControlPlaneClient {
  constructor(private readonly service: AgentService) {}

  register(req: RegisterRequest): Promise<RegisterResponse> {
    return translated(() => this.service.register(structuredClone(req)));
  }

  heartbeat(req: HeartbeatRequest): Promise<void> {
    return translated(() => this.service.heartbeat(req));
  }

  watchTasks(req: WatchTasksRequest, signal?: AbortSignal): Promise<WatchTasksResponse> {
    return translated(() => this.service.watchTasks(req, signal));
  }

  shipLogs(req: LogBatchRequest): Promise<LogBatchResponse> {
    return translated(() => this.service.shipLogs(structuredClone(req)));
  }

  taskSecrets(req: TaskSecretsRequest): Promise<TaskSecretsResponse> {
    return translated(() => this.service.taskSecrets(structuredClone(req)));
  }

  reportTaskStats(req: TaskStatsRequest): Promise<void> {
    return translated(() => this.service.reportTaskStats(structuredClone(req)));
  }

  submitTaskState(report: TaskStateReport): Promise<void> {
    return translated(() => this.service.submitTaskState(structuredClone(report)));
  }
}
