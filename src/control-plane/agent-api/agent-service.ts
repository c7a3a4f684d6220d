/**
 * The control-plane side of the agent protocol: what the HTTP routes and the in-process client both
 * call. Register and heartbeat keep the container instance and `agentConnected`; watchTasks is a
 * long poll over store.watch; submitTaskState commits a report with compare-and-set.
 */
import type { Store, WatchEvent } from '../../store/store.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { clusterNameOf, resourceIdOf } from '../../domain/ecs/arn.js';
import type { ContainerInstanceRecord, Resource, TaskDefinitionRecord, TaskRecord } from '../../domain/ecs/records.js';
import { ACCOUNT_ID, DEFAULT_REGION } from '../api/operation.js';
import { registerContainerInstance, setAgentConnected } from '../ecs/container-instances.js';
import { clusterHandlers } from '../ecs/clusters.js';
import { resolveTaskDefinition } from '../ecs/task-definitions.js';
import { assignedTask } from './assigned-task.js';
import { applyTaskState, type TrackedTask } from './task-state-update.js';
import type { SecretSources } from '../task-secrets/secret-resolver.js';
import { awslogsStreamName, awslogsTargetOf, MISSING_GROUP_REASON } from '../../domain/ecs/log-configuration.js';
import { appendShipped, openShippedStream, type ShipTarget } from '../logs/shipped-logs.js';
import { resolveTaskSecrets } from '../task-secrets/task-secrets.js';
import type {
  AssignedTask,
  HeartbeatRequest,
  LogRequest,
  RegisterRequest,
  LogBatchRequest,
  LogBatchResponse,
  TaskSecretsRequest,
  TaskSecretsResponse,
  RegisterResponse,
  TaskStateReport,
  TaskStatsRequest,
  WatchTasksRequest,
  WatchTasksResponse,
} from '../../protocols/agent/index.js';
import { MAX_TASK_STATS_SAMPLES } from '../../protocols/agent/index.js';

export const DEFAULT_WATCH_TIMEOUT_MS = 20_000;
const MAX_WATCH_TIMEOUT_MS = 60_000;

export interface LogLineOut {
  stream: 'stdout' | 'stderr';
  line: string;
  time: number;
}

/** Where container logs come from: the in-process agent in `berth up`, or a proxy to a remote one. */
/** Resolves once the container is found (rejects with an AwsError when it is not), then streams. */
export type LogSource = (req: LogRequest, signal: AbortSignal) => Promise<AsyncIterable<LogLineOut>>;

export interface AgentServiceDeps {
  store: Store;
  clock: Clock;
  random: Random;
  region?: string;
  accountId?: string;
  /** Upper bound of a watchTasks wait when the request names none. */
  watchTimeoutMs?: number;
  logs?: LogSource;
  /** Parameter Store and Secrets Manager, for the tasks' secrets (absent: a task with secrets fails to start). */
  secrets?: SecretSources;
  /** Where the tasks' usage goes (AWS/ECS metrics: src/control-plane/cloudwatch/ecs-metric-recorder.ts); absent: dropped. */
  taskStats?: { record(cluster: string, instance: ContainerInstanceRecord, samples: TaskStatsRequest['samples']): Promise<unknown> };
}

export const agentErrors = {
  instanceNotFound: () => new AwsError('InvalidParameterException', 'The referenced container instance was not found.', 404),
  invalid: (message: string) => new AwsError('InvalidParameterException', message),
  taskNotFound: () => new AwsError('InvalidParameterException', 'The referenced task was not found.', 404),
};

