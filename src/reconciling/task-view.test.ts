import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TG, input, service, target, task } from './scenario.js';
import { indexTargets, phaseOf, viewTask } from './task-view.js';

const ctxOf = (targets: ReturnType<typeof target>[], now = 1_700_000_100_000, healthCheck = false) => {
  const inp = input(service({ grace: 10 }), [], targets, { now, healthCheck });
  return { service: inp.service, targets: indexTargets(targets), taskDefinitions: inp.taskDefinitions, now, healthyAfterRunningMs: 40_000 };
};

test('phases: pending, running, deactivating (stoppingAt or DEACTIVATING), stopping, stopped', () => {
  assert.equal(phaseOf(task('a', { status: 'PROVISIONING' })), 'pending');
  assert.equal(phaseOf(task('a', { status: 'ACTIVATING' })), 'pending');
  assert.equal(phaseOf(task('a')), 'running');
  assert.equal(phaseOf(task('a', {}, { stoppingAt: 1 })), 'deactivating', 'the agent may still say RUNNING');
  assert.equal(phaseOf(task('a', {}, { desiredStatus: 'STOPPED' })), 'stopping');
  assert.equal(phaseOf(task('a', { status: 'STOPPED' })), 'stopped');
});

test('the expected target is (ec2InstanceId, hostPort of the containerName/containerPort binding)', () => {
  const t = task('a', { port: 32768, instance: 3 });
  const v = viewTask(t, ctxOf([]));
  assert.deepEqual(v.expected, [{ taskArn: t.taskArn, targetGroupArn: TG, id: 'i-3', port: 32768 }]);
  assert.deepEqual(v.live, []);
  assert.equal(v.healthy, false);
  assert.equal(viewTask(task('b'), ctxOf([])).expected.length, 0, 'no binding yet: nothing to register');
});

test('healthy needs every target healthy; a draining one is not live and tells when it expires', () => {
  const t = task('a', { port: 1 });
  assert.equal(viewTask(t, ctxOf([target(t, 'healthy')])).healthy, true);
  assert.equal(viewTask(t, ctxOf([target(t, 'initial')])).healthy, false);
  const d = viewTask(t, ctxOf([target(t, 'draining', { drainUntil: 1_700_000_200_000 })]));
  assert.deepEqual(d.live, []);
  assert.equal(d.drainUntil, 1_700_000_200_000);
});

test('failing only after the grace period, with the target reason', () => {
  const t = task('a', { port: 1, startedAt: 1_700_000_095_000 });
  const bad = [target(t, 'unhealthy', { description: 'Request timed out' })];
  const early = viewTask(t, ctxOf(bad));
  assert.equal(early.failing, undefined);
  assert.equal(early.wakeAt, 1_700_000_105_000);
  assert.deepEqual(viewTask(t, ctxOf(bad, 1_700_000_105_000)).failing, { kind: 'elb', targetGroupArn: TG, id: 'i-1', port: 1, reason: 'Request timed out' });
});

test('draining ends at min(drainUntil, drainedAt): the load balancer may end it early', () => {
  const t = task('a', { port: 1 });
  const now = 1_700_000_100_000;
  const early = viewTask(t, ctxOf([target(t, 'draining', { drainUntil: now + 300_000, drainedAt: now - 1 })], now));
  assert.equal(early.drainUntil, undefined, 'nothing in flight: the task may stop now');
  const later = viewTask(t, ctxOf([target(t, 'draining', { drainUntil: now + 300_000, drainedAt: now + 5_000 })], now));
  assert.equal(later.drainUntil, now + 5_000);
  const plain = viewTask(t, ctxOf([target(t, 'draining', { drainUntil: now + 300_000 })], now));
  assert.equal(plain.drainUntil, now + 300_000);
});
