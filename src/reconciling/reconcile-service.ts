/**
 * reconcileService: (service, its tasks, their targets, instances, now) -> ServicePlan. Pure and
 * level-triggered: it re-derives everything from the records each time, so a lost or repeated run
 * converges all the same. See README.md for the pipeline.
 *
 * It reads as its phases (after Nomad's reconciler): tasks that are gone or going first, then the
 * deployments (breaker and rollback, what to stop and start), then targets, then what the API shows.
 */
import type { Deployment, ServiceRecord, TaskRecord } from '../domain/ecs/records.js';
import { promoteForRollback, rollbackDeployment } from '../domain/ecs/deployment.js';
import { shiftsTrafficOn, sideOf } from '../domain/ecs/target-side.js';
import { newResourceId } from '../domain/ecs/ids.js';
import { evaluateBreaker } from './circuit-breaker.js';
import { ALARM_RECHECK_MS, ALARM_WATCH_AFTER_STEADY_MS, alarmTrip } from './deployment-alarms.js';
import { decideRollout, defaultScaleIn, type RolloutDecision } from './rollout.js';
import { decideDaemon } from './daemon-rollout.js';
import { isLost, lostAt } from './lost-host.js';
import { appendEvents, serviceEventText as say } from './service-event.js';
import {
  resolveOptions,
  serviceUpdateOf,
  type ObservedInstance,
  type ReconcileInput,
  type ReconcileOptions,
  type ServicePlan,
  type ServiceUpdate,
} from './service-plan.js';
import { failedToStart, startBackoff } from './start-backoff.js';
import { revisionOf, sameRevision, type ServiceRevision } from './service-revision.js';
import { indexTargets, viewTask, type TaskView } from './task-view.js';
import { PlanBuilder, stuckReason } from './plan-builder.js';
import { decideShiftPass } from './traffic-shift-pass.js';
import { runToEnd, type Sliced } from '../platform/sliced.js';

export function reconcileService(input: ReconcileInput): ServicePlan {
  return runToEnd(reconcileServiceInSlices(input));
}

/** Task views built between two yields: a few ms of work, so a pass over 100,000 tasks can give the event loop back. */
const VIEWS_PER_SLICE = 5_000;

/**
 * reconcileService as sliced work (platform/time-slice.ts): the same decision, with a `yield`
 * between its phases and within the one walk that is long for a large service (building the task
 * views), so the applier may give the event loop back in between. Same input, same plan.
 */
export function* reconcileServiceInSlices(input: ReconcileInput): Sliced<ServicePlan> {
  if (input.service.status === 'INACTIVE') return { start: [], stop: [], register: [], deregister: [], serviceUpdate: undefined };
  const pass = yield* beginPass(input);
  deregisterDeadTasks(pass);
  const alive = stopTasksOfLostHosts(pass);
  yield;
  tellFailedStarts(pass);
  finishStops(pass, alive);
  yield;
  const live = alive.filter((v) => v.phase === 'pending' || v.phase === 'running');
  for (const v of live) if (v.wakeAt !== undefined) pass.b.wakeAt(v.wakeAt);
  const state = startState(pass.svc);
  if (pass.svc.status === 'DRAINING') drainService(pass, state, alive, live);
  else yield* runDeployments(pass, state, alive, live);
  yield;
  registerTargets(pass, alive);
  return finishPass(pass, state, alive);
}

/** One pass: its input, options, task views and the plan it builds. */
interface Pass {
  readonly input: ReconcileInput;
  readonly svc: ReconcileInput['service'];
  readonly opts: ReconcileOptions;
  readonly now: number;
  readonly views: readonly TaskView[];
  readonly instances: ReadonlyMap<string, ObservedInstance>;
  readonly b: PlanBuilder;
}

/** The service's reconciled fields as this pass changes them. */
interface ServiceState {
  deployments: Deployment[];
  status: ServiceRecord['status'];
  taskDefinition: string;
  lastCompleted: string | undefined;
  lastRevision: ServiceRevision | undefined;
  /** A rollback's revision, to go back onto the service. */
  restored: ServiceRevision | undefined;
  desiredCount: number;
}

