/**
 * Executes one convergence action against the runtime and the control plane. Each step is
 * idempotent (creates are named, stops of stopped containers succeed, reports never move a task
 * backwards), so an action cut short by a crash is simply decided again and finishes.
 */
import { realpathSync } from 'node:fs';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { containerSpecOf, ownedBy } from './container-spec.js';
import { stopWaves } from './container-order.js';
import { privilegeRefusal } from './privilege.js';
import { bindingsReport, taskHealth, type Action } from './task-convergence.js';
import { BERTH_LABELS, RuntimeError, type ContainerRuntime, type ContainerState, type PortBinding, type Protocol } from './runtime/runtime.js';
import {
  taskNeedsSecrets,
  type AssignedTask,
  type ContainerReport,
  type ContainerSecrets,
  type ControlPlaneClient,
  type Health,
  type RecordedContainer,
  type TaskState,
  type TaskStateReport,
} from './control-plane-client.js';

export interface ActionContext {
  client: ControlPlaneClient;
  runtime: ContainerRuntime;
  cluster: string;
  /** The instance's ARN now (it changes when the agent registers again). */
  containerInstanceArn: () => string;
  ec2InstanceId: string;
  advertiseAddress: string;
  clock: Clock;
  logger: Logger;
  probe: (address: string, port: number, protocol: Protocol) => Promise<boolean>;
  /** A port failed its bind-probe: keep it out of the next rounds for a while. */
  portBusy: (port: number) => void;
  /** A task reached STOPPED: its ports start their cooldown. */
  portsReleased: (ports: number[]) => void;
  /** `--allow-privileged`: see privilege.ts. */
  allowPrivileged: boolean;
}

/** A dynamic port failed its bind-probe: expected on a shared host, so the start is simply decided again elsewhere. */
export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
  constructor(
    readonly port: number,
    address: string,
  ) {
    super(`host port ${port} is taken by another process on ${address}; choosing another`);
  }
}

/** ECS's names for a failed start, by the runtime step that failed. */
const START_FAILURE: Record<string, string> = {
  IMAGE_NOT_FOUND: 'CannotPullContainerError',
  CREATE_FAILED: 'CannotCreateContainerError',
  START_FAILED: 'CannotStartContainerError',
};

/**
 * What the control plane now holds for a task after an action, so the agent's copy is current before
 * the watch delivers it: deciding again from a stale copy would repeat the action (harmless, as it is
 * idempotent, but a busy loop).
 */
export interface TaskPatch {
  lastStatus: TaskState;
  recorded?: RecordedContainer[];
  healthStatus?: Health;
}

function recordedOf(containers: ContainerReport[]): RecordedContainer[] {
  return containers.map((c) => ({
    name: c.name,
    ...(c.runtimeId !== undefined ? { runtimeId: c.runtimeId } : {}),
    lastStatus: c.lastStatus,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    healthStatus: c.healthStatus ?? 'UNKNOWN',
    networkBindings: c.networkBindings ?? [],
  }));
}

export async function runAction(ctx: ActionContext, action: Action): Promise<TaskPatch | undefined> {
  switch (action.type) {
    case 'start':
      return start(ctx, action.task, action.create, action.startExisting, action.last);
    case 'stop':
      await stop(ctx, action.task, action.stopCode, action.stoppedReason, action.reasons);
      return { lastStatus: 'STOPPED' };
    case 'report':
      await report(ctx, action.task, {
        lastStatus: action.lastStatus,
        containers: action.containers,
        healthStatus: action.healthStatus,
        startedAt: ctx.clock.now(),
      });
      return { lastStatus: action.lastStatus, recorded: recordedOf(action.containers), healthStatus: action.healthStatus };
    case 'fail':
      await report(ctx, action.task, failedStart(action.task, ctx.clock.now(), action.stoppedReason));
      return { lastStatus: 'STOPPED' };
    case 'stop-container':
      ctx.logger.info({ runtimeId: action.runtimeId, why: action.why }, 'stopping container');
      await ctx.runtime.stop(action.runtimeId, action.timeoutS);
      if (action.remove) await ctx.runtime.remove(action.runtimeId);
      return undefined;
    case 'remove':
      ctx.logger.info({ runtimeId: action.runtimeId, why: action.why }, 'removing container');
      await ctx.runtime.remove(action.runtimeId);
      return undefined;
  }
}

function report(ctx: ActionContext, task: AssignedTask, r: Omit<TaskStateReport, 'cluster' | 'taskArn'>): Promise<void> {
  return ctx.client.submitTaskState({ cluster: ctx.cluster, taskArn: task.taskArn, ...r });
}

function failedStart(task: AssignedTask, now: number, stoppedReason: string): Omit<TaskStateReport, 'cluster' | 'taskArn'> {
  return {
    lastStatus: 'STOPPED',
    stopCode: 'TaskFailedToStart',
    stoppedReason,
    containers: task.containers.map((c) => ({ name: c.name, lastStatus: 'STOPPED', reason: stoppedReason })),
    executionStoppedAt: now,
    stoppedAt: now,
  };
}

