import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastEvents, renderEvents } from './events.js';
import { rollbackTarget } from './rollback.js';
import { renderServices, serviceRows, targetGroupName } from './services.js';
import { renderTargets, targetRows } from './targets.js';

const TD = (r: number) => `arn:aws:ecs:us-east-1:000000000000:task-definition/web:${r}`;
const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef';

test('serviceRows/renderServices: running/desired, rollout of the PRIMARY, target group names', () => {
  const rows = serviceRows([
    {
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 1,
      pendingCount: 1,
      taskDefinition: TD(4),
      loadBalancers: [{ targetGroupArn: TG }],
      deployments: [
        { status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
        { status: 'ACTIVE', rolloutState: 'COMPLETED' },
      ],
    },
    {
      serviceName: 'api',
      status: 'ACTIVE',
      desiredCount: 0,
      runningCount: 0,
      pendingCount: 0,
      taskDefinition: TD(1),
      deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
    },
  ]);
  assert.deepEqual(
    rows.map((r) => r.name),
    ['api', 'web'],
  );
  assert.deepEqual(rows[1]!.targetGroups, ['web']);
  const text = renderServices(rows);
  assert.match(text, /^NAME  STATUS  TASKS  PENDING  TASK DEFINITION  ROLLOUT\s+TARGET GROUPS\n/);
  assert.match(text, /web   ACTIVE  1\/2    1        web:4            IN_PROGRESS \(2 deployments\)  web\n/);
  assert.equal(targetGroupName(TG), 'web');
});

test('targetRows/renderTargets: sorted by id then port, reason shown', () => {
  const rows = targetRows([
    { Target: { Id: 'i-2', Port: 80 }, TargetHealth: { State: 'healthy' } },
    {
      Target: { Id: 'i-1', Port: 32769 },
      TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [500]' },
    },
    { Target: { Id: 'i-1', Port: 32768 }, TargetHealth: { State: 'initial', Reason: 'Elb.InitialHealthChecking' } },
  ]);
  assert.deepEqual(
    rows.map((r) => `${r.id}:${r.port}`),
    ['i-1:32768', 'i-1:32769', 'i-2:80'],
  );
  assert.equal(
    renderTargets(rows),
    'ID   PORT   STATE      REASON\ni-1  32768  initial    Elb.InitialHealthChecking\ni-1  32769  unhealthy  Target.ResponseCodeMismatch\ni-2  80     healthy    -\n',
  );
});

test('lastEvents: the last N in time order (ECS lists newest first); 0 means all', () => {
  const events = [3, 2, 1].map((i) => ({ id: String(i), createdAt: new Date(i * 1000), message: `m${i}` }));
  assert.deepEqual(
    lastEvents(events, 2).map((e) => e.id),
    ['2', '3'],
  );
  assert.deepEqual(
    lastEvents(events, 0).map((e) => e.id),
    ['1', '2', '3'],
  );
  assert.equal(renderEvents(lastEvents(events, 1)), '1970-01-01T00:00:03.000Z  m3\n');
});

test('rollbackTarget: the deployment being replaced first, else the newest other ACTIVE revision', () => {
  const midRollout = {
    taskDefinition: TD(5),
    deployments: [
      { status: 'PRIMARY', taskDefinition: TD(5), createdAt: new Date(3) },
      { status: 'ACTIVE', taskDefinition: TD(3), createdAt: new Date(1) },
      { status: 'ACTIVE', taskDefinition: TD(4), createdAt: new Date(2) },
    ],
  };
  assert.equal(rollbackTarget(midRollout, []), TD(4));
  const settled = { taskDefinition: TD(5), deployments: [{ status: 'PRIMARY', taskDefinition: TD(5) }] };
  assert.equal(rollbackTarget(settled, [TD(5), TD(3), TD(2)]), TD(3));
  assert.equal(rollbackTarget({ ...settled, taskDefinition: TD(3) }, [TD(5), TD(3)]), TD(5));
  assert.equal(rollbackTarget(settled, [TD(5)]), undefined);
});
