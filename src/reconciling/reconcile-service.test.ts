import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileService } from './reconcile-service.js';
import { revisionOf } from './service-revision.js';
import { TD1, TD2, T0, TG, deployment, fleet, input, instance, service, target, task } from './scenario.js';

const NOW = T0 + 600_000;
const completed = (desired: number) => [deployment('ecs-svc/1', TD1, desired, { rolloutState: 'COMPLETED', runningCount: desired })];
const messages = (p: ReturnType<typeof reconcileService>) => p.serviceUpdate?.events.map((e) => e.message) ?? [];

describe('keeping desiredCount', () => {
  test('a task whose essential container exited is replaced and its target deregistered', () => {
    const f = fleet('t', 2, 'ecs-svc/1', 'healthy');
    f.tasks[1] = { ...f.tasks[1]!, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedAt: NOW - 1000 };
    const plan = reconcileService(input(service({ desired: 2, deployments: completed(2) }), f.tasks, f.targets, { now: NOW }));
    assert.equal(plan.start[0]!.count, 1);
    assert.equal(plan.stop.length, 0, 'already STOPPED: nothing to stop');
    assert.deepEqual(
      plan.deregister.map((d) => d.port),
      [32001],
    );
    assert.ok(messages(plan).includes(`(service web) deregistered 1 targets in (target-group ${TG})`));
  });

  test('scale-in stops tasks not yet healthy first, then the newest', () => {
    const tasks = [
      task('a', { port: 1, createdAt: T0 }),
      task('b', { port: 2, createdAt: T0 + 2 }),
      task('c', { port: 3, createdAt: T0 + 1 }),
      task('d', { port: 4, createdAt: T0 }),
    ];
    const targets = [target(tasks[0]!, 'healthy'), target(tasks[1]!, 'healthy'), target(tasks[2]!, 'healthy'), target(tasks[3]!, 'initial')];
    const plan = reconcileService(input(service({ desired: 2, min: 50, deployments: completed(2) }), tasks, targets, { now: NOW }));
    assert.deepEqual(
      plan.stop.map((s) => s.taskArn.split('/').pop()),
      ['d', 'b'],
    );
    assert.equal(plan.start.length, 0);
  });

  test('a task that failed to start is told once in the service events, with its stoppedReason', () => {
    const f = fleet('t', 2, 'ecs-svc/1', 'healthy');
    const reason = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: invalid parameters: /app/x';
    f.tasks[1] = {
      ...f.tasks[1]!,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason: reason,
      stoppedAt: NOW - 1000,
    };
    const svc = service({ desired: 2, deployments: completed(2) });
    const plan = reconcileService(input(svc, f.tasks, f.targets, { now: NOW }));
    const said = `(service web) (task t1) failed to start: ${reason}`;
    assert.ok(messages(plan).includes(said), messages(plan).join('\n'));
    const again = reconcileService(input({ ...svc, events: plan.serviceUpdate!.events }, f.tasks, f.targets, { now: NOW + 1 }));
    assert.equal(messages(again).filter((m) => m === said).length, 1, 'said once');
  });

  test('an injected scale-in choice is used', () => {
    const f = fleet('t', 3, 'ecs-svc/1', 'healthy');
    const plan = reconcileService(
      input(service({ desired: 2, deployments: completed(2) }), f.tasks, f.targets, { now: NOW, options: { chooseScaleIn: (c) => [c[0]!] } }),
    );
    assert.deepEqual(
      plan.stop.map((s) => s.taskArn.split('/').pop()),
      ['t0'],
    );
  });

  test('a RUNNING task without a target is registered, with the event', () => {
    const f = fleet('t', 2, 'ecs-svc/1', 'healthy');
    const plan = reconcileService(input(service({ desired: 2, deployments: completed(2) }), f.tasks, f.targets.slice(0, 1), { now: NOW }));
    assert.deepEqual(plan.register, [{ taskArn: f.tasks[1]!.taskArn, targetGroupArn: TG, id: 'i-1', port: 32001 }]);
    assert.equal(messages(plan)[0], `(service web) registered 1 targets in (target-group ${TG})`);
  });

  test('a steady service is left alone; "steady state" repeats after the period', () => {
    const f = fleet('t', 2, 'ecs-svc/1', 'healthy');
    const steady = { id: 'e1', createdAt: NOW - 3600_000, message: '(service web) has reached a steady state.' };
    const bare = service({ desired: 2, deployments: completed(2) }, { runningCount: 2, events: [steady] });
    const svc = { ...bare, lastCompletedRevision: revisionOf(bare) };
    const quiet = reconcileService(input(svc, f.tasks, f.targets, { now: NOW }));
    assert.equal(quiet.serviceUpdate, undefined);
    assert.equal(quiet.requeueAfterMs, 5 * 3600_000);
    const later = reconcileService(input(svc, f.tasks, f.targets, { now: NOW + 5 * 3600_000 }));
    assert.equal(later.serviceUpdate!.events.length, 2);
    assert.equal(later.serviceUpdate!.events[0]!.createdAt, NOW + 5 * 3600_000);
  });

  test('a task stopped from outside (StopTask) has its targets deregistered and is replaced', () => {
    const f = fleet('t', 2, 'ecs-svc/1', 'healthy');
    f.tasks[0] = { ...f.tasks[0]!, desiredStatus: 'STOPPED', stopCode: 'UserInitiated' };
    const plan = reconcileService(input(service({ desired: 2, deployments: completed(2) }), f.tasks, f.targets, { now: NOW }));
    assert.deepEqual(
      plan.deregister.map((d) => d.port),
      [32000],
    );
    assert.equal(plan.start[0]!.count, 1);
  });

  test('an INACTIVE service gets an empty plan', () => {
    const plan = reconcileService(input(service({}, { status: 'INACTIVE' }), [], []));
    assert.deepEqual(plan, { start: [], stop: [], register: [], deregister: [], serviceUpdate: undefined });
  });
});

