// Properties of the DAEMON strategy over random observed states: whatever the mix of instances
// (ACTIVE, DRAINING, gone), old/new, pending/running/stopping and young/mature tasks, a plan starts
// at most one task per eligible instance and only where no task of the service is left, and its
// stops never take the instances with a healthy task below ceil(D × min / 100).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TaskRecord } from '../domain/ecs/records.js';
import { lowerLimit } from './deployment-limits.js';
import { reconcileService } from './reconcile-service.js';
import { T0, TD1, TD2, deployment, input, instance, service, task } from './scenario.js';

const NOW = T0 + 600_000;
const taskArb = fc.record({
  old: fc.boolean(),
  status: fc.constantFrom('PENDING' as const, 'RUNNING' as const),
  mature: fc.boolean(),
  stopping: fc.boolean(),
  instance: fc.integer({ min: 1, max: 5 }),
});
const stateArb = fc.record({
  min: fc.constantFrom(0, 25, 50, 75, 100),
  instances: fc.array(fc.constantFrom('ACTIVE' as const, 'DRAINING' as const, 'gone' as const), { minLength: 5, maxLength: 5 }),
  tasks: fc.array(taskArb, { maxLength: 10 }),
});

test('DAEMON: one start per free eligible instance at most; healthy instances never stopped below the floor', () => {
  fc.assert(
    fc.property(stateArb, (s) => {
      const svc = service(
        {
          desired: 0,
          lb: false,
          max: 100,
          min: s.min,
          deployments: [deployment('ecs-svc/2', TD2, 0, { createdAt: 5 }), deployment('ecs-svc/1', TD1, 0, { status: 'ACTIVE' })],
        },
        { schedulingStrategy: 'DAEMON' },
      );
      const tasks: TaskRecord[] = s.tasks.map((t, i) =>
        task(
          `t${i}`,
          {
            deployment: t.old ? 'ecs-svc/1' : 'ecs-svc/2',
            status: t.status,
            instance: t.instance,
            createdAt: NOW - (t.mature ? 120_000 : 1_000),
            taskDefinition: t.old ? TD1 : TD2,
          },
          t.stopping ? { desiredStatus: 'STOPPED' } : {},
        ),
      );
      const instances = s.instances.flatMap((st, i) => (st === 'gone' ? [] : [instance(i + 1, { status: st })]));
      const eligible = instances.filter((i) => i.status === 'ACTIVE').map((i) => i.containerInstanceArn);
      const plan = reconcileService(input(svc, tasks, [], { now: NOW, instances }));

      assert.equal(plan.serviceUpdate?.desiredCount ?? svc.desiredCount, eligible.length);
      const alive = tasks.filter((t) => t.lastStatus !== 'STOPPED' && instances.some((i) => i.containerInstanceArn === t.containerInstanceArn));
      const startedOn = plan.start.map((x) => x.instanceArn!);
      assert.equal(new Set(startedOn).size, startedOn.length, 'one start per instance');
      for (const arn of startedOn) {
        assert.ok(eligible.includes(arn), `started on ${arn}, not eligible`);
        assert.ok(!alive.some((t) => t.containerInstanceArn === arn), `started on ${arn} where a task is still alive`);
        assert.ok(plan.start.every((x) => x.count === 1 && x.deploymentId === 'ecs-svc/2'));
      }
      const stopped = new Set(plan.stop.map((x) => x.taskArn));
      const healthy = (t: TaskRecord) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING' && NOW - t.createdAt >= 40_000;
      const healthyOn = (keep: (t: TaskRecord) => boolean) =>
        new Set(tasks.filter((t) => healthy(t) && keep(t) && eligible.includes(t.containerInstanceArn)).map((t) => t.containerInstanceArn)).size;
      const before = healthyOn(() => true);
      const after = healthyOn((t) => !stopped.has(t.taskArn));
      const lower = lowerLimit(eligible.length, s.min);
      assert.ok(after >= Math.min(before, lower), `healthy instances ${before} -> ${after}, lower ${lower}`);
    }),
    { numRuns: 400 },
  );
});
