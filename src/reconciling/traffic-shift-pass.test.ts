import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, LoadBalancer, TrafficShift } from '../domain/ecs/records.js';
import type { RuleRecord } from '../domain/elbv2/listener.js';
import { deployment, T0, task, TD1, TD2, TG } from './scenario.js';
import { decideShiftPass, type ShiftPassInput } from './traffic-shift-pass.js';
import { TEST_TRAFFIC_SETTLE_MS, startShift } from './traffic-shift.js';
import { greenShareOf } from './rule-weights.js';
import type { TaskView } from './task-view.js';

/** The value, or the test fails naming what was missing. */
function must<T>(v: T | null | undefined, what: string): T {
  if (v === undefined || v === null) throw new Error(`missing: ${what}`);
  return v;
}

const ALT = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web2/0123456789abcdee';
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/0123456789abcdef/0123456789abcdef';
const PROD = `${LISTENER.replace(':listener/', ':listener-rule/')}/00000000000000a1`;
const lbs: LoadBalancer[] = [
  { targetGroupArn: TG, containerName: 'web', containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: ALT, productionListenerRule: PROD } },
];
const rule = (blue: number, green: number): RuleRecord => ({
  RuleArn: PROD,
  ListenerArn: LISTENER,
  LoadBalancerArn: 'lb',
  Priority: 'default',
  IsDefault: true,
  Conditions: [],
  Actions: [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: TG, Weight: blue },
          { TargetGroupArn: ALT, Weight: green },
        ],
        TargetGroupStickinessConfig: { Enabled: false },
      },
    },
  ],
  createdAt: T0,
});
const view = (id: string, deploymentId: string, healthy = true): TaskView => ({
  task: task(id, { deployment: deploymentId, port: 30000 + id.length }),
  phase: 'running',
  healthy,
  expected: [],
  live: [],
});
const plan = { strategy: 'CANARY' as const, steps: [20, 100], stepBakeMinutes: 1, bakeMinutes: 1 };
const blue = deployment('ecs-svc/1', TD1, 2, { status: 'ACTIVE', rolloutState: 'COMPLETED' });
const green = (shift: TrafficShift): Deployment => deployment('ecs-svc/2', TD2, 2, { targetSide: 'alternate', trafficShift: shift });

function input(primary: Deployment, over: Partial<ShiftPassInput> = {}): ShiftPassInput {
  return {
    loadBalancers: lbs,
    primary,
    deployments: [primary, blue],
    rules: [rule(1, 0)],
    now: T0 + 1000,
    msPerMinute: 60_000,
    green: [],
    old: [view('b1', 'ecs-svc/1'), view('b2', 'ecs-svc/1')],
    failing: [],
    othersAlive: 2,
    canStart: true,
    chooseScaleIn: (c, n) => c.slice(0, n),
    ...over,
  };
}

test('green starts at its full size at once, and blue keeps serving', () => {
  const d = decideShiftPass(input(green(startShift(plan, T0))));
  assert.equal(d.start, 2);
  assert.deepEqual(d.stop, []);
  assert.equal(d.shift?.stage, 'SCALE_UP');
  assert.deepEqual(d.rules, []);
});

test('green ready: the test share first; production moves once that is applied', () => {
  const ready = { green: [view('g1', 'ecs-svc/2'), view('g2', 'ecs-svc/2')] };
  const d = decideShiftPass(input(green({ ...startShift(plan, T0), stage: 'SCALE_UP' }), ready));
  assert.equal(d.shift?.stage, 'TEST_TRAFFIC_SHIFT');
  const applied = decideShiftPass(input(green(must(d.shift, 'the shift')), { ...ready, rules: [rule(1, 0)] }));
  // No test rule in this service: the test share is applied by definition; production moves after the settle.
  assert.equal(applied.shift?.stage, 'POST_TEST_TRAFFIC_SHIFT');
  assert.deepEqual(applied.rules, []);
  assert.equal(applied.wakeAt, T0 + 1000 + TEST_TRAFFIC_SETTLE_MS);
  const next = decideShiftPass({
    ...input(green(must(applied.shift, 'the shift')), { ...ready, rules: [rule(1, 0)] }),
    now: T0 + 1000 + TEST_TRAFFIC_SETTLE_MS,
  });
  assert.equal(next.shift?.stage, 'PRODUCTION_TRAFFIC_SHIFT');
  assert.equal(next.rules.length, 1);
  assert.equal(greenShareOf(must(next.rules[0], 'a rule update').actions, TG, ALT), 20);
  assert.deepEqual(next.stop, [], 'blue is not touched while traffic moves');
});

test('blue is drained only at CLEAN_UP, and only once the rules send it nothing', () => {
  const cleanUp: TrafficShift = { ...startShift(plan, T0), stage: 'CLEAN_UP', production: 100, test: 100 };
  const ready = { green: [view('g1', 'ecs-svc/2'), view('g2', 'ecs-svc/2')] };
  const stale = decideShiftPass(input(green(cleanUp), { ...ready, rules: [rule(800, 200)] }));
  assert.deepEqual(stale.stop, [], 'the rule still weights blue');
  assert.equal(stale.rules.length, 1);
  const settled = decideShiftPass(input(green(cleanUp), { ...ready, rules: [rule(0, 1)] }));
  assert.deepEqual(
    settled.stop.map((s) => [s.view.task.taskId, s.why]),
    [
      ['b1', 'deployment'],
      ['b2', 'deployment'],
    ],
  );
});

test('blue PRIMARY again (a rollback): all traffic back to it, then green drains', () => {
  const promoted = { ...blue, status: 'PRIMARY' as const, rolloutState: 'IN_PROGRESS' as const };
  const failed = green({ ...startShift(plan, T0), stage: 'PRODUCTION_TRAFFIC_SHIFT', production: 20, test: 100 });
  const base = {
    deployments: [promoted, { ...failed, status: 'ACTIVE' as const, rolloutState: 'FAILED' as const }],
    green: [view('b1', 'ecs-svc/1'), view('b2', 'ecs-svc/1')],
  };
  const first = decideShiftPass(input(promoted, { ...base, old: [view('g1', 'ecs-svc/2')], rules: [rule(800, 200)] }));
  assert.equal(first.rules.length, 1);
  assert.equal(greenShareOf(must(first.rules[0], 'a rule update').actions, ALT, TG), 100, 'production all on blue’s side');
  assert.deepEqual(first.stop, []);
  const then = decideShiftPass(input(promoted, { ...base, old: [view('g1', 'ecs-svc/2')], rules: [rule(1, 0)] }));
  assert.deepEqual(
    then.stop.map((s) => s.view.task.taskId),
    ['g1'],
  );
  assert.equal(then.start, 0, 'blue still runs: nothing starts');
});

test('nothing to shift from: straight to 100% green', () => {
  const d = decideShiftPass(input(green(startShift(plan, T0)), { old: [], othersAlive: 0 }));
  assert.equal(d.shift?.stage, 'CLEAN_UP');
  assert.equal(greenShareOf(must(d.rules[0], 'a rule update').actions, TG, ALT), 100);
});
