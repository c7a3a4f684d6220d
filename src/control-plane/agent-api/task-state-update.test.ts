import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../../domain/ecs/records.js';
import { applyTaskState } from './task-state-update.js';

const base = (): TaskRecord => ({
  taskArn: 'arn:t',
  clusterArn: 'arn:c',
  taskDefinitionArn: 'arn:td',
  containerInstanceArn: 'arn:ci',
  lastStatus: 'PROVISIONING',
  desiredStatus: 'RUNNING',
  healthStatus: 'UNKNOWN',
  containers: [
    {
      containerArn: 'arn:k',
      taskArn: 'arn:t',
      name: 'web',
      lastStatus: 'PENDING',
      networkBindings: [],
      networkInterfaces: [],
      healthStatus: 'UNKNOWN',
      cpu: '0',
    },
  ],
  group: 'family:web',
  launchType: 'EC2',
  overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] },
  attachments: [],
  createdAt: 0,
  version: 1,
  taskId: 't',
  clusterName: 'c',
  family: 'web',
  containerInstanceId: 'ci',
  ec2InstanceId: 'i-1',
  reservation: { cpu: 0, memory: 0, ports: [], portsUdp: [] },
});

test('a report moves the task forward, sets first timestamps and bumps the version', () => {
  const t = applyTaskState(
    base(),
    {
      cluster: 'c',
      taskArn: 'arn:t',
      lastStatus: 'RUNNING',
      startedAt: 10,
      pullStartedAt: 5,
      containers: [{ name: 'web', lastStatus: 'RUNNING', runtimeId: 'r1' }],
    },
    99,
  )!;
  assert.equal(t.lastStatus, 'RUNNING');
  assert.equal(t.startedAt, 10);
  assert.equal(t.pullStartedAt, 5);
  assert.equal(t.containers[0]!.runtimeId, 'r1');
  assert.equal(t.version, 2);
  const again = applyTaskState(
    t,
    { cluster: 'c', taskArn: 'arn:t', lastStatus: 'RUNNING', startedAt: 50, containers: [{ name: 'web', lastStatus: 'RUNNING', runtimeId: 'r1' }] },
    99,
  );
  assert.equal(again, undefined, 'nothing changed: no write');
});

test('never backwards; STOPPED is final; the first stopCode wins and the desire follows', () => {
  const running = applyTaskState(base(), { cluster: 'c', taskArn: 'arn:t', lastStatus: 'RUNNING', containers: [] }, 1)!;
  assert.equal(applyTaskState(running, { cluster: 'c', taskArn: 'arn:t', lastStatus: 'PENDING', containers: [] }, 2), undefined);
  const stopping = applyTaskState(
    running,
    { cluster: 'c', taskArn: 'arn:t', lastStatus: 'STOPPING', stopCode: 'EssentialContainerExited', stoppedReason: 'x', containers: [] },
    3,
  )!;
  assert.equal(stopping.desiredStatus, 'STOPPED');
  assert.equal(stopping.stoppingAt, 3);
  const stopped = applyTaskState(
    stopping,
    { cluster: 'c', taskArn: 'arn:t', lastStatus: 'STOPPED', stopCode: 'UserInitiated', containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 3 }] },
    4,
  )!;
  assert.equal(stopped.stopCode, 'EssentialContainerExited');
  assert.equal(stopped.stoppedAt, 4);
  assert.equal(stopped.containers[0]!.exitCode, 3);
  assert.equal(applyTaskState(stopped, { cluster: 'c', taskArn: 'arn:t', lastStatus: 'RUNNING', containers: [] }, 5), undefined);
});

test('a task the scheduler marked DEACTIVATING (targets draining) stays wanted through RUNNING reports', () => {
  const running = applyTaskState(base(), { cluster: 'c', taskArn: 'arn:t', lastStatus: 'RUNNING', containers: [] }, 1)!;
  const draining = { ...running, lastStatus: 'DEACTIVATING' as const, stoppingAt: 2 };
  const reported = applyTaskState(draining, { cluster: 'c', taskArn: 'arn:t', lastStatus: 'RUNNING', healthStatus: 'HEALTHY', containers: [] }, 3)!;
  assert.equal(reported.lastStatus, 'DEACTIVATING');
  assert.equal(reported.desiredStatus, 'RUNNING');
  const stopping = applyTaskState({ ...reported, desiredStatus: 'STOPPED' }, { cluster: 'c', taskArn: 'arn:t', lastStatus: 'STOPPING', containers: [] }, 4)!;
  assert.equal(stopping.lastStatus, 'STOPPING');
});
