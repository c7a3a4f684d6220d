// ECS's rolling-deployment arithmetic (README.md, "Rules, as decided": Limits), worked case by case through the whole reconciler.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileService } from './reconcile-service.js';
import { TD1, TD2, deployment, fleet, input, service, type ServiceShape } from './scenario.js';
import type { TargetState } from '../domain/elbv2/target.js';

const OLD = 'ecs-svc/1';
const NEW = 'ecs-svc/2';

/** D old healthy tasks, a fresh PRIMARY of TD2, and `fresh` new tasks whose targets are in `newState`. */
function rollout(shape: ServiceShape & { desired: number }, fresh = 0, newState: TargetState = 'initial') {
  const svc = service({
    ...shape,
    deployments: [deployment(NEW, TD2, shape.desired, { createdAt: 2 }), deployment(OLD, TD1, shape.desired, { status: 'ACTIVE', rolloutState: 'COMPLETED' })],
  });
  const old = fleet('old', shape.desired, OLD, 'healthy', 32000);
  const neu = fleet('new', fresh, NEW, newState, 33000, { taskDefinition: TD2 });
  return reconcileService(input(svc, [...old.tasks, ...neu.tasks], [...old.targets, ...neu.targets]));
}

const stopped = (plan: ReturnType<typeof rollout>) => plan.stop.map((s) => s.taskArn.split('/').pop());
const started = (plan: ReturnType<typeof rollout>) => plan.start.reduce((n, s) => n + s.count, 0);