function requireCluster(ref: string | undefined): string {
  const name = clusterNameOf(ref);
  // Agents use bare names as store keys (the server's region): nothing key-shaped (`x@region`, `a/b`) names a cluster.
  if (name === undefined || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  return name;
}

function instanceIdOf(arn: string): string {
  const id = resourceIdOf(arn, 'container-instance');
  if (!id) throw agentErrors.instanceNotFound();
  return id;
}

export class AgentService {
  /** Last heartbeat per instance key, read by the liveness controller. In memory on purpose: after a restart every agent gets a full timeout again. */
  readonly heartbeats = new Map<string, number>();

  constructor(private readonly deps: AgentServiceDeps) {}

  private ctx() {
    return { region: this.deps.region ?? DEFAULT_REGION, accountId: this.deps.accountId ?? ACCOUNT_ID, now: this.deps.clock.now() };
  }

  async register(req: RegisterRequest): Promise<RegisterResponse> {
    const cluster = requireCluster(req.cluster);
    if (!/^i-[0-9a-f]{8,17}$/.test(req.ec2InstanceId ?? '')) throw agentErrors.invalid('ec2InstanceId must look like i-0123456789abcdef0.');
    const existing = await this.deps.store.get<{ status: string }>(keys.cluster(cluster));
    // As the ECS agent does: the default cluster is created on first registration, named ones are not.
    if (cluster === 'default' && existing?.value.status !== 'ACTIVE') {
      await clusterHandlers(this.deps).CreateCluster!({ clusterName: cluster }, { ...this.ctx(), requestId: 'agent', sourceIp: '127.0.0.1' });
    }
    const record = await registerContainerInstance(
      this.deps.store,
      {
        cluster,
        ec2InstanceId: req.ec2InstanceId,
        advertiseAddress: req.advertiseAddress,
        totalResources: req.totalResources as Resource[],
        attributes: req.attributes,
        versionInfo: req.versionInfo,
      },
      this.ctx(),
      this.deps.random,
    );
    this.heartbeats.set(keys.containerInstance(cluster, record.id), this.deps.clock.now());
    return { containerInstanceArn: record.containerInstanceArn };
  }

  async heartbeat(req: HeartbeatRequest): Promise<void> {
    const cluster = requireCluster(req.cluster);
    const id = instanceIdOf(req.containerInstanceArn);
    const key = keys.containerInstance(cluster, id);
    const rec = await this.deps.store.get<ContainerInstanceRecord>(key);
    if (!rec || rec.value.status === 'INACTIVE') throw agentErrors.instanceNotFound();
    this.heartbeats.set(key, this.deps.clock.now());
    if (!rec.value.agentConnected) await setAgentConnected(this.deps.store, cluster, id, true);
  }

  async watchTasks(req: WatchTasksRequest, signal?: AbortSignal): Promise<WatchTasksResponse> {
    const cluster = requireCluster(req.cluster);
    const id = instanceIdOf(req.containerInstanceArn);
    if (req.fromRevision !== undefined) {
      const timeout = Math.min(req.timeoutMs ?? this.deps.watchTimeoutMs ?? DEFAULT_WATCH_TIMEOUT_MS, MAX_WATCH_TIMEOUT_MS);
      await this.waitForChange(keys.tasks(cluster), req.fromRevision, id, timeout, signal);
    }
    const listed = await this.deps.store.list<TaskRecord>(keys.tasks(cluster));
    const mine = listed.records.map((r) => r.value).filter((t) => t.containerInstanceId === id);
    const definitions = new Map<string, TaskDefinitionRecord | undefined>();
    const tasks: AssignedTask[] = [];
    for (const t of mine) {
      if (!definitions.has(t.taskDefinitionArn)) {
        definitions.set(
          t.taskDefinitionArn,
          await resolveTaskDefinition(this.deps.store, t.taskDefinitionArn).then(
            (r) => r.value,
            () => undefined,
          ),
        );
      }
      const td = definitions.get(t.taskDefinitionArn);
      if (td) tasks.push(assignedTask(t, td));
    }
    return { revision: listed.revision, tasks };
  }

  /** Resolves when a task of this instance changed after `fromRevision`, on timeout, or on abort. */
  private waitForChange(prefix: string, fromRevision: number, instanceId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        // The watch may call back synchronously from inside store.watch(), before `watch` is assigned.
        queueMicrotask(() => watch.close());
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      signal?.addEventListener('abort', finish, { once: true });
      const relevant = (e: WatchEvent) => {
        const v = e.value as TaskRecord | undefined;
        return v === undefined || v.containerInstanceId === instanceId;
      };
      const watch = this.deps.store.watch(prefix, {
        fromRevision,
        onEvents: (events) => {
          if (events.some(relevant)) finish();
        },
        // History compacted past fromRevision: the caller just takes the full set now.
        onError: finish,
      });
    });
  }

  async submitTaskState(report: TaskStateReport): Promise<void> {
    const cluster = requireCluster(report.cluster);
    const taskId = resourceIdOf(report.taskArn, 'task');
    if (!taskId) throw agentErrors.taskNotFound();
    const now = this.deps.clock.now();
    const key = keys.task(cluster, taskId);
    const exists = await this.deps.store.get(key);
    if (!exists) throw agentErrors.taskNotFound();
    await updateRecord<TrackedTask>(this.deps.store, key, (cur) => (cur ? (applyTaskState(cur, report, now) ?? SKIP) : SKIP));
  }

  /**
   * The task a request names, if it is assigned to the calling instance. Another instance's task
   * answers exactly as a missing one: nothing to learn by probing.
   */
  private async ownTask(req: { cluster: string; containerInstanceArn: string; taskArn: string }) {
    const cluster = requireCluster(req.cluster);
    const instanceId = instanceIdOf(req.containerInstanceArn);
    const taskId = resourceIdOf(req.taskArn, 'task');
    if (!taskId) throw agentErrors.taskNotFound();
    const rec = await this.deps.store.get<TaskRecord>(keys.task(cluster, taskId));
    if (!rec || rec.value.containerInstanceId !== instanceId) throw agentErrors.taskNotFound();
    return { rec, taskId };
  }

  /**
   * The values of a task's secrets, for the agent the task is assigned to only: remote agents have no
   * store access, and this is the one place values leave the control plane.
   */
  async taskSecrets(req: TaskSecretsRequest): Promise<TaskSecretsResponse> {
    for (const field of ['cluster', 'containerInstanceArn', 'taskArn'] as const) {
      if (typeof req[field] !== 'string') throw agentErrors.invalid(`${field} must be a string.`);
    }
    const { rec, taskId } = await this.ownTask(req);
    if (rec.value.desiredStatus !== 'RUNNING' || rec.value.lastStatus === 'STOPPED') {
      throw agentErrors.invalid('The task is not starting: its secrets are not served.');
    }
    const td = await resolveTaskDefinition(this.deps.store, rec.value.taskDefinitionArn);
    const task = assignedTask(rec.value, td.value);
    if (!this.deps.secrets) {
      return { ok: false, stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth: this control plane serves no secret stores' };
    }
    const { region, accountId, now } = this.ctx();
    return resolveTaskSecrets(this.deps.secrets, task.containers, { requestId: `agent-${taskId}`, region, accountId, now, sourceIp: '127.0.0.1' });
  }

  /** An awslogs container's lines into the log store (see LogBatchRequest); the task may have stopped since, its last lines still count. */
  async shipLogs(req: LogBatchRequest): Promise<LogBatchResponse> {
    for (const f of ['cluster', 'containerInstanceArn', 'taskArn', 'containerName', 'runtimeId'] as const) {
      if (typeof req?.[f] !== 'string' || req[f] === '') throw agentErrors.invalid(`${f} is required.`);
    }
    const { rec, taskId } = await this.ownTask(req);
    const td = await resolveTaskDefinition(this.deps.store, rec.value.taskDefinitionArn);
    const def = td.value.containerDefinitions.find((c) => c.name === req.containerName);
    const log = def?.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
    if (!def || log?.logDriver !== 'awslogs') throw agentErrors.invalid(`Container '${req.containerName}' of the task has no awslogs log driver.`);
    if (!Array.isArray(req.events)) throw agentErrors.invalid('events is required.');
    const { region, now } = this.ctx();
    const t = awslogsTargetOf(req.containerName, log.options ?? {}, region);
    const target: ShipTarget = { region, group: t.group, stream: awslogsStreamName(t, req.containerName, taskId, req.runtimeId), createGroup: t.createGroup };
    const where = { logGroup: target.group, logStream: target.stream };
    if (req.events.length === 0) {
      const opened = await openShippedStream(this.deps.store, target, now);
      if (!opened.ok) return { ok: false, stoppedReason: MISSING_GROUP_REASON };
      return { ok: true, ...where, stored: 0, skipped: 0, ...(opened.shipped ? { shipped: opened.shipped } : {}) };
    }
    for (const e of req.events) {
      if (typeof e?.message !== 'string' || !Number.isFinite(e.timestamp) || !Number.isFinite(e.last?.t) || !Number.isInteger(e.last?.k)) {
        throw agentErrors.invalid('Each event needs a timestamp, a message and the position of its last line.');
      }
    }
    const { stored, skipped } = await appendShipped(this.deps.store, target, req.events, now);
    return { ok: true, ...where, stored, skipped };
  }

  /** The tasks' resource use, for the AWS/ECS metrics; checked for shape here, joined with the task records by the recorder. */
  async reportTaskStats(req: TaskStatsRequest): Promise<void> {
    const cluster = requireCluster(req?.cluster);
    const instanceId = instanceIdOf(typeof req.containerInstanceArn === 'string' ? req.containerInstanceArn : '');
    if (!Array.isArray(req.samples) || req.samples.length > MAX_TASK_STATS_SAMPLES) {
      throw agentErrors.invalid(`samples must be a list of at most ${MAX_TASK_STATS_SAMPLES}.`);
    }
    for (const s of req.samples) {
      const ok =
        typeof s?.taskArn === 'string' &&
        Number.isFinite(s.at) &&
        Number.isFinite(s.cpuUnits) &&
        s.cpuUnits >= 0 &&
        Number.isFinite(s.memoryMiB) &&
        s.memoryMiB >= 0;
      if (!ok) throw agentErrors.invalid('each sample is {taskArn, at (epoch ms), cpuUnits >= 0, memoryMiB >= 0}.');
    }
    const instance = await this.deps.store.get<ContainerInstanceRecord>(keys.containerInstance(cluster, instanceId));
    if (!instance) throw agentErrors.instanceNotFound();
    if (req.samples.length > 0) await this.deps.taskStats?.record(cluster, instance.value, req.samples);
  }

  async logs(req: LogRequest, signal: AbortSignal): Promise<AsyncIterable<LogLineOut>> {
    if (!this.deps.logs) throw new AwsError('ServerException', 'No agent serves logs for this instance.', 501);
    return this.deps.logs(req, signal);
  }
}
