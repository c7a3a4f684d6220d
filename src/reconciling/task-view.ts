/**
 * One task as the scheduler sees it: its phase, whether it counts as healthy (README.md, "Rules, as decided": Healthy), whether it is
 * failing health checks past the grace period, and its targets. Pure: everything comes from records.
 */
import type { ServiceRecord, TargetSide, TaskDefinitionRecord, TaskRecord } from '../domain/ecs/records.js';
import { targetGroupFor } from '../domain/ecs/target-side.js';
import { drainEndsAt, type TargetRecord } from '../domain/elbv2/target.js';
import type { TargetItem } from './service-plan.js';

/**
 * pending: PROVISIONING/PENDING/ACTIVATING; running: RUNNING; deactivating: the scheduler began
 * stopping it (targets draining); stopping: desiredStatus STOPPED, not yet STOPPED; stopped: history.
 */
export type TaskPhase = 'pending' | 'running' | 'deactivating' | 'stopping' | 'stopped';

export type HealthFailure = { kind: 'elb'; targetGroupArn: string; id: string; port: number; reason: string } | { kind: 'container' };

export interface TaskView {
  task: TaskRecord;
  phase: TaskPhase;
  healthy: boolean;
  /** Set when the task fails ELB or container health checks after the grace period. */
  failing?: HealthFailure;
  /** The targets the task should have: one per load balancer whose binding is known. */
  expected: TargetItem[];
  /** Of those, the ones registered and not draining. */
  live: TargetItem[];
  /** When the last of its draining registrations expires (deactivating tasks). */
  drainUntil?: number;
  /** When a timer inside this view runs out (grace period end, no-LB maturity). */
  wakeAt?: number;
}

export interface HealthContext {
  service: Pick<ServiceRecord, 'loadBalancers' | 'healthCheckGracePeriodSeconds'>;
  targets: ReadonlyMap<string, TargetRecord>;
  taskDefinitions: Readonly<Record<string, TaskDefinitionRecord | undefined>>;
  now: number;
  healthyAfterRunningMs: number;
  /** Blue/green: the target-group side of the task's deployment (target-side.ts). Default: primary. */
  sideOf?: (task: TaskRecord) => TargetSide;
}

export const targetKey = (tgArn: string, id: string, port: number) => `${tgArn}|${id}|${port}`;

export function indexTargets(targets: readonly TargetRecord[]): Map<string, TargetRecord> {
  return new Map(targets.map((t) => [targetKey(t.TargetGroupArn, t.Id, t.Port), t]));
}

const PENDING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

export function phaseOf(task: TaskRecord): TaskPhase {
  if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DELETED') return 'stopped';
  if (task.desiredStatus === 'STOPPED') return 'stopping';
  // stoppingAt is what the applier writes with the deregistration; the agent may still report RUNNING.
  if (task.stoppingAt !== undefined || task.lastStatus === 'DEACTIVATING') return 'deactivating';
  if (PENDING.has(task.lastStatus)) return 'pending';
  if (task.lastStatus === 'RUNNING') return 'running';
  return 'stopping';
}

export function hasHealthCheck(td: TaskDefinitionRecord | undefined): boolean {
  return td?.containerDefinitions.some((c) => c.healthCheck !== undefined && c.essential !== false) ?? false;
}

/** The (target group, instance, host port) of each of the service's load balancers for this task. */
export function expectedTargets(task: TaskRecord, service: HealthContext['service'], side: TargetSide = 'primary'): TargetItem[] {
  const out: TargetItem[] = [];
  for (const lb of service.loadBalancers) {
    const targetGroupArn = targetGroupFor(lb, side);
    if (!targetGroupArn) continue;
    const container = task.containers.find((c) => c.name === lb.containerName);
    const binding = container?.networkBindings.find((b) => b.containerPort === lb.containerPort && b.hostPort !== undefined);
    if (binding?.hostPort !== undefined && task.ec2InstanceId) {
      out.push({ taskArn: task.taskArn, targetGroupArn, id: task.ec2InstanceId, port: binding.hostPort });
    }
  }
  return out;
}

export function viewTask(task: TaskRecord, ctx: HealthContext): TaskView {
  const phase = phaseOf(task);
  const expected = expectedTargets(task, ctx.service, ctx.sideOf?.(task));
  const regs = expected.map((e) => ({ e, reg: ctx.targets.get(targetKey(e.targetGroupArn, e.id, e.port)) }));
  const live = regs.filter(({ reg }) => reg && reg.state !== 'draining').map(({ e }) => e);
  // Drained at min(drainUntil, drainedAt): the load balancer may end draining early when nothing is in flight.
  const drainEnds = regs.flatMap(({ reg }) => (reg && reg.state === 'draining' ? [drainEndsAt(reg) ?? ctx.now] : []));
  const stillDraining = drainEnds.filter((t) => ctx.now < t);
  const drainUntil = stillDraining.length ? Math.max(...stillDraining) : undefined;
  const view: TaskView = { task, phase, healthy: false, expected, live, ...(drainUntil !== undefined ? { drainUntil } : {}) };
  if (phase !== 'running') return view;

  const withCheck = hasHealthCheck(ctx.taskDefinitions[task.taskDefinitionArn]);
  const lbCount = ctx.service.loadBalancers.filter((lb) => lb.targetGroupArn).length;
  const containerOk = !withCheck || task.healthStatus === 'HEALTHY';
  const startedAt = task.startedAt ?? task.createdAt;
  if (lbCount > 0) {
    view.healthy = expected.length === lbCount && regs.every(({ reg }) => reg?.state === 'healthy') && containerOk;
  } else if (withCheck) {
    view.healthy = containerOk;
  } else {
    const matureAt = startedAt + ctx.healthyAfterRunningMs;
    view.healthy = ctx.now >= matureAt;
    if (!view.healthy) view.wakeAt = matureAt;
  }

  const graceEnds = startedAt + (ctx.service.healthCheckGracePeriodSeconds ?? 0) * 1000;
  if (ctx.now < graceEnds) {
    view.wakeAt = Math.min(view.wakeAt ?? graceEnds, graceEnds);
    return view;
  }
  const bad = regs.find(({ reg }) => reg?.state === 'unhealthy');
  if (bad) {
    const reason = bad.reg!.description ?? 'Health checks failed';
    view.failing = { kind: 'elb', targetGroupArn: bad.e.targetGroupArn, id: bad.e.id, port: bad.e.port, reason };
  } else if (withCheck && task.healthStatus === 'UNHEALTHY') {
    view.failing = { kind: 'container' };
  }
  return view;
}
