/**
 * reconcileService: (service, its tasks, their targets, instances, now) -> ServicePlan. Pure and
 * level-triggered: it re-derives everything from the records each time, so a lost or repeated run
 * converges all the same. See README.md for the pipeline.
 */
import type { Deployment, ServiceRecord, TaskRecord } from '../domain/ecs/records.js';
import { newDeploymentId, newResourceId } from '../domain/ecs/ids.js';
import { evaluateBreaker } from './circuit-breaker.js';
import { decideRollout, defaultScaleIn, type RolloutDecision } from './rollout.js';
import { decideDaemon } from './daemon-rollout.js';
import { appendEvents, serviceEventText as say } from './service-event.js';
import { resolveOptions, type ReconcileInput, type ServicePlan, type ServiceUpdate } from './service-plan.js';
import { failedToStart, startBackoff } from './start-backoff.js';
import { revisionOf, sameRevision, type ServiceRevision } from './service-revision.js';
import { indexTargets, viewTask, type TaskView } from './task-view.js';
import { PlanBuilder, stuckReason } from './plan-builder.js';

export function reconcileService(input: ReconcileInput): ServicePlan {
  const svc = input.service;
  const opts = resolveOptions(input.options);
  const { now } = input;
  if (svc.status === 'INACTIVE') return { start: [], stop: [], register: [], deregister: [], serviceUpdate: undefined };
  const ctx = { service: svc, targets: indexTargets(input.targets), taskDefinitions: input.taskDefinitions, now, healthyAfterRunningMs: opts.healthyAfterRunningMs };
  const views = input.tasks.map((t) => viewTask(t, ctx));
  const b = new PlanBuilder(svc.serviceName, now);

  // Dead tasks keep no targets: an essential container exited, or the host was lost earlier.
  for (const v of views) if (v.phase === 'stopped' && v.live.length) b.deregisterOnly(v);

  // Lost hosts (a Berth extension): nobody will ever report for their tasks, so they are STOPPED here.
  const instances = new Map(input.instances.map((i) => [i.containerInstanceArn, i]));
  const lostAt = (t: TaskRecord) => {
    const i = instances.get(t.containerInstanceArn);
    if (!i) return true;
    return opts.lostAfterMs !== undefined && i.lastSeenAt !== undefined && now - i.lastSeenAt > opts.lostAfterMs;
  };
  const lostWake = input.instances.flatMap((i) => (opts.lostAfterMs !== undefined && i.lastSeenAt !== undefined ? [i.lastSeenAt + opts.lostAfterMs + 1] : []));
  const alive: TaskView[] = [];
  const lostByHost = new Map<string, number>();
  for (const v of views) {
    if (v.phase === 'stopped') continue;
    if (lostAt(v.task)) {
      b.stop(v, 'ServiceSchedulerInitiated', `Host EC2 (instance ${v.task.ec2InstanceId}) lost.`, { markStopped: true });
      lostByHost.set(v.task.ec2InstanceId, (lostByHost.get(v.task.ec2InstanceId) ?? 0) + 1);
    } else alive.push(v);
  }
  for (const [host, n] of lostByHost) b.say(say.hostLost(svc.serviceName, host, n));
  // A start that failed (secrets, registry auth, pull) is told once, with its reason, so `berth events`
  // shows why the deployment is not progressing.
  for (const v of views) {
    if (v.phase !== 'stopped' || v.task.stopCode !== 'TaskFailedToStart' || !failedToStart(v.task) || !v.task.stoppedReason) continue;
    const message = say.taskFailedToStart(svc.serviceName, v.task.taskArn, v.task.stoppedReason);
    if (!svc.events.some((e) => e.message === message)) b.say(message);
  }

  // Deactivating tasks finish their stop once draining ended; stopping ones are the agent's now.
  for (const v of alive) {
    // A task stopped from outside (StopTask) must not keep receiving traffic while it stops.
    if (v.phase === 'stopping' && v.live.length) b.deregisterOnly(v);
    if (v.phase !== 'deactivating') continue;
    if (v.live.length) b.deregisterOnly(v);
    else if (v.drainUntil === undefined) b.finishStop(v);
    else b.wakeAt(v.drainUntil);
  }
  const live = alive.filter((v) => v.phase === 'pending' || v.phase === 'running');
  for (const v of live) if (v.wakeAt !== undefined) b.wakeAt(v.wakeAt);

  let deployments = svc.deployments.map((d) => ({ ...d }));
  let status: ServiceRecord['status'] = svc.status;
  let taskDefinition = svc.taskDefinition;
  let lastCompleted = svc.lastCompletedTaskDefinition;
  let lastRevision = svc.lastCompletedRevision;
  let restored: ServiceRevision | undefined;
  let desiredCount = svc.desiredCount;

  if (svc.status === 'DRAINING') {
    for (const v of live) b.stop(v, 'ServiceSchedulerInitiated', 'Service is being deleted', {});
    // INACTIVE once every task left is STOPPING or STOPPED: draining ones must finish first.
    if (alive.every((v) => v.phase === 'stopping' || (b.isStopping(v) && !b.isDeregistering(v)))) status = 'INACTIVE';
  } else {
    let primary = deployments.find((d) => d.status === 'PRIMARY');
    let halted = false;
    if (primary && primary.rolloutState === 'IN_PROGRESS') {
      const verdict = evaluateBreaker(primary, input.tasks, opts.circuitBreakerMinimum);
      primary.failedTasks = verdict.failedTasks;
      if (verdict.counted !== undefined) primary.failuresCounted = verdict.counted;
      const breaker = svc.deploymentConfiguration.deploymentCircuitBreaker;
      if (verdict.trippedReason && breaker?.enable) {
        primary.rolloutState = 'FAILED';
        primary.rolloutStateReason = verdict.trippedReason;
        primary.updatedAt = now;
        b.say(say.deploymentFailed(svc.serviceName, primary.id, verdict.trippedReason));
        // The whole revision that last completed (task definition, load balancers, network, placement),
        // not only its task definition: the old tasks must fit the service they return to.
        const revision = lastRevision ?? (lastCompleted !== undefined ? { ...revisionOf(svc), taskDefinition: lastCompleted } : undefined);
        const back = revision?.taskDefinition ?? deployments.find((d) => d.status === 'ACTIVE' && d.rolloutState === 'COMPLETED')?.taskDefinition;
        if (breaker.rollback && back !== undefined && (back !== primary.taskDefinition || (revision !== undefined && !sameRevision(revision, revisionOf(svc))))) {
          const next: Deployment = {
            ...primary,
            id: newDeploymentId(input.random),
            status: 'PRIMARY',
            taskDefinition: back,
            pendingCount: 0,
            runningCount: 0,
            failedTasks: 0,
            ...(revision?.networkConfiguration !== undefined ? { networkConfiguration: revision.networkConfiguration } : {}),
            // After the deployment it rolls back, even within its millisecond: histories sort by creation.
            createdAt: Math.max(now, primary.createdAt + 1),
            updatedAt: now,
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason: '',
            rollbackOf: primary.id,
          };
          next.rolloutStateReason = `ECS deployment detected failure. Rolling back to ${next.id}.`;
          primary.status = 'ACTIVE';
          b.say(say.rollingBack(svc.serviceName, primary.id, back));
          delete next.failuresCounted;
          if (revision?.networkConfiguration === undefined) delete next.networkConfiguration;
          deployments = [next, ...deployments];
          primary = next;
          taskDefinition = back;
          if (revision) restored = revision;
        } else halted = true;
      }
    } else if (primary?.rolloutState === 'FAILED') halted = true;

    const failing = live.filter((v) => v.failing !== undefined);
    const drainingHost = (v: TaskView) => instances.get(v.task.containerInstanceArn)?.status === 'DRAINING';
    for (const v of live) if (v.phase === 'pending' && drainingHost(v) && !v.failing) b.stop(v, 'ServiceSchedulerInitiated', 'Container instance is draining', {});
    const rest = live.filter((v) => !v.failing && !b.isStopping(v));
    const isPrimary = (v: TaskView) => primary !== undefined && v.task.startedBy === primary.id;
    const age = new Map(deployments.map((d) => [d.id, d.createdAt]));
    const old = rest
      .filter((v) => !isPrimary(v))
      .sort((a, c) => (age.get(a.task.startedBy ?? '') ?? 0) - (age.get(c.task.startedBy ?? '') ?? 0) || c.task.createdAt - a.task.createdAt);

    const primaryId = primary?.id;
    const backoff = startBackoff(input.tasks.filter((t) => t.startedBy === primaryId), opts.startBackoff, now);
    const throttled = backoff.until !== undefined && now < backoff.until;
    if (throttled) {
      b.wakeAt(backoff.until!);
      b.say(say.unableToStart(svc.serviceName));
    }
    const healthyOf = new Map(live.map((v) => [v.task.taskArn, v.healthy]));
    const canStart = primary !== undefined && !halted && !throttled && primary.rolloutState !== 'FAILED';
    let startOn: string[] | undefined;
    let decision: Pick<RolloutDecision, 'stop' | 'start' | 'stuck'>;
    if (svc.schedulingStrategy === 'DAEMON') {
      // One task per eligible instance; desiredCount is derived from them, as ECS shows it.
      const eligible = input.daemonInstances ?? input.instances.filter((i) => i.status === 'ACTIVE').map((i) => i.containerInstanceArn);
      const d = decideDaemon({
        eligible,
        minimumHealthyPercent: svc.deploymentConfiguration.minimumHealthyPercent,
        primary: rest.filter(isPrimary),
        old,
        failing,
        alive,
        canStart,
        halted,
      });
      desiredCount = d.desired;
      if (primary && primary.desiredCount !== d.desired) Object.assign(primary, { desiredCount: d.desired, updatedAt: now });
      startOn = d.startOn.slice(0, opts.maxStartsPerPass);
      decision = { stop: d.stop, start: d.startOn.length, stuck: d.stuck };
    } else decision = decideRollout({
      desired: primary?.desiredCount ?? 0,
      maximumPercent: svc.deploymentConfiguration.maximumPercent,
      minimumHealthyPercent: svc.deploymentConfiguration.minimumHealthyPercent,
      primary: rest.filter((v) => isPrimary(v) && !drainingHost(v)),
      old,
      failing,
      displaced: rest.filter((v) => isPrimary(v) && drainingHost(v)),
      canStart,
      halted,
      // The placement strategy's choice (if given) sees the candidates in the default order, so on
      // any one instance it still stops the not-healthy, then the newest, first.
      chooseScaleIn: (c, n) => {
        const preferred = defaultScaleIn(c, c.length, (t) => healthyOf.get(t.taskArn) ?? false);
        return opts.chooseScaleIn ? opts.chooseScaleIn(preferred, n) : preferred.slice(0, n);
      },
    });
    for (const { view, why } of decision.stop) {
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
        const by = why === 'deployment' ? view.task.startedBy ?? primary?.id : primary?.id;
        b.stop(view, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${by})`, {});
      }
    }
    // A deployment that cannot make progress says so, in an event and in its rolloutStateReason.
    const unregistrable = lbCount(svc) > 0 ? rest.filter((v) => isPrimary(v) && v.phase === 'running' && v.expected.length < lbCount(svc)) : [];
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
    if (primary && primary.rolloutState === 'IN_PROGRESS') {
      const reason = stuck !== undefined ? stuckReason(primary.id, stuck) : `ECS deployment ${primary.id} in progress.`;
      if (primary.rolloutStateReason !== reason && (stuck !== undefined || primary.rolloutStateReason.startsWith(stuckReason(primary.id, '')))) {
        primary.rolloutStateReason = reason;
        primary.updatedAt = now;
      }
    }
    // Bounded work per pass whatever desiredCount says: the rest start in the passes that follow.
    const starting = Math.min(decision.start, opts.maxStartsPerPass);
    if (starting < decision.start) b.moreToStart();
    if (primary && startOn) {
      // A daemon's starts name their instance: one task each, placed there or nowhere.
      for (const instanceArn of startOn) {
        b.start({ deploymentId: primary.id, taskDefinition: primary.taskDefinition, count: 1, taskIds: [newResourceId(input.random)], startedBy: primary.id, group: `service:${svc.serviceName}`, instanceArn });
      }
    } else if (primary && starting > 0) {
      const taskIds = Array.from({ length: starting }, () => newResourceId(input.random));
      b.start({ deploymentId: primary.id, taskDefinition: primary.taskDefinition, count: starting, taskIds, startedBy: primary.id, group: `service:${svc.serviceName}` });
    }
  }

  // Targets for tasks that run (or are activating) and are not on their way out.
  for (const v of alive) {
    const activating = v.phase === 'running' || v.task.lastStatus === 'ACTIVATING';
    if (!activating || b.isStopping(v) || v.phase === 'deactivating') continue;
    for (const e of v.expected) if (!v.live.some((l) => l.targetGroupArn === e.targetGroupArn)) b.register(e);
  }

  // Counts: what the API shows, from the records as they are now.
  const counted = alive.filter((v) => v.phase === 'pending' || v.phase === 'running');
  const count = (id: string | undefined, phase: string) => counted.filter((v) => (id === undefined || v.task.startedBy === id) && v.phase === phase).length;
  const kept = (d: Deployment) => d.status === 'PRIMARY' || alive.some((v) => v.task.startedBy === d.id);
  // The ones that leave go to the service's history as they ended (ListServiceDeployments).
  const left = deployments.filter((d) => !kept(d));
  deployments = deployments.filter(kept);
  for (const d of deployments) {
    const running = count(d.id, 'running');
    const pending = count(d.id, 'pending');
    if (d.runningCount !== running || d.pendingCount !== pending) Object.assign(d, { runningCount: running, pendingCount: pending, updatedAt: now });
  }
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const stable =
    status === 'ACTIVE' &&
    primary !== undefined &&
    deployments.length === 1 &&
    b.isEmpty() &&
    alive.length === counted.length &&
    counted.length === primary.desiredCount &&
    primary.runningCount === primary.desiredCount &&
    counted.every((v) => v.healthy);
  if (stable && primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = now;
    lastCompleted = primary.taskDefinition;
    b.say(say.completed(svc.serviceName, primary.id));
  }
  // What a rollback returns to: kept up to date while stable (records written before it existed get it too).
  if (stable && primary.rolloutState === 'COMPLETED') {
    const current = { ...revisionOf(svc), taskDefinition: primary.taskDefinition };
    if (!lastRevision || !sameRevision(lastRevision, current)) lastRevision = current;
  }
  let events = appendEvents(svc.events, b.messages(), now, input.random);
  if (stable) {
    events = appendEvents(events, [say.steadyState(svc.serviceName)], now, input.random, opts.steadyStateEventPeriodMs);
    b.wakeAt(events[0]!.createdAt + opts.steadyStateEventPeriodMs);
  }
  for (const w of lostWake) if (w > now) b.wakeAt(w);

  const update: ServiceUpdate = {
    status,
    taskDefinition,
    runningCount: count(undefined, 'running'),
    pendingCount: count(undefined, 'pending'),
    deployments,
    events,
    ...(lastCompleted !== undefined ? { lastCompletedTaskDefinition: lastCompleted } : {}),
    ...(lastRevision !== undefined ? { lastCompletedRevision: lastRevision } : {}),
    ...(restored ? { restore: restored } : {}),
    ...(left.length > 0 ? { left } : {}),
    ...(svc.schedulingStrategy === 'DAEMON' ? { desiredCount } : {}),
  };
  const before: ServiceUpdate = {
    status: svc.status,
    taskDefinition: svc.taskDefinition,
    runningCount: svc.runningCount,
    pendingCount: svc.pendingCount,
    deployments: svc.deployments,
    events: svc.events,
    ...(svc.lastCompletedTaskDefinition !== undefined ? { lastCompletedTaskDefinition: svc.lastCompletedTaskDefinition } : {}),
    ...(svc.lastCompletedRevision !== undefined ? { lastCompletedRevision: svc.lastCompletedRevision } : {}),
    ...(svc.schedulingStrategy === 'DAEMON' ? { desiredCount: svc.desiredCount } : {}),
  };
  const changed = JSON.stringify(update) !== JSON.stringify(before);
  return b.build(changed || !b.isEmpty() ? update : undefined);
}


const lbCount = (svc: ReconcileInput['service']) => svc.loadBalancers.filter((lb) => lb.targetGroupArn).length;