function* beginPass(input: ReconcileInput): Sliced<Pass> {
  const svc = input.service;
  const opts = resolveOptions(input.options);
  const targets = indexTargets(input.targets);
  // Blue/green: a task registers on its deployment's target-group side (target-side.ts).
  const deployments = new Map([...(svc.pastDeployments ?? []), ...svc.deployments].map((d) => [d.id, d]));
  const sideOfTask = (t: TaskRecord) => sideOf(deployments.get(t.startedBy ?? ''));
  const ctx = {
    service: svc,
    targets,
    taskDefinitions: input.taskDefinitions,
    now: input.now,
    healthyAfterRunningMs: opts.healthyAfterRunningMs,
    sideOf: sideOfTask,
  };
  const views: TaskView[] = [];
  for (let i = 0; i < input.tasks.length; i++) {
    views.push(viewTask(input.tasks[i]!, ctx));
    if ((i + 1) % VIEWS_PER_SLICE === 0) yield;
  }
  return {
    input,
    svc,
    opts,
    now: input.now,
    views,
    instances: new Map(input.instances.map((i) => [i.containerInstanceArn, i])),
    b: new PlanBuilder(svc.serviceName, input.now),
  };
}

function startState(svc: ReconcileInput['service']): ServiceState {
  return {
    deployments: svc.deployments.map((d) => ({ ...d })),
    status: svc.status,
    taskDefinition: svc.taskDefinition,
    lastCompleted: svc.lastCompletedTaskDefinition,
    lastRevision: svc.lastCompletedRevision,
    restored: undefined,
    desiredCount: svc.desiredCount,
  };
}

/** Dead tasks keep no targets: an essential container exited, or the host was lost earlier. */
function deregisterDeadTasks({ views, b }: Pass): void {
  for (const v of views) if (v.phase === 'stopped' && v.live.length) b.deregisterOnly(v);
}

/**
 * Lost hosts (a Berth extension, lost-host.ts): nobody will ever report for their tasks, so they are
 * STOPPED here. A task whose instance is missing altogether is lost too. Returns the tasks not STOPPED.
 */
function stopTasksOfLostHosts({ views, instances, now, opts, b, svc }: Pass): TaskView[] {
  const onLostHost = (t: TaskRecord) => {
    const i = instances.get(t.containerInstanceArn);
    return !i || isLost(i, now, opts.lostAfterMs);
  };
  const alive: TaskView[] = [];
  const lostByHost = new Map<string, number>();
  for (const v of views) {
    if (v.phase === 'stopped') continue;
    if (onLostHost(v.task)) {
      b.stop(v, 'ServiceSchedulerInitiated', `Host EC2 (instance ${v.task.ec2InstanceId}) lost.`, { markStopped: true });
      lostByHost.set(v.task.ec2InstanceId, (lostByHost.get(v.task.ec2InstanceId) ?? 0) + 1);
    } else alive.push(v);
  }
  for (const [host, n] of lostByHost) b.say(say.hostLost(svc.serviceName, host, n));
  return alive;
}

/** A start that failed (secrets, registry auth, pull) is told once, with its reason, so `berth events` shows why the deployment is not progressing. */
function tellFailedStarts({ views, svc, b }: Pass): void {
  for (const v of views) {
    if (v.phase !== 'stopped' || v.task.stopCode !== 'TaskFailedToStart' || !failedToStart(v.task) || !v.task.stoppedReason) continue;
    const message = say.taskFailedToStart(svc.serviceName, v.task.taskArn, v.task.stoppedReason);
    if (!svc.events.some((e) => e.message === message)) b.say(message);
  }
}

/** Deactivating tasks finish their stop once draining ended; stopping ones are the agent's now. */
function finishStops({ b }: Pass, alive: readonly TaskView[]): void {
  for (const v of alive) {
    // A task stopped from outside (StopTask) must not keep receiving traffic while it stops.
    if (v.phase === 'stopping' && v.live.length) b.deregisterOnly(v);
    if (v.phase !== 'deactivating') continue;
    if (v.live.length) b.deregisterOnly(v);
    else if (v.drainUntil === undefined) b.finishStop(v);
    else b.wakeAt(v.drainUntil);
  }
}

