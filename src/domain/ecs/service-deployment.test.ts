import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from './records.js';
import { archiveDeployments, MAX_PAST_DEPLOYMENTS, parseChildArn, serviceDeploymentArn, serviceRevisionArn, statusOf } from './service-deployment.js';

const SVC = 'arn:aws:ecs:eu-west-1:000000000000:service/prod/web';
const dep = (id: string, over: Partial<Deployment> = {}): Deployment => ({
  id: `ecs-svc/${id}`,
  status: 'ACTIVE',
  taskDefinition: 'td',
  desiredCount: 1,
  pendingCount: 0,
  runningCount: 1,
  failedTasks: 0,
  createdAt: Number(id.slice(-3)),
  updatedAt: Number(id.slice(-3)),
  launchType: 'EC2',
  rolloutState: 'COMPLETED',
  rolloutStateReason: '',
  ...over,
});

test('ARNs as ECS names them, and back', () => {
  const d = serviceDeploymentArn(SVC, 'ecs-svc/1234567890123456789');
  assert.match(d, /^arn:aws:ecs:eu-west-1:000000000000:service-deployment\/prod\/web\/[A-Za-z0-9_-]{11}$/);
  assert.equal(serviceRevisionArn(SVC, 'ecs-svc/1234567890123456789'), 'arn:aws:ecs:eu-west-1:000000000000:service-revision/prod/web/1234567890123456789');
  assert.deepEqual(parseChildArn(serviceRevisionArn(SVC, 'ecs-svc/1'), 'service-revision'), { region: 'eu-west-1', cluster: 'prod', service: 'web', id: '1' });
  assert.equal(parseChildArn(d, 'service-revision'), undefined);
});

test('statuses: in progress, successful, stopped (failed without rollback, or replaced), rolled back', () => {
  const primary = dep('1000000000000000300', { status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
  assert.equal(statusOf(primary, { deployments: [primary] }).status, 'IN_PROGRESS');
  const done = dep('1000000000000000100');
  assert.equal(statusOf(done, { deployments: [primary, done] }).status, 'SUCCESSFUL');
  const failed = dep('1000000000000000200', { rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
  assert.deepEqual(statusOf(failed, { deployments: [failed] }), { status: 'STOPPED', statusReason: failed.rolloutStateReason, finished: true });
  const replaced = dep('1000000000000000250', { rolloutState: 'IN_PROGRESS' });
  assert.equal(statusOf(replaced, { deployments: [primary], pastDeployments: [replaced] }).status, 'STOPPED');
  const back = dep('1000000000000000301', { status: 'PRIMARY', rolloutState: 'IN_PROGRESS', rollbackOf: failed.id });
  assert.equal(statusOf(failed, { deployments: [back, failed] }).status, 'ROLLBACK_IN_PROGRESS');
  assert.equal(statusOf(failed, { deployments: [{ ...back, rolloutState: 'COMPLETED' }], pastDeployments: [failed] }).status, 'ROLLBACK_SUCCESSFUL');
});

test('the history keeps the newest MAX_PAST_DEPLOYMENTS', () => {
  const many = Array.from({ length: MAX_PAST_DEPLOYMENTS + 5 }, (_, i) => dep(`1000000000000000${String(i).padStart(3, '0')}`));
  const kept = archiveDeployments(many.slice(1), [many[0]!]);
  assert.equal(kept.length, MAX_PAST_DEPLOYMENTS);
  assert.ok(kept[0]!.createdAt >= kept[1]!.createdAt);
});