async function containersOf(ctx: ActionContext, taskArn: string): Promise<ContainerState[]> {
  return ctx.runtime.list({ ...ownedBy(ctx.cluster, ctx.ec2InstanceId), [BERTH_LABELS.taskArn]: taskArn });
}

async function start(
  ctx: ActionContext,
  task: AssignedTask,
  create: { name: string; bindings: PortBinding[] }[],
  startExisting: string[],
  last: boolean,
): Promise<TaskPatch> {
  const dynamic = new Set(task.containers.flatMap((c) => c.portMappings.filter((m) => !m.hostPort).map((m) => `${c.name}/${m.containerPort}/${m.protocol}`)));
  for (const c of create) {
    for (const b of c.bindings) {
      if (!dynamic.has(`${c.name}/${b.containerPort}/${b.protocol}`)) continue;
      if (!(await ctx.probe(ctx.advertiseAddress, b.hostPort, b.protocol))) {
        ctx.portBusy(b.hostPort);
        throw new PortTakenError(b.hostPort, ctx.advertiseAddress);
      }
    }
  }
  const log = ctx.logger.child({ taskArn: task.taskArn });
  const refusal = privilegeRefusal(task, ctx.allowPrivileged, hostRealPath);
  if (refusal) {
    log.warn({ stoppedReason: refusal }, 'task failed to start');
    await report(ctx, task, failedStart(task, ctx.clock.now(), `CannotCreateContainerError: ${refusal}`));
    return { lastStatus: 'STOPPED' };
  }
  // Secrets and registry auth first, as the ECS agent does: a missing one stops the task before any
  // pull or container. The values live only in this scope and the containers' env; never logged.
  const secrets = new Map<string, ContainerSecrets>();
  if (taskNeedsSecrets(task)) {
    const answer = await ctx.client.taskSecrets({ cluster: ctx.cluster, containerInstanceArn: ctx.containerInstanceArn(), taskArn: task.taskArn });
    if (!answer.ok) {
      log.warn({ stoppedReason: answer.stoppedReason }, 'task failed to start');
      await report(ctx, task, failedStart(task, ctx.clock.now(), answer.stoppedReason));
      return { lastStatus: 'STOPPED' };
    }
    for (const c of answer.containers) secrets.set(c.name, c);
  }
  const pullStartedAt = ctx.clock.now();
  try {
    const pulls = new Map<string, ContainerSecrets['registryAuth']>();
    for (const c of create) {
      const image = task.containers.find((d) => d.name === c.name)!.image;
      pulls.set(image, pulls.get(image) ?? secrets.get(c.name)?.registryAuth);
    }
    for (const [image, auth] of pulls) await ctx.runtime.ensureImage(image, (m) => log.info(m), auth);
    const pullStoppedAt = ctx.clock.now();
    // A later wave of a dependsOn order finds the task PENDING already (its first wave running).
    if (task.lastStatus !== 'PENDING') {
      await report(ctx, task, {
        lastStatus: 'PENDING',
        containers: task.containers.map((c) => ({ name: c.name, lastStatus: 'PENDING' })),
        pullStartedAt,
        pullStoppedAt,
      });
    }
    const ids: string[] = [...startExisting];
    const created: string[] = [];
    for (const c of volumesFromFirst(task, create)) {
      const def = task.containers.find((d) => d.name === c.name)!;
      const id = await ctx.runtime.create(containerSpecOf(ctx.cluster, ctx.ec2InstanceId, task, def, c.bindings, ctx.advertiseAddress, secrets.get(c.name)));
      ids.push(id);
      created.push(id);
      // As Docker's awslogs driver does when the container starts: the stream is opened first, and a group that is missing (without awslogs-create-group) stops the task.
      if (def.logConfiguration?.logDriver === 'awslogs') {
        const opened = await ctx.client.shipLogs({
          cluster: ctx.cluster,
          containerInstanceArn: ctx.containerInstanceArn(),
          taskArn: task.taskArn,
          containerName: def.name,
          runtimeId: id,
          events: [],
        });
        if (!opened.ok) {
          log.warn({ stoppedReason: opened.stoppedReason }, 'task failed to start');
          for (const r of created) await ctx.runtime.remove(r);
          await report(ctx, task, failedStart(task, ctx.clock.now(), opened.stoppedReason));
          return { lastStatus: 'STOPPED' };
        }
      }
    }
    for (const id of ids) await ctx.runtime.start(id);
  } catch (err) {
    if (err instanceof RuntimeError && START_FAILURE[err.code]) {
      const reason = `${START_FAILURE[err.code]}: ${err.message}`;
      log.warn({ err }, 'task failed to start');
      await report(ctx, task, failedStart(task, ctx.clock.now(), reason));
      return { lastStatus: 'STOPPED' };
    }
    throw err;
  }
  // Containers still wait for a dependency: the next passes start them; the task stays PENDING.
  if (!last) return { lastStatus: 'PENDING' };
  const connectivityAt = ctx.clock.now();
  const observed = await containersOf(ctx, task.taskArn);
  const health = new Map<string, Health>(observed.map((c) => [c.name, c.health]));
  const containers: ContainerReport[] = observed.map((c) => ({
    name: c.name,
    runtimeId: c.runtimeId,
    lastStatus: c.status === 'running' ? 'RUNNING' : c.status === 'exited' ? 'STOPPED' : 'PENDING',
    healthStatus: c.health,
    networkBindings: bindingsReport(c.portBindings, ctx.advertiseAddress),
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
  }));
  const healthStatus = taskHealth(task, health);
  await report(ctx, task, { lastStatus: 'ACTIVATING', containers, healthStatus, connectivityAt });
  await report(ctx, task, { lastStatus: 'RUNNING', containers, healthStatus, startedAt: ctx.clock.now() });
  log.info({ bindings: containers.flatMap((c) => c.networkBindings ?? []).map((b) => b.hostPort) }, 'task running');
  return { lastStatus: 'RUNNING', recorded: recordedOf(containers), healthStatus };
}