describe('when a task counts as healthy', () => {
  test('without a load balancer or health check: 40 s after RUNNING', () => {
    const tasks = [task('a', { startedAt: NOW - 10_000 })];
    const young = reconcileService(input(service({ desired: 1, lb: false }), tasks, [], { now: NOW }));
    assert.equal(young.serviceUpdate!.deployments[0]!.rolloutState, 'IN_PROGRESS');
    assert.equal(young.requeueAfterMs, 30_000);
    const mature = reconcileService(input(service({ desired: 1, lb: false }), tasks, [], { now: NOW + 30_000 }));
    assert.equal(mature.serviceUpdate!.deployments[0]!.rolloutState, 'COMPLETED');
  });

  test('with a container health check and no load balancer: when HEALTHY', () => {
    const plan = reconcileService(
      input(service({ desired: 1, lb: false }), [task('a', { health: 'HEALTHY', startedAt: NOW })], [], { now: NOW, healthCheck: true }),
    );
    assert.equal(plan.serviceUpdate!.deployments[0]!.rolloutState, 'COMPLETED');
  });

  test('with a load balancer and a health check: target healthy AND container HEALTHY', () => {
    const t = task('a', { port: 32000, health: 'UNKNOWN' });
    const plan = reconcileService(input(service({ desired: 1 }), [t], [target(t, 'healthy')], { now: NOW, healthCheck: true }));
    assert.equal(plan.serviceUpdate!.deployments[0]!.rolloutState, 'IN_PROGRESS');
  });
});

describe('health replacement', () => {
  const sick = (startedAt: number) => {
    const t = task('a', { port: 32768, startedAt });
    return { tasks: [t], targets: [target(t, 'unhealthy', { description: 'Health checks failed with these codes: [502]' })] };
  };

  test('inside the grace period an unhealthy target is tolerated', () => {
    const s = sick(NOW - 30_000);
    const plan = reconcileService(input(service({ desired: 1, grace: 60, deployments: completed(1) }), s.tasks, s.targets, { now: NOW }));
    assert.equal(plan.stop.length, 0);
    assert.equal(plan.requeueAfterMs, 30_000);
  });

  test('after it, the task is stopped (deregistered first) and replaced in the same plan when max allows', () => {
    const s = sick(NOW - 120_000);
    const plan = reconcileService(input(service({ desired: 1, grace: 60, deployments: completed(1) }), s.tasks, s.targets, { now: NOW }));
    assert.deepEqual(plan.stop, [
      {
        taskArn: s.tasks[0]!.taskArn,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: `Task failed ELB health checks in (target-group ${TG})`,
        deregisterFirst: true,
      },
    ]);
    assert.equal(plan.start[0]!.count, 1);
    assert.ok(
      messages(plan).includes(
        `(service web) (instance i-1) (port 32768) is unhealthy in (target-group ${TG}) due to (reason Health checks failed with these codes: [502]).`,
      ),
    );
  });

  test('without room, failing tasks stop one by one', () => {
    const tasks = [task('a', { port: 1 }), task('b', { port: 2 })];
    const targets = tasks.map((t) => target(t, 'unhealthy'));
    const plan = reconcileService(input(service({ desired: 2, max: 100, deployments: completed(2) }), tasks, targets, { now: NOW }));
    assert.equal(plan.stop.length, 1);
    assert.equal(plan.start[0]!.count, 1);
  });

  test('a container failing its health check: "Task failed container health checks"', () => {
    const t = task('a', { health: 'UNHEALTHY' });
    const plan = reconcileService(input(service({ desired: 1, lb: false, deployments: completed(1) }), [t], [], { now: NOW, healthCheck: true }));
    assert.equal(plan.stop[0]!.stoppedReason, 'Task failed container health checks');
    assert.equal(plan.stop[0]!.deregisterFirst, false);
    assert.ok(messages(plan).includes('(service web) (task a) failed container health checks.'));
  });
});

