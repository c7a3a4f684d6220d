import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../domain/ecs/records.js';
import { reconcileService } from './reconcile-service.js';
import { applyServiceUpdate, type ObservedInstance, type ReconciledService, type ServicePlan } from './service-plan.js';
import { INSTANCE_ARN, T0, TD1, TD2, deployment, input, instance, service, task } from './scenario.js';

const daemon = (over: { min?: number; deployments?: ReturnType<typeof deployment>[] } = {}): ReconciledService =>
  service(
    { desired: 0, lb: false, max: 100, min: over.min ?? 0, ...(over.deployments ? { deployments: over.deployments } : {}) },
    { schedulingStrategy: 'DAEMON' },
  );
const messages = (p: ServicePlan) => p.serviceUpdate?.events.map((e) => e.message) ?? [];
const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const instanceNo = (arn: string) => Number(/inst(\d+)$/.exec(arn)![1]);

/** The agents and the applier, simulated: starts run at once, stops are STOPPED by the next look. */
class World {
  tasks: TaskRecord[] = [];
  now = T0 + 600_000;
  constructor(
    public svc: ReconciledService,
    public instances: ObservedInstance[],
    public daemonInstances?: string[],
  ) {}

  plan(): ServicePlan {
    return reconcileService({
      ...input(this.svc, this.tasks, [], { now: this.now, instances: this.instances }),
      ...(this.daemonInstances ? { daemonInstances: this.daemonInstances } : {}),
    });
  }

  apply(plan: ServicePlan): void {
    const stops = new Map(plan.stop.map((s) => [s.taskArn, s]));
    this.tasks = this.tasks.map((t) =>
      stops.has(t.taskArn) ? { ...t, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: this.now, stopCode: stops.get(t.taskArn)!.stopCode } : t,
    );
    for (const s of plan.start) {
      assert.ok(s.instanceArn, 'a daemon start names its instance');
      for (const id of s.taskIds) {
        this.tasks.push(task(id, { deployment: s.deploymentId, instance: instanceNo(s.instanceArn), createdAt: this.now, taskDefinition: s.taskDefinition }));
      }
    }
    this.svc = applyServiceUpdate(this.svc, plan.serviceUpdate);
    this.now += 60_000; // past healthyAfterRunningMs: what started is healthy next time
  }

  step(): ServicePlan {
    const p = this.plan();
    this.apply(p);
    return p;
  }

  live(): TaskRecord[] {
    return this.tasks.filter((t) => t.lastStatus !== 'STOPPED');
  }

  /** Instance numbers with a live task, sorted. */
  placed(): number[] {
    return this.live()
      .map((t) => instanceNo(t.containerInstanceArn))
      .sort();
  }
}

describe('DAEMON: one task on each eligible instance', () => {
  test('places one task per ACTIVE instance, desiredCount derived; a joining instance gets one, a draining one loses it', () => {
    const w = new World(daemon(), [instance(1), instance(2)]);
    const first = w.step();
    assert.deepEqual(
      first.start.map((s) => [s.instanceArn, s.count]),
      [
        [INSTANCE_ARN(1), 1],
        [INSTANCE_ARN(2), 1],
      ],
    );
    assert.equal(w.svc.desiredCount, 2);
    assert.equal(w.svc.deployments[0]!.desiredCount, 2);
    assert.equal(w.step().start.length, 0, 'nothing more to start');
    assert.deepEqual(w.placed(), [1, 2]);

    w.instances = [instance(1), instance(2), instance(3)];
    const joined = w.step();
    assert.deepEqual(
      joined.start.map((s) => s.instanceArn),
      [INSTANCE_ARN(3)],
    );
    assert.equal(w.svc.desiredCount, 3);
    assert.deepEqual(w.placed(), [1, 2, 3]);

    w.instances = [instance(1), instance(2, { status: 'DRAINING' }), instance(3)];
    const drained = w.step();
    assert.deepEqual(
      drained.stop.map((s) => instanceNo(w.tasks.find((t) => t.taskArn === s.taskArn)!.containerInstanceArn)),
      [2],
    );
    assert.equal(drained.start.length, 0, 'no replacement anywhere else');
    assert.equal(w.svc.desiredCount, 2);
    assert.deepEqual(w.placed(), [1, 3]);
    w.step();
    w.step();
    assert.equal(w.svc.deployments[0]!.rolloutState, 'COMPLETED');
    assert.equal(w.svc.runningCount, 2);
  });

  test('an instance that leaves: its task is marked STOPPED (lost), nothing replaces it', () => {
    const w = new World(daemon(), [instance(1), instance(2)]);
    w.step();
    w.instances = [instance(1)];
    const p = w.step();
    assert.equal(p.stop.length, 1);
    assert.equal(p.stop[0]!.markStopped, true);
    assert.equal(p.start.length, 0);
    assert.equal(w.svc.desiredCount, 1);
  });

  test('an instance that no longer matches the placement constraints loses its task', () => {
    const w = new World(daemon(), [instance(1), instance(2)], [INSTANCE_ARN(1), INSTANCE_ARN(2)]);
    w.step();
    w.daemonInstances = [INSTANCE_ARN(1)];
    const p = w.step();
    assert.deepEqual(
      p.stop.map((s) => idOf(s.taskArn)),
      [idOf(w.tasks.find((t) => t.containerInstanceArn === INSTANCE_ARN(2))!.taskArn)],
    );
    assert.deepEqual(w.placed(), [1]);
  });

  test('no task is started where one is still stopping (its ports would clash)', () => {
    const w = new World(daemon(), [instance(1)]);
    w.tasks = [task('old', { instance: 1 }, { desiredStatus: 'STOPPED', lastStatus: 'RUNNING' })];
    assert.equal(w.plan().start.length, 0);
  });

  test('two tasks on one instance (a race): the extra one stops', () => {
    const w = new World(daemon(), [instance(1)]);
    w.tasks = [task('a', { instance: 1, createdAt: T0 }), task('b', { instance: 1, createdAt: T0 + 1 })];
    assert.deepEqual(
      w.plan().stop.map((s) => idOf(s.taskArn)),
      ['b'],
    );
  });
});

