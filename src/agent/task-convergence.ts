/**
 * The agent's decision, pure and level-triggered: from the tasks assigned to this instance, the
 * containers the runtime shows (by the cluster label), the port state and `now`, the actions that
 * move what runs towards what is wanted. The agent (agent.ts) executes them and calls this again;
 * nothing here remembers events, so a lost exit or a restart of the agent changes nothing.
 *
 *   desired RUNNING, not started      -> start (the containers missing whose dependsOn conditions hold;
 *                                        ports allocated here); a dependency that can never hold -> stop
 *   desired RUNNING, all running       -> report (ACTIVATING/RUNNING, bindings, health) when it differs
 *   essential container exited/gone    -> stop (EssentialContainerExited, its exit code)
 *   desired STOPPED                    -> stop (STOPPING, SIGTERM..SIGKILL, DEPROVISIONING, STOPPED)
 *   task STOPPED, container running    -> stop it; exited ones are removed after a retention
 *   container of no assigned task      -> stop and remove (orphan)
 */
import { allocatePorts, type PortRange } from '../scheduling/port-allocator.js';
import { startOrder } from './container-order.js';
import { BERTH_LABELS, type ContainerState, type PortBinding } from './runtime/runtime.js';
import type { AssignedTask, ContainerReport, Health, NetworkBindingReport, TaskState } from './control-plane-client.js';

export interface PortState {
  range: PortRange;
  reserved: ReadonlySet<number>;
  /** Ports chosen for starts still in flight. */
  pending: ReadonlySet<number>;
  /** Ports released (or failing a bind-probe) recently, to the epoch ms they may be reused. */
  cooldownUntil: ReadonlyMap<number, number>;
  /** Where the allocator's rotating cursor stands. */
  cursor?: number;
}

export interface ConvergenceInput {
  tasks: readonly AssignedTask[];
  observed: readonly ContainerState[];
  /** Tasks with an action in flight: left alone this round. */
  busy: ReadonlySet<string>;
  ports: PortState;
  advertiseAddress: string;
  now: number;
  /** How long exited containers of STOPPED tasks are kept (for their logs) before removal. */
  retentionMs: number;
}

export interface ContainerToCreate {
  name: string;
  bindings: PortBinding[];
}

export type Action =
  /** `last`: no container waits for a dependency after this one; otherwise the task stays PENDING. */
  | { type: 'start'; task: AssignedTask; create: ContainerToCreate[]; startExisting: string[]; last: boolean }
  | { type: 'stop'; task: AssignedTask; stopCode?: string; stoppedReason?: string; reasons?: Record<string, string> }
  | { type: 'report'; task: AssignedTask; lastStatus: TaskState; containers: ContainerReport[]; healthStatus: Health }
  | { type: 'fail'; task: AssignedTask; stoppedReason: string }
  | { type: 'stop-container'; runtimeId: string; timeoutS: number; remove: boolean; why: string }
  | { type: 'remove'; runtimeId: string; why: string };

export interface ConvergencePlan {
  actions: Action[];
  /** The allocator cursor after this round's starts. */
  cursor?: number;
}

const STARTING: readonly TaskState[] = ['PROVISIONING', 'PENDING'];

/** Worst health of the essential containers (ECS): any UNHEALTHY, else any UNKNOWN, else HEALTHY. */
export function taskHealth(task: AssignedTask, health: ReadonlyMap<string, Health>): Health {
  const essential = task.containers.filter((c) => c.essential).map((c) => health.get(c.name) ?? 'UNKNOWN');
  if (essential.includes('UNHEALTHY')) return 'UNHEALTHY';
  if (essential.length === 0 || essential.includes('UNKNOWN')) return 'UNKNOWN';
  return 'HEALTHY';
}

export function bindingsReport(bindings: readonly PortBinding[], bindIP: string): NetworkBindingReport[] {
  return bindings.map((b) => ({ bindIP, containerPort: b.containerPort, hostPort: b.hostPort, protocol: b.protocol }));
}