describe('rolling deployments (worked cases)', () => {
  test('D=2 min100 max200: start 2 new at once, stop no old task', () => {
    const plan = rollout({ desired: 2, min: 100, max: 200 });
    assert.equal(started(plan), 2);
    assert.deepEqual(plan.start[0]!.taskDefinition, TD2);
    assert.equal(plan.start[0]!.startedBy, NEW);
    assert.deepEqual(stopped(plan), []);
  });

  test('D=2 min100 max200: new tasks running but not yet healthy: nothing stops, nothing more starts', () => {
    const plan = rollout({ desired: 2, min: 100, max: 200 }, 2, 'initial');
    assert.equal(started(plan), 0);
    assert.deepEqual(stopped(plan), []);
    assert.equal(plan.serviceUpdate?.events.some((e) => e.message.includes('unable to stop or start')) ?? false, false);
  });

  test('D=2 min100 max200: one old task drains per newly healthy one', () => {
    const svc = service({
      desired: 2,
      deployments: [deployment(NEW, TD2, 2, { createdAt: 2 }), deployment(OLD, TD1, 2, { status: 'ACTIVE', rolloutState: 'COMPLETED' })],
    });
    const old = fleet('old', 2, OLD, 'healthy', 32000);
    const neu = fleet('new', 2, NEW, 'initial', 33000, { taskDefinition: TD2 });
    neu.targets[0]!.state = 'healthy';
    const plan = reconcileService(input(svc, [...old.tasks, ...neu.tasks], [...old.targets, ...neu.targets]));
    assert.equal(plan.stop.length, 1);
    assert.equal(plan.stop[0]!.deregisterFirst, true);
    assert.equal(plan.stop[0]!.stopCode, 'ServiceSchedulerInitiated');
    assert.equal(plan.stop[0]!.stoppedReason, `Scaling activity initiated by (deployment ${OLD})`);
    assert.equal(plan.deregister.length, 1);
    const messages = plan.serviceUpdate!.events.map((e) => e.message);
    assert.ok(messages.includes('(service web) has begun draining connections on 1 tasks.'));
    assert.ok(messages.some((m) => m.startsWith('(service web) deregistered 1 targets in (target-group ')));
  });

  test('D=2 min50 max200: one old task may stop at once while 2 new start', () => {
    const plan = rollout({ desired: 2, min: 50, max: 200 });
    assert.equal(started(plan), 2);
    assert.equal(stopped(plan).length, 1);
  });

  test('D=2 min50 max100: stop 1 old, start 1 new', () => {
    const plan = rollout({ desired: 2, min: 50, max: 100 });
    assert.equal(stopped(plan).length, 1);
    assert.equal(started(plan), 1);
  });

  test('D=2 min50 max100, the new one not healthy yet: wait (no stop, no start)', () => {
    const svc = service({
      desired: 2,
      min: 50,
      max: 100,
      deployments: [deployment(NEW, TD2, 2), deployment(OLD, TD1, 2, { status: 'ACTIVE' })],
    });
    const old = fleet('old', 1, OLD, 'healthy', 32000);
    const neu = fleet('new', 1, NEW, 'initial', 33000);
    const plan = reconcileService(input(svc, [...old.tasks, ...neu.tasks], [...old.targets, ...neu.targets]));
    assert.equal(started(plan), 0);
    assert.deepEqual(stopped(plan), []);
  });

  test('D=1 min0 max100: stop, then start (downtime)', () => {
    const plan = rollout({ desired: 1, min: 0, max: 100 });
    assert.deepEqual(stopped(plan), ['old0']);
    assert.equal(started(plan), 1);
  });

  test('D=4 min50: 2 may stop first', () => {
    const plan = rollout({ desired: 4, min: 50, max: 200 });
    assert.equal(stopped(plan).length, 2);
    assert.equal(started(plan), 4);
  });

  test('D=4 min50 max100: 2 stop, 2 start', () => {
    const plan = rollout({ desired: 4, min: 50, max: 100 });
    assert.equal(stopped(plan).length, 2);
    assert.equal(started(plan), 2);
  });

  test('D=2 min75: nothing can stop first', () => {
    const plan = rollout({ desired: 2, min: 75, max: 200 });
    assert.deepEqual(stopped(plan), []);
    assert.equal(started(plan), 2);
  });

  test('D=3 max125: nothing can start first', () => {
    const plan = rollout({ desired: 3, min: 50, max: 125 });
    assert.equal(stopped(plan).length, 1, 'lower = 2 lets one old task go');
    assert.equal(started(plan), 1, 'only into the room that stop made');
    const tight = rollout({ desired: 3, min: 100, max: 125 });
    assert.equal(started(tight), 0);
  });

  test('min = max = 100: stuck, with the deployment-configuration event', () => {
    const plan = rollout({ desired: 2, min: 100, max: 100 });
    assert.equal(started(plan), 0);
    assert.deepEqual(stopped(plan), []);
    assert.equal(
      plan.serviceUpdate!.events[0]!.message,
      '(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. ' +
        'Update the minimumHealthyPercent or maximumPercent value and try again.',
    );
  });

  test('an old deployment with no task left is dropped; the new one completes', () => {
    const svc = service({
      desired: 2,
      deployments: [deployment(NEW, TD2, 2), deployment(OLD, TD1, 2, { status: 'ACTIVE', rolloutState: 'COMPLETED' })],
    });
    const neu = fleet('new', 2, NEW, 'healthy', 33000, { taskDefinition: TD2 });
    const plan = reconcileService(input(svc, neu.tasks, neu.targets));
    const u = plan.serviceUpdate!;
    assert.deepEqual(
      u.deployments.map((d) => d.id),
      [NEW],
    );
    assert.equal(u.deployments[0]!.rolloutState, 'COMPLETED');
    assert.equal(u.deployments[0]!.rolloutStateReason, `ECS deployment ${NEW} completed.`);
    assert.equal(u.lastCompletedTaskDefinition, TD2);
    assert.deepEqual(
      u.events.slice(0, 2).map((e) => e.message),
      ['(service web) has reached a steady state.', `(service web) (deployment ${NEW}) deployment completed.`],
    );
  });

  test('unhealthy or not-started old tasks go first', () => {
    const svc = service({
      desired: 2,
      min: 50,
      deployments: [deployment(NEW, TD2, 2), deployment(OLD, TD1, 2, { status: 'ACTIVE' })],
    });
    const old = fleet('old', 2, OLD, 'healthy', 32000);
    old.targets[1]!.state = 'initial';
    const plan = reconcileService(input(svc, old.tasks, old.targets));
    // old1 is not healthy: stopping it costs nothing, then old0 may go too (healthy 1 > lower 1? no).
    assert.deepEqual(stopped(plan), ['old1']);
  });
});
