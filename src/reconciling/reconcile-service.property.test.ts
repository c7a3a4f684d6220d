// Properties over random observed states: whatever the mix of old/new, pending/running, healthy or not,
// a plan never stops below the healthy floor, never starts past the ceiling, and starts only PRIMARY tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TaskRecord } from '../domain/ecs/records.js';
import type { TargetRecord } from '../domain/elbv2/target.js';
import { lowerLimit, upperLimit } from './deployment-limits.js';
import { reconcileService } from './reconcile-service.js';
import { TD1, TD2, deployment, input, instance, service, target, task } from './scenario.js';
import { indexTargets, viewTask } from './task-view.js';

const taskArb = fc.record({
  old: fc.boolean(),
  status: fc.constantFrom('PENDING' as const, 'RUNNING' as const),
  targetState: fc.constantFrom('healthy' as const, 'initial' as const, 'unhealthy' as const, 'none' as const),
  instance: fc.constantFrom(1, 2),
});

const stateArb = fc.record({
  desired: fc.integer({ min: 0, max: 8 }),
  min: fc.constantFrom(0, 25, 50, 75, 100),
  max: fc.constantFrom(100, 125, 150, 200),
  grace: fc.constantFrom(0, 3600),
  drainingInstance2: fc.boolean(),
  tasks: fc.array(taskArb, { maxLength: 14 }),
});

test('planned stops keep healthy >= lower, starts keep total <= upper, only PRIMARY starts', () => {
  fc.assert(
    fc.property(stateArb, (s) => {
      const svc = service({
        desired: s.desired,
        min: s.min,
        max: s.max,
        grace: s.grace,
        deployments: [deployment('ecs-svc/2', TD2, s.desired, { createdAt: 5 }), deployment('ecs-svc/1', TD1, s.desired, { status: 'ACTIVE' })],
      });
      const tasks: TaskRecord[] = [];
      const targets: TargetRecord[] = [];
      s.tasks.forEach((t, i) => {
        const rec = task(`t${i}`, {
          deployment: t.old ? 'ecs-svc/1' : 'ecs-svc/2',
          status: t.status,
          port: t.status === 'RUNNING' ? 30000 + i : undefined,
          instance: t.instance,
          createdAt: 1_700_000_000_000 + i,
        });
        tasks.push(rec);
        if (t.status === 'RUNNING' && t.targetState !== 'none') targets.push(target(rec, t.targetState));
      });
      const inp = input(svc, tasks, targets, { instances: [instance(1), instance(2, { status: s.drainingInstance2 ? 'DRAINING' : 'ACTIVE' })] });
      const plan = reconcileService(inp);

      const ctx = { service: svc, targets: indexTargets(targets), taskDefinitions: inp.taskDefinitions, now: inp.now, healthyAfterRunningMs: 40_000 };
      const views = tasks.map((t) => viewTask(t, ctx));
      const healthy = new Set(views.filter((v) => v.healthy).map((v) => v.task.taskArn));
      const stopped = new Set(plan.stop.map((x) => x.taskArn));
      assert.equal(stopped.size, plan.stop.length, 'no task is stopped twice');
      const lower = lowerLimit(s.desired, s.min);
      const upper = upperLimit(s.desired, s.max);
      const healthyAfter = [...healthy].filter((a) => !stopped.has(a)).length;
      assert.ok(healthyAfter >= Math.min(lower, healthy.size), `healthy ${healthy.size} -> ${healthyAfter}, lower ${lower}`);
      const started = plan.start.reduce((n, x) => n + x.count, 0);
      const totalAfter = tasks.length - stopped.size + started;
      if (started > 0) assert.ok(totalAfter <= upper, `total after ${totalAfter} > upper ${upper}`);
      for (const x of plan.start) {
        assert.equal(x.deploymentId, 'ecs-svc/2');
        assert.equal(x.startedBy, 'ecs-svc/2');
        assert.equal(x.taskIds.length, x.count);
      }
      // Tasks on a DRAINING instance and tasks failing health checks are being replaced: not kept.
      const failing = new Set(views.filter((v) => v.failing).map((v) => v.task.taskArn));
      const primaryKept = tasks.filter(
        (t) => t.startedBy === 'ecs-svc/2' && !stopped.has(t.taskArn) && !failing.has(t.taskArn) && !(s.drainingInstance2 && t.ec2InstanceId === 'i-2'),
      ).length;
      assert.ok(primaryKept + started <= Math.max(s.desired, primaryKept), 'never more PRIMARY tasks than desired because of starts');
      for (const x of plan.stop) {
        const t = tasks.find((k) => k.taskArn === x.taskArn)!;
        const port = t.containers[0]!.networkBindings[0]?.hostPort;
        const hasTarget = targets.some((g) => g.Id === t.ec2InstanceId && g.Port === port);
        assert.equal(x.deregisterFirst, hasTarget, 'a task with a target is deregistered before it stops');
      }
    }),
    { numRuns: 400, seed: 42 },
  );
});
