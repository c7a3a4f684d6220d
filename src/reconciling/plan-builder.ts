/**
 * Collects one pass's decisions and turns them into a ServicePlan plus the events they imply, in
 * ECS's order: health failures first, then deregistration and draining, stops, registrations.
 */
import type { Deployment } from '../domain/ecs/records.js';
import type { Random } from '../platform/random.js';
import { appendEvents, serviceEventText as say } from './service-event.js';
import type { RuleUpdate, ServicePlan, ServiceUpdate, StartItem, StopCode, StopItem, TargetItem } from './service-plan.js';
import type { TaskView } from './task-view.js';

export class PlanBuilder {
  private readonly said: string[] = [];
  private readonly stops = new Map<string, StopItem>();
  private readonly deregisters: TargetItem[] = [];
  private readonly registers: TargetItem[] = [];
  private readonly starts: StartItem[] = [];
  private readonly rules: RuleUpdate[] = [];
  private wake = Number.POSITIVE_INFINITY;
  private more = false;

  constructor(
    private readonly serviceName: string,
    private readonly now: number,
  ) {}

  say(message: string): void {
    this.said.push(message);
  }

  /** Stop a task; its live targets are deregistered first unless the host is gone. Repeats are ignored. */
  stop(v: TaskView, stopCode: StopCode, stoppedReason: string, how: { markStopped?: boolean }): void {
    if (this.stops.has(v.task.taskArn)) return;
    const deregisterFirst = !how.markStopped && v.live.length > 0;
    this.stops.set(v.task.taskArn, { taskArn: v.task.taskArn, stopCode, stoppedReason, deregisterFirst, ...(how.markStopped ? { markStopped: true } : {}) });
    this.deregisters.push(...v.live);
  }

  /** A deactivating task whose draining ended: now it may really stop, with the reason it was given. */
  finishStop(v: TaskView): void {
    const stopCode = (v.task.stopCode as StopCode | undefined) ?? 'ServiceSchedulerInitiated';
    this.stops.set(v.task.taskArn, {
      taskArn: v.task.taskArn,
      stopCode,
      stoppedReason: v.task.stoppedReason ?? 'Task stopped by the service scheduler',
      deregisterFirst: false,
    });
  }

  deregisterOnly(v: TaskView): void {
    this.deregisters.push(...v.live);
  }

  register(t: TargetItem): void {
    this.registers.push(t);
  }

  start(item: StartItem): void {
    this.starts.push(item);
  }

  /** A listener rule's weights move (traffic shifting). */
  rule(update: RuleUpdate): void {
    this.rules.push(update);
  }

  wakeAt(t: number): void {
    this.wake = Math.min(this.wake, t);
  }

  /** Starts were held back to bound the pass: come back at once (unless placement is what held them). */
  moreToStart(): void {
    this.more = true;
  }

  isStopping(v: TaskView): boolean {
    return this.stops.has(v.task.taskArn);
  }

  isDeregistering(v: TaskView): boolean {
    return this.stops.get(v.task.taskArn)?.deregisterFirst ?? false;
  }

  isEmpty(): boolean {
    return this.stops.size + this.deregisters.length + this.registers.length + this.starts.length + this.rules.length === 0;
  }

  /** Said messages, then the ones the stops and registrations imply. */
  messages(): string[] {
    const out = [...this.said];
    for (const [tg, n] of countByGroup(this.deregisters)) out.push(say.deregistered(this.serviceName, n, tg));
    const draining = [...this.stops.values()].filter((s) => s.deregisterFirst);
    if (draining.length) out.push(say.draining(this.serviceName, draining.length));
    const stopped = [...this.stops.values()].filter((s) => !s.deregisterFirst).map((s) => s.taskArn);
    if (stopped.length) out.push(...say.stoppedEvents(this.serviceName, stopped));
    for (const [tg, n] of countByGroup(this.registers)) out.push(say.registered(this.serviceName, n, tg));
    return out;
  }

  build(serviceUpdate: ServiceUpdate | undefined): ServicePlan {
    const plan: ServicePlan = {
      start: this.starts,
      stop: [...this.stops.values()],
      register: this.registers,
      deregister: this.deregisters,
      serviceUpdate,
      ...(this.rules.length ? { rules: this.rules } : {}),
    };
    if (Number.isFinite(this.wake)) plan.requeueAfterMs = Math.max(0, this.wake - this.now);
    if (this.more) plan.moreToStart = true;
    return plan;
  }
}

function countByGroup(items: readonly TargetItem[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(t.targetGroupArn, (m.get(t.targetGroupArn) ?? 0) + 1);
  return m;
}

/**
 * After placement: add "(service x) has started N tasks: …" for the tasks actually created (one event per 10 tasks, the newest 100 events). The
 * reconciler cannot say it itself, since only the applier knows which placements succeeded.
 */
export function withStartedTasks(plan: ServicePlan, serviceName: string, startedTaskIds: readonly string[], now: number, random: Random): ServicePlan {
  if (!plan.serviceUpdate || startedTaskIds.length === 0) return plan;
  const events = appendEvents(plan.serviceUpdate.events, say.startedEvents(serviceName, startedTaskIds), now, random);
  return { ...plan, serviceUpdate: { ...plan.serviceUpdate, events } };
}

/** rolloutStateReason of a deployment that is stuck: the reconciler's own stuck cases and the applier's (placement) alike. */
export const stuckReason = (deploymentId: string, why: string) => `ECS deployment ${deploymentId} is stuck: ${why}`;

/**
 * After placement: an IN_PROGRESS PRIMARY whose starts could not be placed is stuck until capacity
 * appears; its rolloutStateReason says why (the event says it too). `stored`: the deployments as read,
 * so a reason already there keeps its updatedAt (the reconciler, not seeing placement, resets it each
 * pass; without this every pass would write a new updatedAt and wake itself).
 */
export function withStuckDeployment(plan: ServicePlan, why: string, now: number, stored: readonly Deployment[]): ServicePlan {
  const update = plan.serviceUpdate;
  const primary = update?.deployments.find((d) => d.status === 'PRIMARY');
  if (!update || !primary || primary.rolloutState !== 'IN_PROGRESS') return plan;
  const reason = stuckReason(primary.id, why);
  if (primary.rolloutStateReason === reason) return plan;
  const before = stored.find((d) => d.id === primary.id);
  const updatedAt = before?.rolloutStateReason === reason ? before.updatedAt : now;
  const deployments = update.deployments.map((d) => (d === primary ? { ...d, rolloutStateReason: reason, updatedAt } : d));
  return { ...plan, serviceUpdate: { ...update, deployments } };
}
