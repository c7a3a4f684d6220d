// Plans fed back as observed state by a tiny pure simulator: started tasks run after a few ticks, their
// targets turn healthy a few ticks later, deregistered ones drain, stopped ones stop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../domain/ecs/records.js';
import type { TargetRecord } from '../domain/elbv2/target.js';
import { reconcileService } from './reconcile-service.js';
import { withStartedTasks } from './plan-builder.js';
import { applyServiceUpdate, type ReconciledService, type ServicePlan } from './service-plan.js';
import { TD1, TD2, T0, deployment, fleet, input, service, task } from './scenario.js';

interface World {
  service: ReconciledService;
  tasks: TaskRecord[];
  targets: TargetRecord[];
  now: number;
  nextPort: number;
}

const TICK = 1000;
const RUN_AFTER = 2 * TICK;
const HEALTHY_AFTER = 3 * TICK;
const DRAIN = 2 * TICK;

function apply(w: World, plan: ServicePlan): void {
  const p = withStartedTasks(
    plan,
    'web',
    plan.start.flatMap((s) => s.taskIds),
    w.now,
    { next: () => 0.5, hex: () => '00', uuid: () => `u${w.now}${Math.random()}` },
  );
  w.service = applyServiceUpdate(w.service, p.serviceUpdate);
  for (const s of plan.start) {
    for (const id of s.taskIds) {
      assert.ok(!w.tasks.some((t) => t.taskId === id), 'a task id is never started twice');
      w.tasks.push(task(id, { deployment: s.deploymentId, status: 'PROVISIONING', createdAt: w.now, taskDefinition: s.taskDefinition }));
    }
  }
  const byArn = new Map(w.tasks.map((t, i) => [t.taskArn, i]));
  for (const s of plan.stop) {
    const i = byArn.get(s.taskArn)!;
    const t = w.tasks[i]!;
    const why = { stopCode: s.stopCode, stoppedReason: s.stoppedReason };
    if (s.markStopped) w.tasks[i] = { ...t, ...why, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: w.now };
    else if (s.deregisterFirst) w.tasks[i] = { ...t, ...why, lastStatus: 'DEACTIVATING', stoppingAt: w.now };
    else w.tasks[i] = { ...t, ...why, desiredStatus: 'STOPPED' };
  }
  for (const d of plan.deregister) {
    w.targets = w.targets.map((t) => (t.Id === d.id && t.Port === d.port ? { ...t, state: 'draining', drainingSince: w.now, drainUntil: w.now + DRAIN } : t));
  }
  for (const r of plan.register) w.targets.push({ TargetGroupArn: r.targetGroupArn, Id: r.id, Port: r.port, registeredAt: w.now, state: 'initial' });
}

