// Issue 9 and 10 in the pure reconciler: bounded work per pass, crash loops, whole-revision rollback, visible stuck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileService } from './reconcile-service.js';
import { applyServiceUpdate } from './service-plan.js';
import { TD1, TD2, T0, TG, deployment, fleet, input, service, task } from './scenario.js';

const NOW = T0 + 600_000;
const messages = (p: ReturnType<typeof reconcileService>) => p.serviceUpdate?.events.map((e) => e.message) ?? [];

test('desiredCount 2^31: one pass starts at most maxStartsPerPass tasks, fast, and comes back at once for the rest', () => {
  const svc = service({ desired: 2 ** 31, deployments: [deployment('ecs-svc/1', TD1, 2 ** 31)] });
  const t0 = performance.now();
  const plan = reconcileService(input(svc, [], [], { now: NOW }));
  assert.ok(performance.now() - t0 < 500, 'one pass is quick');
  assert.equal(plan.start.length, 1);
  assert.equal(plan.start[0]!.count, 10_000);
  assert.equal(plan.start[0]!.taskIds.length, 10_000);
  assert.equal(reconcileService(input(svc, [], [], { now: NOW, options: { maxStartsPerPass: 100 } })).start[0]!.count, 100);
  assert.equal(plan.moreToStart, true);
});

test('a crash loop (RUNNING, then the essential container exits) is counted by the breaker and throttled', () => {
  const svc = service({ desired: 1, breaker: { enable: false, rollback: false }, deployments: [deployment('ecs-svc/2', TD2, 1)] });
  const crashed = [0, 1, 2].map((i) =>
    task(
      `c${i}`,
      { deployment: 'ecs-svc/2', status: 'STOPPED', createdAt: NOW - 10_000 + i * 2000, startedAt: NOW - 9_990 + i * 2000, taskDefinition: TD2 },
      { desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedAt: NOW - 9000 + i * 2000 },
    ),
  );
  const plan = reconcileService(input(svc, crashed, [], { now: NOW }));
  assert.equal(plan.start.length, 0, 'throttled');
  assert.equal(plan.serviceUpdate!.deployments[0]!.failedTasks, 3);
  assert.equal(messages(plan)[0], '(service web) is unable to consistently start tasks successfully.');
  assert.equal(plan.requeueAfterMs, NOW - 5000 + 10_000 - NOW);
});

test('a rollback restores the whole completed revision: task definition and the load balancer port', () => {
  const oldLbs = [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }];
  const newLbs = [{ targetGroupArn: TG, containerName: 'web', containerPort: 8080 }];
  const svc = service(
    {
      desired: 2,
      breaker: { enable: true, rollback: true },
      deployments: [deployment('ecs-svc/2', TD2, 2), deployment('ecs-svc/1', TD1, 2, { status: 'ACTIVE', rolloutState: 'COMPLETED' })],
    },
    {
      loadBalancers: newLbs,
      lastCompletedTaskDefinition: TD1,
      lastCompletedRevision: { taskDefinition: TD1, loadBalancers: oldLbs, placementConstraints: [], placementStrategy: [] },
    },
  );
  const old = fleet('old', 2, 'ecs-svc/1', 'healthy');
  const failed = [0, 1, 2].map((i) =>
    task(
      `f${i}`,
      { deployment: 'ecs-svc/2', status: 'STOPPED', taskDefinition: TD2, createdAt: NOW - 1000 },
      { stopCode: 'TaskFailedToStart', stoppedAt: NOW - 500 + i },
    ),
  );
  const plan = reconcileService(input(svc, [...old.tasks, ...failed], old.targets, { now: NOW, options: { startBackoff: { freeFailures: 10 } } }));
  const next = applyServiceUpdate(svc, plan.serviceUpdate);
  assert.equal(next.taskDefinition, TD1);
  assert.deepEqual(next.loadBalancers, oldLbs, 'the old port comes back with the old task definition');
  assert.equal(next.deployments[0]!.taskDefinition, TD1);
  // The next pass sees the old tasks healthy in the restored load balancer, and completes.
  const again = reconcileService(
    input(
      { ...next, deployments: next.deployments.map((d) => (d.status === 'PRIMARY' ? d : { ...d, status: 'ACTIVE' as const })) },
      old.tasks.map((t) => ({ ...t, startedBy: next.deployments[0]!.id })),
      old.targets,
      { now: NOW + 1 },
    ),
  );
  assert.equal(again.serviceUpdate!.deployments[0]!.rolloutState, 'COMPLETED');
});

test('a completed deployment records its whole revision', () => {
  const f = fleet('t', 1, 'ecs-svc/1', 'healthy');
  const plan = reconcileService(input(service({ desired: 1, deployments: [deployment('ecs-svc/1', TD1, 1)] }), f.tasks, f.targets, { now: NOW }));
  assert.deepEqual(plan.serviceUpdate!.lastCompletedRevision, {
    taskDefinition: TD1,
    loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }],
    placementConstraints: [],
    placementStrategy: [],
  });
});

test('a steady service written before revisions were kept gets its revision once, then is left alone', () => {
  const f = fleet('t', 1, 'ecs-svc/1', 'healthy');
  const svc = service(
    { desired: 1, deployments: [deployment('ecs-svc/1', TD1, 1, { rolloutState: 'COMPLETED', runningCount: 1 })] },
    { runningCount: 1, lastCompletedTaskDefinition: TD1 },
  );
  const plan = reconcileService(input(svc, f.tasks, f.targets, { now: NOW }));
  assert.equal(plan.serviceUpdate!.lastCompletedRevision!.taskDefinition, TD1);
  const again = reconcileService(input(applyServiceUpdate(svc, plan.serviceUpdate), f.tasks, f.targets, { now: NOW + 1 }));
  assert.equal(again.serviceUpdate, undefined);
});

test('a deployment whose RUNNING tasks can never be registered is stuck visibly: event and rolloutStateReason', () => {
  const svc = service(
    { desired: 1, deployments: [deployment('ecs-svc/2', TD2, 1)] },
    { loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 8080 }] },
  );
  const t = task('a', { deployment: 'ecs-svc/2', port: 32000, taskDefinition: TD2 });
  const plan = reconcileService(input(svc, [t], [], { now: NOW }));
  const d = plan.serviceUpdate!.deployments[0]!;
  assert.equal(d.rolloutState, 'IN_PROGRESS');
  assert.match(
    d.rolloutStateReason,
    /^ECS deployment ecs-svc\/2 is stuck: .*\(task a\) cannot be registered: it has no host port for \(container web\) \(port 8080\)/,
  );
  assert.ok(messages(plan).some((m) => m.includes('cannot be registered')));
});