/** DeleteService: every live task stops; INACTIVE once every task left is STOPPING or STOPPED (draining ones must finish first). */
function drainService({ b }: Pass, state: ServiceState, alive: readonly TaskView[], live: readonly TaskView[]): void {
  for (const v of live) b.stop(v, 'ServiceSchedulerInitiated', 'Service is being deleted', {});
  if (alive.every((v) => v.phase === 'stopping' || (b.isStopping(v) && !b.isDeregistering(v)))) state.status = 'INACTIVE';
}

/** An ACTIVE service: the breaker (and its rollback), then what to stop and start, then whether the deployment is stuck. */
function* runDeployments(pass: Pass, state: ServiceState, alive: readonly TaskView[], live: readonly TaskView[]): Sliced<void> {
  const { primary, halted } = checkBreaker(pass, state);
  yield;
  const { b, instances } = pass;
  const failing = live.filter((v) => v.failing !== undefined);
  // Most passes have no DRAINING instance: then no task needs looking up.
  const anyDraining = [...instances.values()].some((i) => i.status === 'DRAINING');
  const drainingHost = (v: TaskView) => anyDraining && instances.get(v.task.containerInstanceArn)?.status === 'DRAINING';
  for (const v of live) {
    if (v.phase === 'pending' && drainingHost(v) && !v.failing) b.stop(v, 'ServiceSchedulerInitiated', 'Container instance is draining', {});
  }
  const rest = live.filter((v) => !v.failing && !b.isStopping(v));
  const isPrimary = (v: TaskView) => primary !== undefined && v.task.startedBy === primary.id;
  const groups: TaskGroups = {
    alive,
    live,
    failing,
    rest,
    isPrimary,
    drainingHost,
    old: oldestFirst(
      rest.filter((v) => !isPrimary(v)),
      state.deployments,
    ),
  };
  yield;
  const throttled = startsThrottled(pass, primary);
  const canStart = primary !== undefined && !halted && !throttled && primary.rolloutState !== 'FAILED';
  yield;
  const decision = shiftsTrafficOn(pass.svc)
    ? decideTrafficShiftPass(pass, state, primary, groups, canStart)
    : pass.svc.schedulingStrategy === 'DAEMON'
      ? decideDaemonPass(pass, state, primary, groups, canStart, halted)
      : decideReplicaPass(pass, primary, groups, canStart, halted);
  yield;
  stopDecided(pass, decision.stop, primary);
  sayIfStuck(
    pass,
    primary,
    decision,
    rest.filter((v) => isPrimary(v)),
  );
  yield* startTasks(pass, primary, decision);
}

/** The live tasks of a pass, as the deciding phases sort them. */
interface TaskGroups {
  alive: readonly TaskView[];
  live: readonly TaskView[];
  /** Failing health checks after the grace period. */
  failing: readonly TaskView[];
  /** Live, not failing, not stopped by this pass. */
  rest: readonly TaskView[];
  /** `rest` of other deployments, in stop order. */
  old: readonly TaskView[];
  isPrimary: (v: TaskView) => boolean;
  drainingHost: (v: TaskView) => boolean;
}

type Decision = Pick<RolloutDecision, 'stop' | 'start' | 'stuck'> & { startOn?: string[] };

/**
 * The circuit breaker: counts the PRIMARY's failed tasks; tripped (and enabled), the deployment FAILS
 * and, with rollback, a new PRIMARY returns to the revision that last completed. `halted`: FAILED
 * without a rollback, the rollout is frozen.
 */