function advance(w: World): void {
  w.now += TICK;
  w.tasks = w.tasks.map((t) => {
    if (t.lastStatus === 'PROVISIONING' && t.desiredStatus === 'RUNNING' && w.now - t.createdAt >= RUN_AFTER) {
      const port = w.nextPort++;
      const running = task(t.taskId, {
        deployment: t.startedBy!,
        status: 'RUNNING',
        port,
        createdAt: t.createdAt,
        startedAt: w.now,
        taskDefinition: t.taskDefinitionArn,
      });
      return running;
    }
    if (t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED') return { ...t, lastStatus: 'STOPPED', stoppedAt: w.now };
    return t;
  });
  w.targets = w.targets
    .filter((t) => !(t.state === 'draining' && w.now >= t.drainUntil!))
    .map((t) => (t.state === 'initial' && w.now - t.registeredAt >= HEALTHY_AFTER + (t.Port % 3) * TICK ? { ...t, state: 'healthy' } : t));
}

/** Tasks that can serve: RUNNING, not deactivating, target healthy. */
function serving(w: World): number {
  return w.tasks.filter(
    (t) =>
      t.lastStatus === 'RUNNING' &&
      t.desiredStatus === 'RUNNING' &&
      t.stoppingAt === undefined &&
      w.targets.some((g) => g.Id === t.ec2InstanceId && g.Port === t.containers[0]!.networkBindings[0]?.hostPort && g.state === 'healthy'),
  ).length;
}

function deploy(desired: number, min: number, max: number) {
  const old = fleet('old', desired, 'ecs-svc/1', 'healthy', 32000);
  const w: World = {
    service: service({
      desired,
      min,
      max,
      deployments: [
        deployment('ecs-svc/2', TD2, desired, { createdAt: T0 + 1 }),
        deployment('ecs-svc/1', TD1, desired, { status: 'ACTIVE', rolloutState: 'COMPLETED' }),
      ],
    }),
    tasks: old.tasks,
    targets: old.targets,
    now: T0 + 60_000,
    nextPort: 40000,
  };
  let minServing = Number.POSITIVE_INFINITY;
  let maxLive = 0;
  let ticks = 0;
  for (; ticks < 300; ticks++) {
    const plan = reconcileService(input(w.service, w.tasks, w.targets, { now: w.now, seed: ticks }));
    apply(w, plan);
    // Replaying the very same plan must change nothing: its tasks exist, its stops are repeats.
    const again = reconcileService(input(w.service, w.tasks, w.targets, { now: w.now, seed: ticks }));
    assert.equal(again.start.length, 0, 'a replayed pass starts nothing');
    minServing = Math.min(minServing, serving(w));
    maxLive = Math.max(maxLive, w.tasks.filter((t) => t.desiredStatus === 'RUNNING' && t.stoppingAt === undefined && t.lastStatus !== 'STOPPED').length);
    const p = w.service.deployments[0]!;
    if (w.service.deployments.length === 1 && p.rolloutState === 'COMPLETED') break;
    advance(w);
  }
  return { w, minServing, maxLive, ticks };
}

describe('rolling deployment simulation', () => {
  test('D=2 min100 max200 completes with never fewer than 2 serving tasks', () => {
    const { w, minServing, ticks } = deploy(2, 100, 200);
    assert.ok(ticks < 300, 'the deployment completed');
    assert.equal(minServing, 2);
    assert.deepEqual(
      w.service.deployments.map((d) => [d.taskDefinition, d.rolloutState, d.runningCount]),
      [[TD2, 'COMPLETED', 2]],
    );
    assert.equal(w.service.runningCount, 2);
    assert.equal(
      w.tasks.filter((t) => t.lastStatus === 'RUNNING').every((t) => t.taskDefinitionArn === TD2),
      true,
    );
    const messages = w.service.events.map((e) => e.message);
    assert.equal(messages[0], '(service web) has reached a steady state.');
    assert.equal(messages[1], '(service web) (deployment ecs-svc/2) deployment completed.');
    assert.ok(messages.some((m) => m.startsWith('(service web) has started 2 tasks: (task ')));
    assert.ok(messages.some((m) => m.startsWith('(service web) registered 2 targets in (target-group ')));
    // Health arrives one task at a time here, so one old task drains per newly healthy one; the two passes
    // fall within the merge window, so their events count both.
    assert.ok(
      messages.some((m) => /^\(service web\) has stopped 2 running tasks: \(task old\d\) \(task old\d\)\.$/.test(m)),
      messages.join('\n'),
    );
    assert.equal(messages.filter((m) => m === '(service web) has begun draining connections on 2 tasks.').length, 1, messages.join('\n'));
    assert.equal(messages.filter((m) => / 1 (running )?(tasks|targets)/.test(m)).length, 0, messages.join('\n'));
  });

  test('D=10 min100 max200 completes with never fewer than 10 serving tasks', () => {
    const { w, minServing, maxLive, ticks } = deploy(10, 100, 200);
    assert.ok(ticks < 300);
    assert.ok(maxLive <= 20, `max live ${maxLive}`);
    assert.equal(minServing, 10);
    assert.equal(w.service.deployments[0]!.runningCount, 10);
  });

  test('D=10 min50 max100 completes, never below 5 serving and never above 10 tasks', () => {
    const { w, minServing, maxLive, ticks } = deploy(10, 50, 100);
    assert.ok(ticks < 300);
    assert.ok(maxLive <= 10, `max live ${maxLive}`);
    assert.ok(minServing >= 5, `min serving ${minServing}`);
    assert.equal(w.service.deployments[0]!.runningCount, 10);
  });

  test('a killed container is replaced and the service returns to steady state', () => {
    const { w } = deploy(2, 100, 200);
    const victim = w.tasks.find((t) => t.lastStatus === 'RUNNING')!;
    w.tasks = w.tasks.map((t) =>
      t === victim ? { ...t, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedAt: w.now } : t,
    );
    w.targets = w.targets.map((g) => (g.Port === victim.containers[0]!.networkBindings[0]!.hostPort ? { ...g, state: 'unhealthy' } : g));
    let stable = false;
    for (let i = 0; i < 50 && !stable; i++) {
      advance(w);
      apply(w, reconcileService(input(w.service, w.tasks, w.targets, { now: w.now, seed: 1000 + i })));
      stable = serving(w) === 2 && w.service.events[0]!.message === '(service web) has reached a steady state.' && w.service.runningCount === 2;
    }
    assert.ok(stable);
    assert.ok(
      !w.targets.some((g) => g.Port === victim.containers[0]!.networkBindings[0]!.hostPort && g.state !== 'draining'),
      'the dead target is deregistered',
    );
  });
});