describe('DAEMON deployments: stop then start, one instance after another within minimumHealthyPercent', () => {
  const rollout = (n: number, min: number) => {
    const w = new World(
      daemon({ min }),
      Array.from({ length: n }, (_, i) => instance(i + 1)),
    );
    for (let i = 0; i < 3; i++) w.step();
    assert.equal(w.svc.deployments[0]!.rolloutState, 'COMPLETED');
    const old = w.svc.deployments[0]!;
    w.svc = { ...w.svc, taskDefinition: TD2, deployments: [deployment('ecs-svc/2', TD2, 0, { createdAt: w.now }), { ...old, status: 'ACTIVE' }] };
    const lower = Math.ceil((n * min) / 100);
    const down: number[] = [];
    for (let i = 0; i < 40 && w.svc.deployments.length > 1; i++) {
      const before = w.live();
      const p = w.plan();
      for (const s of p.start) assert.ok(!before.some((t) => t.containerInstanceArn === s.instanceArn), 'started only where nothing is left');
      w.apply(p);
      const healthyInstances = new Set(
        w
          .live()
          .filter((t) => t.createdAt < w.now - 60_000 + 1 && t.lastStatus === 'RUNNING')
          .map((t) => t.containerInstanceArn),
      ).size;
      assert.ok(healthyInstances >= lower, `step ${i}: ${healthyInstances} instances with a healthy task, lower limit ${lower}`);
      down.push(p.stop.length);
    }
    assert.equal(w.svc.deployments.length, 1, 'the old deployment is gone');
    w.step();
    w.step();
    assert.equal(w.svc.deployments[0]!.rolloutState, 'COMPLETED');
    assert.ok(w.live().every((t) => t.taskDefinitionArn === TD2));
    assert.deepEqual(
      w.placed(),
      Array.from({ length: n }, (_, i) => i + 1),
    );
    return down;
  };

  test('minimumHealthyPercent 50 of 3: one instance at a time', () => {
    const stops = rollout(3, 50);
    assert.ok(
      stops.every((n) => n <= 1),
      `stops per pass: ${stops}`,
    );
    assert.equal(
      stops.reduce((a, b) => a + b, 0),
      3,
    );
  });

  test('minimumHealthyPercent 0 (the daemon default): every instance at once', () => {
    const stops = rollout(3, 0);
    assert.equal(stops[0], 3);
  });

  test('minimumHealthyPercent 100 allows no stop: the deployment is stuck, and says so', () => {
    const w = new World(daemon({ min: 100 }), [instance(1), instance(2)]);
    for (let i = 0; i < 3; i++) w.step();
    const old = w.svc.deployments[0]!;
    w.svc = { ...w.svc, taskDefinition: TD2, deployments: [deployment('ecs-svc/2', TD1, 0, { createdAt: w.now }), { ...old, status: 'ACTIVE' }] };
    const p = w.plan();
    assert.equal(p.stop.length, 0);
    assert.equal(p.start.length, 0);
    assert.ok(
      messages(p).some((m) => /unable to stop or start tasks during a deployment/.test(m)),
      messages(p).join('\n'),
    );
  });
});