describe('stopping through deactivation', () => {
  test('a deactivating task whose draining is over is stopped with the reason it was given', () => {
    const t = task(
      'a',
      { port: 32000, status: 'DEACTIVATING' },
      { stoppingAt: NOW - 10_000, stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)' },
    );
    const draining = target(t, 'draining', { drainingSince: NOW - 10_000, drainUntil: NOW - 1 });
    const plan = reconcileService(input(service({ desired: 0, deployments: completed(0) }), [t], [draining], { now: NOW }));
    assert.deepEqual(plan.stop, [
      {
        taskArn: t.taskArn,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)',
        deregisterFirst: false,
      },
    ]);
    assert.ok(messages(plan).includes('(service web) has stopped 1 running tasks: (task a).'));
  });

  test('still draining: wait until drainUntil', () => {
    const t = task('a', { port: 32000, status: 'DEACTIVATING' }, { stoppingAt: NOW - 10_000 });
    const draining = target(t, 'draining', { drainUntil: NOW + 5000 });
    const plan = reconcileService(input(service({ desired: 0, deployments: completed(0) }), [t], [draining], { now: NOW }));
    assert.equal(plan.stop.length, 0);
    assert.equal(plan.requeueAfterMs, 5000);
  });
});

describe('container instances', () => {
  test('a DRAINING instance: its PENDING tasks stop at once, RUNNING ones are replaced first', () => {
    const tasks = [task('p', { status: 'PENDING', instance: 2 }), task('r', { port: 32000, instance: 2 })];
    const plan = reconcileService(
      input(service({ desired: 2, deployments: completed(2) }), tasks, [target(tasks[1]!, 'healthy')], {
        now: NOW,
        instances: [instance(1), instance(2, { status: 'DRAINING' })],
      }),
    );
    assert.deepEqual(
      plan.stop.map((s) => s.taskArn.split('/').pop()),
      ['p'],
    );
    assert.equal(plan.start[0]!.count, 2);
  });

  test('a lost host: its tasks are marked STOPPED, their targets deregistered, and they are replaced', () => {
    const tasks = [task('a', { port: 32000, instance: 1 }), task('b', { port: 32001, instance: 2 })];
    const plan = reconcileService(
      input(
        service({ desired: 2, deployments: completed(2) }),
        tasks,
        tasks.map((t) => target(t, 'healthy')),
        {
          now: NOW,
          instances: [instance(1, { lastSeenAt: NOW }), instance(2, { agentConnected: false, lastSeenAt: NOW - 120_000 })],
          options: { lostAfterMs: 60_000 },
        },
      ),
    );
    assert.deepEqual(plan.stop, [
      {
        taskArn: tasks[1]!.taskArn,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Host EC2 (instance i-2) lost.',
        deregisterFirst: false,
        markStopped: true,
      },
    ]);
    assert.deepEqual(
      plan.deregister.map((d) => d.id),
      ['i-2'],
    );
    assert.equal(plan.start[0]!.count, 1);
  });

  test('a disconnected agent alone does not reschedule its tasks', () => {
    const f = fleet('t', 1, 'ecs-svc/1', 'healthy');
    const plan = reconcileService(
      input(service({ desired: 1, deployments: completed(1) }), f.tasks, f.targets, {
        now: NOW,
        instances: [instance(1, { agentConnected: false, lastSeenAt: NOW - 10_000 })],
        options: { lostAfterMs: 60_000 },
      }),
    );
    assert.equal(plan.stop.length + plan.start.length, 0);
    assert.equal(plan.requeueAfterMs, 50_001);
  });
});