function checkBreaker({ input, svc, opts, now, b }: Pass, state: ServiceState): { primary: Deployment | undefined; halted: boolean } {
  const primary = state.deployments.find((d) => d.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') return { primary, halted: true };
  if (!primary || primary.rolloutState !== 'IN_PROGRESS') return { primary, halted: false };
  const verdict = evaluateBreaker(primary, input.tasks, opts.circuitBreakerMinimum);
  primary.failedTasks = verdict.failedTasks;
  if (verdict.counted !== undefined) primary.failuresCounted = verdict.counted;
  const breaker = svc.deploymentConfiguration.deploymentCircuitBreaker;
  const alarms = svc.deploymentConfiguration.alarms;
  const byBreaker = breaker?.enable ? verdict.trippedReason : undefined;
  const byAlarm = byBreaker === undefined ? alarmTrip(alarms, primary, input.alarms) : undefined;
  const reason = byBreaker ?? byAlarm?.reason;
  // The alarms are read again soon while they watch a deployment: their changes wake no pass by themselves.
  if (reason === undefined && alarms?.enable) b.wakeAt(now + ALARM_RECHECK_MS);
  if (reason === undefined) return { primary, halted: false };
  const rollback = byBreaker !== undefined ? breaker.rollback : (alarms?.rollback ?? false);
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = reason;
  if (byAlarm) primary.triggeredAlarms = [...byAlarm.alarms];
  primary.updatedAt = now;
  b.say(say.deploymentFailed(svc.serviceName, primary.id, reason));
  // The whole revision that last completed (task definition, load balancers, network, placement),
  // not only its task definition: the old tasks must fit the service they return to.
  const revision = state.lastRevision ?? (state.lastCompleted !== undefined ? { ...revisionOf(svc), taskDefinition: state.lastCompleted } : undefined);
  const back = revision?.taskDefinition ?? state.deployments.find((d) => d.status === 'ACTIVE' && d.rolloutState === 'COMPLETED')?.taskDefinition;
  const changes = back !== undefined && (back !== primary.taskDefinition || (revision !== undefined && !sameRevision(revision, revisionOf(svc))));
  if (!rollback || back === undefined || !changes) return { primary, halted: true };
  // Blue/green: blue still runs; it takes the traffic back and green is drained (no new tasks).
  const promoted = shiftsTrafficOn(svc) ? promoteForRollback(state.deployments, primary, now) : undefined;
  if (promoted) {
    primary.status = 'ACTIVE';
    b.say(say.rollingBack(svc.serviceName, primary.id, promoted.blue.taskDefinition));
    state.deployments = promoted.deployments.map((d) => (d.id === primary.id ? primary : d));
    state.taskDefinition = promoted.blue.taskDefinition;
    if (revision) state.restored = { ...revision, taskDefinition: promoted.blue.taskDefinition };
    return { primary: promoted.blue, halted: false };
  }
  const next = rollbackDeployment(
    input.random,
    now,
    primary,
    { taskDefinition: back, ...(revision?.networkConfiguration !== undefined ? { networkConfiguration: revision.networkConfiguration } : {}) },
    (id) => `ECS deployment detected failure. Rolling back to ${id}.`,
  );
  primary.status = 'ACTIVE';
  b.say(say.rollingBack(svc.serviceName, primary.id, back));
  state.deployments = [next, ...state.deployments];
  state.taskDefinition = back;
  if (revision) state.restored = revision;
  return { primary: next, halted: false };
}

/** Tasks of other deployments: the oldest deployment's first, the newest task first within one. */
function oldestFirst(old: TaskView[], deployments: readonly Deployment[]): TaskView[] {
  const age = new Map(deployments.map((d) => [d.id, d.createdAt]));
  return old.sort((a, c) => (age.get(a.task.startedBy ?? '') ?? 0) - (age.get(c.task.startedBy ?? '') ?? 0) || c.task.createdAt - a.task.createdAt);
}

/** A crash loop throttles starts (start-backoff.ts): while it does, say so and come back when it ends. */
function startsThrottled({ input, opts, now, svc, b }: Pass, primary: Deployment | undefined): boolean {
  const backoff = startBackoff(
    input.tasks.filter((t) => t.startedBy === primary?.id),
    opts.startBackoff,
    now,
  );
  if (backoff.until === undefined || now >= backoff.until) return false;
  b.wakeAt(backoff.until);
  b.say(say.unableToStart(svc.serviceName));
  return true;
}

/** DAEMON: one task per eligible instance; desiredCount is derived from them, as ECS shows it. */
function decideDaemonPass(
  { input, opts, now, svc }: Pass,
  state: ServiceState,
  primary: Deployment | undefined,
  g: TaskGroups,
  canStart: boolean,
  halted: boolean,
): Decision {
  const eligible = input.daemonInstances ?? input.instances.filter((i) => i.status === 'ACTIVE').map((i) => i.containerInstanceArn);
  const d = decideDaemon({
    eligible,
    minimumHealthyPercent: svc.deploymentConfiguration.minimumHealthyPercent,
    primary: g.rest.filter(g.isPrimary),
    old: g.old,
    failing: g.failing,
    alive: g.alive,
    canStart,
    halted,
  });
  state.desiredCount = d.desired;
  if (primary && primary.desiredCount !== d.desired) Object.assign(primary, { desiredCount: d.desired, updatedAt: now });
  return { stop: d.stop, start: d.startOn.length, stuck: d.stuck, startOn: d.startOn.slice(0, opts.maxStartsPerPass) };
}

/** BLUE_GREEN, CANARY, LINEAR (traffic-shift-pass.ts): green at full size, the rules' weights, blue drained after the bake. */
function decideTrafficShiftPass(
  { input, opts, now, b }: Pass,
  state: ServiceState,
  primary: Deployment | undefined,
  g: TaskGroups,
  canStart: boolean,
): Decision {
  const healthyOf = new Map(g.live.map((v) => [v.task.taskArn, v.healthy]));
  const d = decideShiftPass({
    loadBalancers: input.service.loadBalancers,
    primary,
    deployments: state.deployments,
    rules: input.rules ?? [],
    now,
    msPerMinute: opts.deploymentMinuteMs,
    green: g.rest.filter(g.isPrimary),
    old: g.old,
    failing: g.failing,
    othersAlive: g.alive.filter((v) => !g.isPrimary(v)).length,
    canStart,
    chooseScaleIn: (c, n) => {
      const preferred = defaultScaleIn(c, c.length, (t) => healthyOf.get(t.taskArn) ?? false);
      return opts.chooseScaleIn ? opts.chooseScaleIn(preferred, n) : preferred.slice(0, n);
    },
  });
  if (primary && d.shift) Object.assign(primary, { trafficShift: d.shift, updatedAt: now });
  for (const r of d.rules) b.rule(r);
  // Rules written: come back to see them applied (the write itself may change nothing this service watches).
  if (d.rules.length) b.wakeAt(now);
  if (d.wakeAt !== undefined) b.wakeAt(d.wakeAt);
  return { stop: d.stop, start: d.start, stuck: d.stuck };
}

/** REPLICA: ECS's rolling arithmetic within maximumPercent and minimumHealthyPercent (rollout.ts). */
function decideReplicaPass({ svc, opts }: Pass, primary: Deployment | undefined, g: TaskGroups, canStart: boolean, halted: boolean): Decision {
  return decideRollout({
    desired: primary?.desiredCount ?? 0,
    maximumPercent: svc.deploymentConfiguration.maximumPercent,
    minimumHealthyPercent: svc.deploymentConfiguration.minimumHealthyPercent,
    primary: g.rest.filter((v) => g.isPrimary(v) && !g.drainingHost(v)),
    old: g.old,
    failing: g.failing,
    displaced: g.rest.filter((v) => g.isPrimary(v) && g.drainingHost(v)),
    canStart,
    halted,
    // The placement strategy's choice (if given) sees the candidates in the default order, so on
    // any one instance it still stops the not-healthy, then the newest, first.
    chooseScaleIn: (c, n) => {
      // Built only when there is something to scale in: a map of every live task costs a pass of 100,000 tasks dearly.
      const healthyOf = new Map(g.live.map((v) => [v.task.taskArn, v.healthy]));
      const preferred = defaultScaleIn(c, c.length, (t) => healthyOf.get(t.taskArn) ?? false);
      return opts.chooseScaleIn ? opts.chooseScaleIn(preferred, n) : preferred.slice(0, n);
    },
  });
}

/** The decided stops, each with ECS's reason and, for a failing one, its event. */
function stopDecided({ svc, b }: Pass, stops: Decision['stop'], primary: Deployment | undefined): void {
  for (const { view, why } of stops) {
    if (why === 'failing') {
      const f = view.failing!;
      if (f.kind === 'elb') {
        b.say(say.unhealthyTarget(svc.serviceName, f.id, f.port, f.targetGroupArn, f.reason));
        b.stop(view, 'ServiceSchedulerInitiated', `Task failed ELB health checks in (target-group ${f.targetGroupArn})`, {});
      } else {
        b.say(say.failedContainerHealth(svc.serviceName, view.task.taskArn));
        b.stop(view, 'ServiceSchedulerInitiated', 'Task failed container health checks', {});
      }
    } else {
      const by = why === 'deployment' ? (view.task.startedBy ?? primary?.id) : primary?.id;
      b.stop(view, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${by})`, {});
    }
  }
}

/** A deployment that cannot make progress says so, in an event and in its rolloutStateReason. */
function sayIfStuck({ svc, now, b }: Pass, primary: Deployment | undefined, decision: Decision, primaryTasks: readonly TaskView[]): void {
  const unregistrable = lbCount(svc) > 0 ? primaryTasks.filter((v) => v.phase === 'running' && v.expected.length < lbCount(svc)) : [];
  let stuck: string | undefined;
  if (decision.stuck) {
    stuck = say.deploymentConfiguration(svc.serviceName);
    b.say(stuck);
  } else if (unregistrable.length && decision.start === 0) {
    // Only when nothing starts: a start that cannot be placed says why itself (the applier's event),
    // and two alternating events would make every pass write.
    stuck = say.unregistrable(svc.serviceName, unregistrable[0]!.task.taskArn, svc.loadBalancers);
    b.say(stuck);
  }
  if (!primary || primary.rolloutState !== 'IN_PROGRESS') return;
  const reason = stuck !== undefined ? stuckReason(primary.id, stuck) : `ECS deployment ${primary.id} in progress.`;
  if (primary.rolloutStateReason !== reason && (stuck !== undefined || primary.rolloutStateReason.startsWith(stuckReason(primary.id, '')))) {
    primary.rolloutStateReason = reason;
    primary.updatedAt = now;
  }
}

/** The PRIMARY's starts, with pre-drawn ids; bounded per pass whatever desiredCount says (the rest in the passes that follow). */
function* startTasks({ input, opts, svc, b }: Pass, primary: Deployment | undefined, decision: Decision): Sliced<void> {
  const starting = Math.min(decision.start, opts.maxStartsPerPass);
  if (starting < decision.start) b.moreToStart();
  if (!primary) return;
  const item = { deploymentId: primary.id, taskDefinition: primary.taskDefinition, startedBy: primary.id, group: `service:${svc.serviceName}` };
  if (decision.startOn) {
    // A daemon's starts name their instance: one task each, placed there or nowhere.
    for (const instanceArn of decision.startOn) b.start({ ...item, count: 1, taskIds: [newResourceId(input.random)], instanceArn });
  } else if (starting > 0) {
    // Drawn in slices: 100,000 ids at once is a pause of its own.
    const taskIds: string[] = [];
    while (taskIds.length < starting) {
      taskIds.push(newResourceId(input.random));
      if (taskIds.length % VIEWS_PER_SLICE === 0) yield;
    }
    b.start({ ...item, count: starting, taskIds });
  }
}

/** Targets for tasks that run (or are activating) and are not on their way out. */
function registerTargets({ b }: Pass, alive: readonly TaskView[]): void {
  for (const v of alive) {
    const activating = v.phase === 'running' || v.task.lastStatus === 'ACTIVATING';
    if (!activating || b.isStopping(v) || v.phase === 'deactivating') continue;
    for (const e of v.expected) if (!v.live.some((l) => l.targetGroupArn === e.targetGroupArn)) b.register(e);
  }
}

/** What the API shows, from the records as they are now: counts, the deployments kept, completion, events; then the plan. */
function finishPass(pass: Pass, state: ServiceState, alive: readonly TaskView[]): ServicePlan {
  const { input, svc, opts, now, b } = pass;
  const counted = alive.filter((v) => v.phase === 'pending' || v.phase === 'running');
  // Running and pending counts, in all and by deployment, in one walk over the tasks.
  const total = { running: 0, pending: 0 };
  const byDeployment = new Map<string, { running: number; pending: number }>();
  for (const v of counted) {
    const phase = v.phase === 'running' ? 'running' : 'pending';
    total[phase]++;
    if (v.task.startedBy === undefined) continue;
    let c = byDeployment.get(v.task.startedBy);
    if (!c) byDeployment.set(v.task.startedBy, (c = { running: 0, pending: 0 }));
    c[phase]++;
  }
  const count = (id: string | undefined, phase: 'running' | 'pending') => (id === undefined ? total : byDeployment.get(id))?.[phase] ?? 0;
  const left = countDeployments(pass, state, alive, count);
  const stable = completeIfStable(pass, state, alive, counted);
  let events = appendEvents(svc.events, b.messages(), now, input.random);
  if (stable) {
    events = appendEvents(events, [say.steadyState(svc.serviceName)], now, input.random, opts.steadyStateEventPeriodMs);
    b.wakeAt(events[0]!.createdAt + opts.steadyStateEventPeriodMs);
  }
  for (const w of lostAt(input.instances, opts.lostAfterMs)) if (w > now) b.wakeAt(w);

  const update: ServiceUpdate = {
    status: state.status,
    taskDefinition: state.taskDefinition,
    runningCount: count(undefined, 'running'),
    pendingCount: count(undefined, 'pending'),
    deployments: state.deployments,
    events,
    ...(state.lastCompleted !== undefined ? { lastCompletedTaskDefinition: state.lastCompleted } : {}),
    ...(state.lastRevision !== undefined ? { lastCompletedRevision: state.lastRevision } : {}),
    ...(state.restored ? { restore: state.restored } : {}),
    ...(left.length > 0 ? { left } : {}),
    ...(svc.schedulingStrategy === 'DAEMON' ? { desiredCount: state.desiredCount } : {}),
  };
  const changed = JSON.stringify(update) !== JSON.stringify(serviceUpdateOf(svc));
  return b.build(changed || !b.isEmpty() ? update : undefined);
}

/**
 * Deployments with no task left (but the PRIMARY) leave the list, and are returned: the service's
 * history keeps them as they ended (ListServiceDeployments). The ones kept get their counts.
 */
function countDeployments(
  { now }: Pass,
  state: ServiceState,
  alive: readonly TaskView[],
  count: (id: string, phase: 'running' | 'pending') => number,
): Deployment[] {
  const withTasks = new Set(alive.map((v) => v.task.startedBy));
  const kept = (d: Deployment) => d.status === 'PRIMARY' || withTasks.has(d.id);
  const left = state.deployments.filter((d) => !kept(d));
  state.deployments = state.deployments.filter(kept);
  for (const d of state.deployments) {
    const running = count(d.id, 'running');
    const pending = count(d.id, 'pending');
    if (d.runningCount !== running || d.pendingCount !== pending) Object.assign(d, { runningCount: running, pendingCount: pending, updatedAt: now });
  }
  return left;
}

/**
 * Stable: one deployment, nothing planned, exactly desiredCount tasks, all RUNNING and healthy. Its
 * PRIMARY then completes, and becomes what a rollback returns to. Returns whether it is stable.
 */
function completeIfStable({ svc, now, b }: Pass, state: ServiceState, alive: readonly TaskView[], counted: readonly TaskView[]): boolean {
  const primary = state.deployments.find((d) => d.status === 'PRIMARY');
  const stable =
    state.status === 'ACTIVE' &&
    primary !== undefined &&
    state.deployments.length === 1 &&
    b.isEmpty() &&
    alive.length === counted.length &&
    counted.length === primary.desiredCount &&
    primary.runningCount === primary.desiredCount &&
    counted.every((v) => v.healthy);
  if (!stable) {
    if (primary?.steadySince !== undefined) delete primary.steadySince;
    return false;
  }
  // With deployment alarms, the new revision serves for a while before it completes: the alarms on
  // its traffic need that long to see it (the nodes report every 10 s, alarms are evaluated every 10 s).
  // A rollback is not watched: it returns to what was watched before, and is never rolled back itself.
  if (primary.rolloutState === 'IN_PROGRESS' && svc.deploymentConfiguration.alarms?.enable && primary.rollbackOf === undefined) {
    primary.steadySince ??= now;
    if (now - primary.steadySince < ALARM_WATCH_AFTER_STEADY_MS) {
      b.wakeAt(primary.steadySince + ALARM_WATCH_AFTER_STEADY_MS);
      return true;
    }
  }
  if (primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = now;
    state.lastCompleted = primary.taskDefinition;
    b.say(say.completed(svc.serviceName, primary.id));
  }
  // Kept up to date while stable (records written before it existed get it too).
  if (primary.rolloutState === 'COMPLETED') {
    const current = { ...revisionOf(svc), taskDefinition: primary.taskDefinition };
    if (!state.lastRevision || !sameRevision(state.lastRevision, current)) state.lastRevision = current;
  }
  return true;
}

const lbCount = (svc: ReconcileInput['service']) => svc.loadBalancers.filter((lb) => lb.targetGroupArn).length;