/** Every port a live task or a running container holds: never handed out again until released. */
export function portsInUse(input: Pick<ConvergenceInput, 'tasks' | 'observed' | 'ports'>): Set<number> {
  const used = new Set<number>(input.ports.pending);
  const live = new Set(input.tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn));
  for (const t of input.tasks) {
    if (!live.has(t.taskArn)) continue;
    for (const c of t.recorded) for (const b of c.networkBindings) used.add(b.hostPort);
    for (const c of t.containers) for (const m of c.portMappings) if (m.hostPort) used.add(m.hostPort);
  }
  for (const c of input.observed) {
    const arn = c.labels[BERTH_LABELS.taskArn];
    if (c.status === 'running' || (arn !== undefined && live.has(arn))) for (const b of c.portBindings) used.add(b.hostPort);
  }
  return used;
}

export function converge(input: ConvergenceInput): ConvergencePlan {
  const actions: Action[] = [];
  const byTask = new Map<string, ContainerState[]>();
  for (const c of input.observed) {
    const arn = c.labels[BERTH_LABELS.taskArn];
    if (arn === undefined) continue;
    const list = byTask.get(arn) ?? [];
    list.push(c);
    byTask.set(arn, list);
  }
  const inUse = portsInUse(input);
  let cursor = input.ports.cursor;
  const assigned = new Set(input.tasks.map((t) => t.taskArn));

  for (const task of input.tasks) {
    if (input.busy.has(task.taskArn)) continue;
    const obs = byTask.get(task.taskArn) ?? [];
    const named = new Map(obs.map((c) => [c.name, c]));

    if (task.lastStatus === 'STOPPED') {
      for (const c of obs) {
        if (c.status === 'running') {
          actions.push({ type: 'stop-container', runtimeId: c.runtimeId, timeoutS: stopTimeoutOf(task, c.name), remove: false, why: 'task is STOPPED' });
        } else if (input.now - (task.stoppedAt ?? c.finishedAt ?? 0) >= input.retentionMs) {
          actions.push({ type: 'remove', runtimeId: c.runtimeId, why: 'task stopped longer than the retention' });
        }
      }
      continue;
    }

    if (task.desiredStatus === 'STOPPED') {
      actions.push({ type: 'stop', task });
      continue;
    }

    const exitedEssential = task.containers.find((c) => c.essential && named.get(c.name)?.status === 'exited');
    if (exitedEssential) {
      actions.push({ type: 'stop', task, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
      continue;
    }

    if (STARTING.includes(task.lastStatus)) {
      // Start in dependency order: only the containers whose dependsOn conditions hold now.
      const order = startOrder(task, named, input.now);
      if (order.failed) {
        actions.push({
          type: 'stop',
          task,
          stopCode: 'TaskFailedToStart',
          stoppedReason: order.failed.reason,
          reasons: { [order.failed.name]: order.failed.reason },
        });
        continue;
      }
      const ready = new Set(order.ready);
      const missing = task.containers.filter((c) => !named.has(c.name) && ready.has(c.name));
      const notStarted = obs.filter((c) => c.status === 'created' && ready.has(c.name)).map((c) => c.runtimeId);
      if (missing.length === 0 && notStarted.length === 0) {
        // Nothing to start: either everything that will ever start has, or a dependency is still on its way.
        if (order.waiting.length === 0) {
          const report = runningReport(task, obs, input.advertiseAddress, order.never);
          if (differs(task, report)) actions.push(report);
        }
        continue;
      }
      const requests = missing.reduce((n, c) => n + c.portMappings.filter((m) => !m.hostPort).length, 0);
      const chosen = choosePorts(input, inUse, requests, cursor);
      if (!chosen) {
        actions.push({ type: 'fail', task, stoppedReason: 'RESOURCE:PORTS: no free host port in the dynamic range' });
        continue;
      }
      cursor = chosen.cursor;
      let i = 0;
      const create = missing.map((c) => ({
        name: c.name,
        bindings: c.portMappings.map((m) => ({ containerPort: m.containerPort, hostPort: m.hostPort || chosen.ports[i++]!, protocol: m.protocol })),
      }));
      for (const c of create) for (const b of c.bindings) inUse.add(b.hostPort);
      // The last wave: once these run, nothing waits any more and the task goes RUNNING.
      actions.push({ type: 'start', task, create, startExisting: notStarted, last: order.waiting.length === 0 });
      continue;
    }

    // ACTIVATING, RUNNING or DEACTIVATING (draining, still wanted): everything should be there.
    const vanished = task.containers.filter((c) => c.essential && !named.has(c.name));
    if (vanished.length > 0) {
      const reasons: Record<string, string> = {};
      for (const c of vanished) reasons[c.name] = 'Container vanished from the host (removed outside Berth, or the runtime lost it)';
      actions.push({
        type: 'stop',
        task,
        stopCode: 'EssentialContainerExited',
        stoppedReason: `Essential container in task exited: ${vanished.map((c) => c.name).join(', ')} vanished from the host`,
        reasons,
      });
      continue;
    }
    const never = task.containers.some((c) => c.dependsOn) ? startOrder(task, named, input.now).never : [];
    const report = runningReport(task, obs, input.advertiseAddress, never);
    if (differs(task, report)) actions.push(report);
  }

  for (const c of input.observed) {
    const arn = c.labels[BERTH_LABELS.taskArn];
    if (arn === undefined || assigned.has(arn)) continue;
    if (c.status === 'running' || c.status === 'created') {
      actions.push({ type: 'stop-container', runtimeId: c.runtimeId, timeoutS: 10, remove: true, why: 'no task is assigned for this container' });
    } else {
      actions.push({ type: 'remove', runtimeId: c.runtimeId, why: 'no task is assigned for this container' });
    }
  }
  return { actions, ...(cursor !== undefined ? { cursor } : {}) };
}

function stopTimeoutOf(task: AssignedTask, name: string): number {
  return task.containers.find((c) => c.name === name)?.stopTimeoutS ?? 30;
}

/** Ports clear of cooldown first; cooling ones only when nothing else is left (they belong to no live task). */
function choosePorts(input: ConvergenceInput, inUse: ReadonlySet<number>, requests: number, cursor: number | undefined) {
  if (requests === 0) return { ports: [] as number[], cursor };
  const cooling = new Set<number>();
  for (const [p, until] of input.ports.cooldownUntil) if (until > input.now) cooling.add(p);
  const base = { range: input.ports.range, reserved: input.ports.reserved, requests, ...(cursor !== undefined ? { startHint: cursor } : {}) };
  let got = allocatePorts({ ...base, inUse: new Set([...inUse, ...cooling]) });
  if (!got.ok) got = allocatePorts({ ...base, inUse });
  return got.ok ? { ports: got.ports, cursor: got.nextHint } : undefined;
}

/** `never`: non-essential containers whose dependency can never be met; reported STOPPED with the reason, never started. */
function runningReport(
  task: AssignedTask,
  obs: readonly ContainerState[],
  bindIP: string,
  never: readonly { name: string; reason: string }[] = [],
): Extract<Action, { type: 'report' }> {
  const health = new Map<string, Health>();
  const containers: ContainerReport[] = obs.map((c) => {
    health.set(c.name, c.health);
    const r: ContainerReport = {
      name: c.name,
      runtimeId: c.runtimeId,
      lastStatus: c.status === 'running' ? 'RUNNING' : c.status === 'exited' ? 'STOPPED' : 'PENDING',
      healthStatus: c.health,
      networkBindings: bindingsReport(c.portBindings, bindIP),
    };
    if (c.exitCode !== undefined) r.exitCode = c.exitCode;
    return r;
  });
  for (const n of never) containers.push({ name: n.name, lastStatus: 'STOPPED', reason: n.reason, healthStatus: 'UNKNOWN', networkBindings: [] });
  // ACTIVATING passes straight through to RUNNING. DEACTIVATING is the scheduler's (targets draining):
  // the report keeps it, or it would differ from the record forever and be sent again every pass.
  const lastStatus: TaskState = task.lastStatus === 'DEACTIVATING' ? 'DEACTIVATING' : 'RUNNING';
  return { type: 'report', task, lastStatus, containers, healthStatus: taskHealth(task, health) };
}

function differs(task: AssignedTask, report: Extract<Action, { type: 'report' }>): boolean {
  if (task.lastStatus !== report.lastStatus || task.healthStatus !== report.healthStatus) return true;
  const recorded = new Map(task.recorded.map((c) => [c.name, c]));
  return report.containers.some((c) => {
    const r = recorded.get(c.name);
    return (
      !r ||
      r.lastStatus !== c.lastStatus ||
      r.healthStatus !== c.healthStatus ||
      r.runtimeId !== c.runtimeId ||
      (c.exitCode !== undefined && r.exitCode !== c.exitCode) ||
      JSON.stringify(r.networkBindings) !== JSON.stringify(c.networkBindings)
    );
  });
}