describe('DeleteService', () => {
  test('DRAINING stops every task, deregistering first; INACTIVE only once none is left draining', () => {
    const f = fleet('t', 2, 'ecs-svc/1', 'healthy');
    const svc = service({ desired: 0, deployments: completed(0) }, { status: 'DRAINING' });
    const plan = reconcileService(input(svc, f.tasks, f.targets, { now: NOW }));
    assert.equal(plan.stop.length, 2);
    assert.ok(plan.stop.every((s) => s.deregisterFirst));
    assert.equal(plan.serviceUpdate!.status, 'DRAINING');
    const stopping = f.tasks.map((t) => ({ ...t, desiredStatus: 'STOPPED' as const }));
    const done = reconcileService(input(svc, stopping, [], { now: NOW }));
    assert.equal(done.serviceUpdate!.status, 'INACTIVE');
  });
});

describe('start backoff and circuit breaker', () => {
  const failures = (n: number, deploymentId: string) =>
    Array.from({ length: n }, (_, i) =>
      task(
        `f${i}`,
        { deployment: deploymentId, status: 'STOPPED', createdAt: NOW - 60_000 + i, taskDefinition: TD2 },
        { desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedAt: NOW - 5000 },
      ),
    );

  test('tasks that keep failing to start are throttled, with ECS event', () => {
    const svc = service({ desired: 1, deployments: completed(1) });
    const plan = reconcileService(input(svc, failures(4, 'ecs-svc/1'), [], { now: NOW }));
    assert.equal(plan.start.length, 0);
    assert.equal(plan.requeueAfterMs, 15_000);
    assert.equal(messages(plan)[0], '(service web) is unable to consistently start tasks successfully.');
    const later = reconcileService(input(svc, failures(4, 'ecs-svc/1'), [], { now: NOW + 15_000 }));
    assert.equal(later.start[0]!.count, 1);
  });

  const rollout = (breaker: { enable: boolean; rollback: boolean }) =>
    service({
      desired: 2,
      breaker,
      deployments: [deployment('ecs-svc/2', TD2, 2), deployment('ecs-svc/1', TD1, 2, { status: 'ACTIVE', rolloutState: 'COMPLETED' })],
    });

  test('on breach with rollback: FAILED, and a new PRIMARY of the last COMPLETED task definition', () => {
    const old = fleet('old', 2, 'ecs-svc/1', 'healthy');
    const plan = reconcileService(
      input(rollout({ enable: true, rollback: true }), [...old.tasks, ...failures(3, 'ecs-svc/2')], old.targets, {
        now: NOW,
        options: { startBackoff: { freeFailures: 10, baseMs: 1, maxMs: 1 } },
      }),
    );
    // The failed deployment has no task left, so it is dropped (INACTIVE) at once; its story is in the events.
    const [next, previous] = plan.serviceUpdate!.deployments;
    assert.equal(plan.serviceUpdate!.deployments.length, 2);
    assert.equal(previous!.id, 'ecs-svc/1');
    assert.equal(next!.status, 'PRIMARY');
    assert.equal(next!.taskDefinition, TD1);
    assert.equal(next!.rolloutState, 'IN_PROGRESS');
    assert.equal(plan.serviceUpdate!.taskDefinition, TD1);
    assert.ok(messages(plan).includes('(service web) (deployment ecs-svc/2) deployment failed: ECS deployment circuit breaker: tasks failed to start.'));
    assert.ok(messages(plan).includes(`(service web) (deployment ecs-svc/2) rolling back to ${TD1}.`));
  });

  test('a deployment alarm that went into ALARM during the deployment fails it and rolls back, as the breaker would', () => {
    const old = fleet('old', 2, 'ecs-svc/1', 'healthy');
    const svc = rollout({ enable: false, rollback: false });
    svc.deploymentConfiguration = { ...svc.deploymentConfiguration, alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } };
    const createdAt = svc.deployments[0]!.createdAt;
    const quiet = reconcileService({
      ...input(svc, old.tasks, old.targets, { now: NOW }),
      alarms: new Map([['web-5xx', { state: 'OK', transitionedAt: createdAt + 1 }]]),
    });
    assert.ok(quiet.requeueAfterMs !== undefined && quiet.requeueAfterMs <= 5_000, 'the alarms are looked at again within 5 s');
    assert.notEqual(quiet.serviceUpdate?.deployments[0]?.rolloutState, 'FAILED');
    const plan = reconcileService({
      ...input(svc, old.tasks, old.targets, { now: NOW }),
      alarms: new Map([['web-5xx', { state: 'ALARM', transitionedAt: createdAt + 1 }]]),
    });
    const failed = plan.serviceUpdate!.deployments.find((d) => d.id === 'ecs-svc/2');
    const [next] = plan.serviceUpdate!.deployments;
    assert.equal(next!.taskDefinition, TD1, 'a new PRIMARY of the last completed task definition');
    assert.equal(plan.serviceUpdate!.taskDefinition, TD1);
    assert.ok(
      messages(plan).some((m) =>
        m.includes('deployment failed: ECS deployment ecs-svc/2 failed: the CloudWatch alarm web-5xx went into ALARM during the deployment.'),
      ),
      messages(plan).join('\n'),
    );
    if (failed) assert.deepEqual(failed.triggeredAlarms, ['web-5xx']);
  });

  test('with deployment alarms, a steady deployment completes only after the alarms have watched it for a minute', () => {
    const svc = service({ desired: 2, deployments: [deployment('ecs-svc/2', TD2, 2)] });
    svc.deploymentConfiguration = { ...svc.deploymentConfiguration, alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } };
    const steady = fleet('new', 2, 'ecs-svc/2', 'healthy', 32000, { taskDefinition: TD2 });
    const first = reconcileService(input(svc, steady.tasks, steady.targets, { now: NOW }));
    const watched = first.serviceUpdate?.deployments[0];
    assert.equal(watched?.rolloutState, 'IN_PROGRESS', 'not completed at once');
    assert.equal(watched?.steadySince, NOW);
    assert.ok(first.requeueAfterMs !== undefined && first.requeueAfterMs <= 60_000);
    const later = reconcileService(input({ ...svc, deployments: [watched!] }, steady.tasks, steady.targets, { now: NOW + 60_000 }));
    assert.equal(later.serviceUpdate?.deployments[0]?.rolloutState, 'COMPLETED', 'completed once the minute has passed');
  });

  test('on breach with rollback, a failed deployment that still has tasks stays, FAILED and ACTIVE', () => {
    const old = fleet('old', 2, 'ecs-svc/1', 'healthy');
    const stuck = task('n0', { deployment: 'ecs-svc/2', status: 'PENDING', taskDefinition: TD2 });
    const plan = reconcileService(
      input(rollout({ enable: true, rollback: true }), [...old.tasks, stuck, ...failures(3, 'ecs-svc/2')], old.targets, {
        now: NOW,
        options: { startBackoff: { freeFailures: 10, baseMs: 1, maxMs: 1 } },
      }),
    );
    const failed = plan.serviceUpdate!.deployments.find((d) => d.id === 'ecs-svc/2')!;
    assert.equal(failed.status, 'ACTIVE');
    assert.equal(failed.rolloutState, 'FAILED');
    assert.equal(failed.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(failed.failedTasks, 3);
    assert.ok(
      plan.stop.some((s) => s.taskArn === stuck.taskArn),
      'its not-started task is stopped first',
    );
  });

  test('on breach without rollback: FAILED and no more launches', () => {
    const old = fleet('old', 2, 'ecs-svc/1', 'healthy');
    const plan = reconcileService(
      input(rollout({ enable: true, rollback: false }), [...old.tasks, ...failures(3, 'ecs-svc/2')], old.targets, {
        now: NOW,
        options: { startBackoff: { freeFailures: 10, baseMs: 1, maxMs: 1 } },
      }),
    );
    assert.equal(plan.serviceUpdate!.deployments[0]!.rolloutState, 'FAILED');
    assert.equal(plan.start.length, 0);
    assert.equal(plan.stop.length, 0, 'the old tasks stay');
  });

  test('with the breaker disabled, failures are counted and launches go on', () => {
    const plan = reconcileService(
      input(rollout({ enable: false, rollback: false }), failures(3, 'ecs-svc/2'), [], {
        now: NOW,
        options: { startBackoff: { freeFailures: 10, baseMs: 1, maxMs: 1 } },
      }),
    );
    assert.equal(plan.serviceUpdate!.deployments[0]!.failedTasks, 3);
    assert.equal(plan.serviceUpdate!.deployments[0]!.rolloutState, 'IN_PROGRESS');
    assert.equal(plan.start[0]!.count, 2);
  });
});