/** A host path with its symbolic links resolved; as given when it does not exist (Docker creates it then, a plain folder). */
function hostRealPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Creates in an order where each container's volumesFrom sources exist before it (Docker needs them at create). */
export function volumesFromFirst<T extends { name: string }>(task: AssignedTask, create: T[]): T[] {
  const out: T[] = [];
  const placed = new Set<string>();
  const visit = (c: T, path: Set<string>) => {
    if (placed.has(c.name) || path.has(c.name)) return;
    path.add(c.name);
    const def = task.containers.find((d) => d.name === c.name);
    for (const v of def?.volumesFrom ?? []) {
      const source = create.find((x) => x.name === v.sourceContainer);
      if (source) visit(source, path);
    }
    placed.add(c.name);
    out.push(c);
  };
  for (const c of create) visit(c, new Set());
  return out;
}

async function stop(
  ctx: ActionContext,
  task: AssignedTask,
  stopCode: string | undefined,
  stoppedReason: string | undefined,
  reasons: Record<string, string> = {},
): Promise<void> {
  const why = { ...(stopCode ? { stopCode } : {}), ...(stoppedReason ? { stoppedReason } : {}) };
  const observed = await containersOf(ctx, task.taskArn);
  const live = observed.filter((c) => c.status === 'running' || c.status === 'created');
  const now = ctx.clock.now();
  if (live.length > 0) {
    if (task.lastStatus === 'ACTIVATING' || task.lastStatus === 'RUNNING') {
      // A service task arrives here already DEACTIVATING (the scheduler drained its targets first);
      // StopTask or an essential container's exit passes through DEACTIVATING on the way.
      await report(ctx, task, { lastStatus: 'DEACTIVATING', containers: [], stoppingAt: now, ...why });
    }
    await report(ctx, task, { lastStatus: 'STOPPING', containers: [], stoppingAt: now, ...why });
    const timeoutOf = (name: string) => task.containers.find((c) => c.name === name)?.stopTimeoutS ?? 30;
    // Dependents first, then what they depend on (ECS reverses the start order); each with its own stopTimeout.
    const byName = new Map(live.map((c) => [c.name, c]));
    const waves = stopWaves(task.containers);
    const inWaves = new Set(waves.flat());
    for (const wave of [...waves, live.filter((c) => !inWaves.has(c.name)).map((c) => c.name)]) {
      await Promise.all(wave.flatMap((n) => byName.get(n) ?? []).map((c) => ctx.runtime.stop(c.runtimeId, timeoutOf(c.name))));
    }
    await report(ctx, task, { lastStatus: 'DEPROVISIONING', containers: [], ...why });
  }
  const after = new Map((await containersOf(ctx, task.taskArn)).map((c) => [c.name, c]));
  const containers: ContainerReport[] = task.containers.map((d) => {
    const c = after.get(d.name);
    const r: ContainerReport = { name: d.name, lastStatus: 'STOPPED' };
    if (c) r.runtimeId = c.runtimeId;
    if (c?.exitCode !== undefined) r.exitCode = c.exitCode;
    if (reasons[d.name]) r.reason = reasons[d.name];
    return r;
  });
  const stoppedAt = ctx.clock.now();
  await report(ctx, task, { lastStatus: 'STOPPED', containers, stoppingAt: now, executionStoppedAt: stoppedAt, stoppedAt, ...why });
  const ports = [...observed.flatMap((c) => c.portBindings.map((b) => b.hostPort)), ...task.recorded.flatMap((c) => c.networkBindings.map((b) => b.hostPort))];
  ctx.portsReleased([...new Set(ports)]);
  ctx.logger.info({ taskArn: task.taskArn, ...why }, 'task stopped');
}
