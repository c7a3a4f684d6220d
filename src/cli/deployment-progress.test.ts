import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service, Task } from '@aws-sdk/client-ecs';
import { deploymentOutcome, deploymentProgress, progressLines, renderProgress, stopWaitNote, trafficLine } from './deployment-progress.js';

const CI = 'ci-1';
const TD = (r: number) => `arn:aws:ecs:us-east-1:000000000000:task-definition/web:${r}`;
const task = (deployment: string, port: number, extra: Partial<Task> = {}): Task => ({
  startedBy: deployment,
  containerInstanceArn: CI,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  containers: [{ name: 'web', networkBindings: [{ containerPort: 80, hostPort: port }] }],
  ...extra,
});

const rolling: Service = {
  taskDefinition: TD(2),
  deployments: [
    { id: 'ecs-svc/new', status: 'PRIMARY', taskDefinition: TD(2), desiredCount: 2, runningCount: 2, pendingCount: 0, rolloutState: 'IN_PROGRESS' },
    { id: 'ecs-svc/old', status: 'ACTIVE', taskDefinition: TD(1), desiredCount: 0, runningCount: 1, pendingCount: 0, rolloutState: 'COMPLETED' },
  ],
};

test('deploymentProgress counts healthy from target health and draining from draining targets', () => {
  const tasks = [task('ecs-svc/new', 1), task('ecs-svc/new', 2), task('ecs-svc/old', 3)];
  const targets = new Map([
    ['i-1:1', { state: 'healthy' }],
    ['i-1:2', { state: 'initial' }],
    ['i-1:3', { state: 'draining' }],
  ]);
  const rows = deploymentProgress(rolling, tasks, new Map([[CI, 'i-1']]), targets);
  assert.deepEqual(
    rows.map((r) => [r.id, r.desired, r.running, r.healthy, r.draining]),
    [
      ['ecs-svc/new', 2, 2, 1, 0],
      ['ecs-svc/old', 0, 1, 0, 1],
    ],
  );
  assert.match(
    renderProgress(rows),
    /^DEPLOYMENT   STATUS   TASK DEFINITION  DESIRED  RUNNING  HEALTHY  DRAINING  ROLLOUT\necs-svc\/new  PRIMARY  web:2            2        2        1        0         IN_PROGRESS\n/,
  );
  assert.equal(progressLines(rows)[1], 'ecs-svc/old ACTIVE web:1 desired=0 running=1 healthy=0 draining=1 COMPLETED');
});

test('without target groups a RUNNING task counts as healthy, a stopping one as draining', () => {
  const rows = deploymentProgress(rolling, [task('ecs-svc/new', 1), task('ecs-svc/old', 3, { desiredStatus: 'STOPPED' })], new Map(), new Map());
  assert.deepEqual(
    rows.map((r) => [r.healthy, r.draining]),
    [
      [1, 0],
      [0, 1],
    ],
  );
});

const svc = (deployments: Service['deployments']): Service => ({ deployments });
const outcomes: [string, Service, string][] = [
  ['in progress', svc([{ id: 'a', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }]), 'in-progress'],
  ['completed', svc([{ id: 'a', status: 'PRIMARY', rolloutState: 'COMPLETED' }]), 'completed'],
  ['failed without rollback', svc([{ id: 'a', status: 'PRIMARY', rolloutState: 'FAILED' }]), 'failed'],
  [
    'rolled back',
    svc([
      { id: 'b', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment detected failure. Rolling back to b.' },
      { id: 'a', status: 'ACTIVE', rolloutState: 'FAILED' },
    ]),
    'rolled-back',
  ],
  [
    'replaced by someone else',
    svc([
      { id: 'b', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
      { id: 'a', status: 'ACTIVE', rolloutState: 'IN_PROGRESS' },
    ]),
    'superseded',
  ],
];
for (const [name, service, expected] of outcomes) {
  test(`deploymentOutcome: ${name}`, () => assert.equal(deploymentOutcome(service, 'a'), expected));
}

test('a stop that outlasts a few seconds is explained; a quick one is not', () => {
  const now = new Date('2026-12-02T07:00:20Z');
  const stopping = (at: string): Task => task('ecs-svc/old', 1, { desiredStatus: 'STOPPED', lastStatus: 'STOPPING', stoppingAt: new Date(at) });
  assert.equal(stopWaitNote([stopping('2026-12-02T07:00:19Z')], now), undefined);
  assert.equal(stopWaitNote([task('ecs-svc/new', 2)], now), undefined);
  assert.equal(
    stopWaitNote([stopping('2026-12-02T07:00:08Z'), stopping('2026-12-02T07:00:15Z')], now),
    'waiting for 2 stopping tasks (12 s since SIGTERM): a container that ignores SIGTERM is killed after its stopTimeout (default 30 s)',
  );
  assert.equal(stopWaitNote([{ ...stopping('2026-12-02T07:00:00Z'), lastStatus: 'STOPPED' }], now), undefined);
});

test('a traffic-shifting deployment shows its stage and the live split; a rolling one shows none', () => {
  assert.equal(
    trafficLine({
      lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
      targetServiceRevision: { requestedProductionTrafficWeight: 20, requestedTestTrafficWeight: 100 },
    }),
    'stage PRODUCTION_TRAFFIC_SHIFT  production: new 20% / old 80%  test: new 100%',
  );
  assert.equal(trafficLine({ status: 'IN_PROGRESS', targetServiceRevision: {} }), undefined);
  assert.equal(trafficLine(undefined), undefined);
});
