/**
 * BLUE_GREEN, CANARY and LINEAR deployments: the real service controller against the real ECS and
 * ELBv2 handlers and store, with the agent and health checker played through the store
 * (service-world.test-support.ts) and time on a manual clock. Green starts at full size in the
 * alternate target group, the test rule goes to green first, the production rule's weights move by
 * the strategy's steps after each bake, blue drains after the final bake, and the next deployment
 * swaps the groups. A green failing its health checks never gets production traffic and is rolled
 * back; so is one stopped with StopServiceDeployment ROLLBACK, whatever share it had.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, type World } from '../../src/control-plane/controllers/service-world.test-support.js';
import type { Action } from '../../src/domain/elbv2/action.js';
import { serviceDeploymentArn } from '../../src/domain/ecs/service-deployment.js';
import { keys } from '../../src/domain/keys.js';
import { TEST_TRAFFIC_SETTLE_MS } from '../../src/reconciling/traffic-shift.js';

const MIN = 60_000;
const live = <T extends { lastStatus: string }>(ts: T[]) => ts.filter((t) => t.lastStatus !== 'STOPPED');

/** The share of a rule's requests its weights send to `tg`, in percent. */
async function shareOf(w: World, ruleArn: string | undefined, tg: string | undefined): Promise<number> {
  const rule = (await w.elb('DescribeRules', { RuleArns: [ruleArn] })).Rules[0] as { Actions: Action[] };
  const groups = rule.Actions[0]?.ForwardConfig?.TargetGroups ?? [];
  const total = groups.reduce((n, g) => n + g.Weight, 0);
  const mine = groups.find((g) => g.TargetGroupArn === tg)?.Weight ?? 0;
  return total === 0 ? 0 : Math.round((mine / total) * 1000) / 10;
}

async function primaryStage(w: World): Promise<{ stage: string | undefined; production: number | undefined; id: string }> {
  const p = (await w.service()).deployments.find((d) => d.status === 'PRIMARY');
  assert.ok(p);
  return { stage: p.trafficShift?.stage, production: p.trafficShift?.production, id: p.id };
}

/** Runs rounds until `until` holds, moving time by `stepMs` between them. */
async function runUntil(w: World, until: () => Promise<boolean>, stepMs = 5_000, rounds = 60): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await w.run();
    if (await until()) return;
    await w.advance(stepMs);
  }
  throw new Error('the condition was never reached');
}

const completed = (w: World) => async () => {
  const d = (await w.service()).deployments;
  return d.length === 1 && d[0]?.rolloutState === 'COMPLETED';
};

describe('traffic-shifting deployments (world)', () => {
  test('CANARY 20%: green at full size in the alternate group, test first, 20% for the canary bake, 100%, then blue drains; the next one swaps the groups', async () => {
    const w = await createWorld({
      blueGreen: true,
      desiredCount: 2,
      deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 1, canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 2 } },
    });
    try {
      await runUntil(w, completed(w));
      assert.equal(await shareOf(w, w.productionRule, w.tgArn), 100, 'the first deployment serves from the primary group');
      const blueTasks = live(await w.tasks()).map((t) => t.taskArn);

      const td2 = await w.registerTd('app:2');
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: td2 });
      await w.run();
      // Green at full size beside blue, registered in the alternate group only.
      const running = live(await w.tasks());
      assert.equal(running.length, 4, 'two blue and two green tasks');
      const altTargets = (await w.targets()).filter((t) => t.TargetGroupArn === w.altArn && t.state !== 'draining');
      assert.equal(altTargets.length, 2);
      assert.equal(await shareOf(w, w.testRule, w.altArn), 100, 'the test rule goes to green at once');
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 0, 'production waits for the test rule to settle');
      await w.advance(TEST_TRAFFIC_SETTLE_MS);
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 20, 'production: the canary share');
      let s = await primaryStage(w);
      assert.equal(s.stage, 'PRODUCTION_TRAFFIC_SHIFT');

      // DescribeServiceDeployments shows the stage and the split.
      const svc = await w.service();
      const described = await w.ecs('DescribeServiceDeployments', { serviceDeploymentArns: [serviceDeploymentArn(svc.serviceArn, s.id)] });
      const d0 = described.serviceDeployments[0];
      assert.equal(d0.lifecycleStage, 'PRODUCTION_TRAFFIC_SHIFT');
      assert.equal(d0.targetServiceRevision.requestedProductionTrafficWeight, 20);
      assert.equal(d0.targetServiceRevision.requestedTestTrafficWeight, 100);
      assert.equal(d0.sourceServiceRevisions[0].requestedProductionTrafficWeight, 80);

      // Within the canary bake nothing moves; after it, 100%.
      await w.advance(MIN);
      await w.run();
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 20, 'still the canary share within its bake');
      await w.advance(MIN + 1000);
      await w.run();
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 100);
      s = await primaryStage(w);
      assert.equal(s.stage, 'BAKE_TIME');
      assert.equal(live(await w.tasks()).filter((t) => blueTasks.includes(t.taskArn)).length, 2, 'blue stays through the bake');

      await w.advance(MIN + 1000);
      await runUntil(w, completed(w));
      assert.equal(live(await w.tasks()).filter((t) => blueTasks.includes(t.taskArn)).length, 0, 'blue drained and stopped');
      assert.equal((await primaryStage(w)).stage, 'CLEAN_UP');

      // The next deployment swaps: green now registers in the primary group.
      const td3 = await w.registerTd('app:3');
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: td3 });
      await w.run();
      await w.advance(TEST_TRAFFIC_SETTLE_MS);
      assert.equal(await shareOf(w, w.productionRule, w.tgArn), 20, 'the canary share now goes to the primary group');
      assert.equal(await shareOf(w, w.testRule, w.tgArn), 100);
    } finally {
      await w.close();
    }
  });

  test('a new deployment during a canary: RECONCILE_SERVICE, production back to blue, the replaced green drained, then the new one shifts', async () => {
    const w = await createWorld({
      blueGreen: true,
      desiredCount: 1,
      deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 0, canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 10 } },
    });
    try {
      await runUntil(w, completed(w));
      w.clock.advance(1000);
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: await w.registerTd('app:2') });
      await w.run();
      await w.advance(TEST_TRAFFIC_SETTLE_MS);
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 20);
      w.clock.advance(1000);
      const td3 = await w.registerTd('app:3');
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: td3 });
      assert.equal((await primaryStage(w)).stage, 'RECONCILE_SERVICE');
      await w.run();
      await w.advance(TEST_TRAFFIC_SETTLE_MS);
      assert.equal(await shareOf(w, w.productionRule, w.tgArn), 80, 'the new canary share goes to the same (alternate) side as before');
      await w.advance(10 * MIN + 1000);
      await runUntil(w, completed(w));
      assert.deepEqual(
        live(await w.tasks()).map((t) => t.taskDefinitionArn),
        [td3],
      );
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 100);
    } finally {
      await w.close();
    }
  });

  test('LINEAR 25%: four steps, one per step bake', async () => {
    const w = await createWorld({
      blueGreen: true,
      desiredCount: 1,
      deploymentConfiguration: { strategy: 'LINEAR', bakeTimeInMinutes: 0, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 } },
    });
    try {
      await runUntil(w, completed(w));
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: await w.registerTd('app:2') });
      const seen: number[] = [];
      await runUntil(
        w,
        async () => {
          const share = await shareOf(w, w.productionRule, w.altArn);
          if (seen.at(-1) !== share) seen.push(share);
          return (await completed(w)()) && share === 100;
        },
        MIN / 2,
      );
      assert.deepEqual(
        seen.filter((x) => x > 0),
        [25, 50, 75, 100],
      );
    } finally {
      await w.close();
    }
  });

  test('BLUE_GREEN: the test rule serves green before production does', async () => {
    const w = await createWorld({ blueGreen: true, desiredCount: 1, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 } });
    try {
      await runUntil(w, completed(w));
      // Every write of either rule, in commit order: the split each one leaves.
      const shares = { test: 0, production: 0 };
      const order: string[] = [];
      const watch = w.store.watch(keys.rules(), {
        fromRevision: await w.store.revision(),
        onEvents: (events) => {
          for (const e of events) {
            const rule = e.value as { RuleArn: string; Actions: Action[] } | undefined;
            if (!rule) continue;
            const groups = rule.Actions[0]?.ForwardConfig?.TargetGroups ?? [];
            const green = groups.find((g) => g.TargetGroupArn === w.altArn)?.Weight ?? 0;
            const share = green === 0 ? 0 : Math.round((green / groups.reduce((n, g) => n + g.Weight, 0)) * 100);
            if (rule.RuleArn === w.testRule) shares.test = share;
            if (rule.RuleArn === w.productionRule) shares.production = share;
            order.push(`test ${shares.test} production ${shares.production}`);
          }
        },
      });
      w.clock.advance(1000);
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: await w.registerTd('app:2') });
      await runUntil(w, completed(w), 20_000);
      watch.close();
      assert.deepEqual(order, ['test 100 production 0', 'test 100 production 100']);
    } finally {
      await w.close();
    }
  });

  test('a green failing its health checks gets no production traffic, trips the breaker and is rolled back: 100% blue', async () => {
    const w = await createWorld({
      blueGreen: true,
      desiredCount: 2,
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    try {
      await runUntil(w, completed(w));
      const blue = (await w.service()).deployments[0];
      w.setVerdict((t) => (t.TargetGroupArn === w.altArn ? 'unhealthy' : 'healthy'));
      w.clock.advance(1000);
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: await w.registerTd('app:2') });
      await runUntil(
        w,
        async () => {
          assert.equal(await shareOf(w, w.productionRule, w.altArn), 0, 'production never moves to a green that is not healthy');
          return completed(w)();
        },
        5_000,
        120,
      );
      const s = await w.service();
      assert.equal(s.deployments[0]?.id, blue?.id, 'blue is PRIMARY again, no new deployment');
      assert.equal(s.taskDefinition, w.td1);
      assert.equal(await shareOf(w, w.productionRule, w.tgArn), 100);
      assert.equal(await shareOf(w, w.testRule, w.tgArn), 100);
      const list = await w.ecs('ListServiceDeployments', { cluster: 'prod', service: 'web' });
      assert.deepEqual(
        list.serviceDeployments.map((d: { status: string }) => d.status),
        ['ROLLBACK_SUCCESSFUL', 'SUCCESSFUL'],
      );
    } finally {
      await w.close();
    }
  });

  test('StopServiceDeployment ROLLBACK in the canary bake: production back to 100% blue at once, green drained', async () => {
    const w = await createWorld({
      blueGreen: true,
      desiredCount: 1,
      deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 1, canaryConfiguration: { canaryPercent: 50, canaryBakeTimeInMinutes: 10 } },
    });
    try {
      await runUntil(w, completed(w));
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: await w.registerTd('app:2') });
      await w.run();
      await w.advance(TEST_TRAFFIC_SETTLE_MS);
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 50);
      const svc = await w.service();
      const green = (await primaryStage(w)).id;
      await w.ecs('StopServiceDeployment', { serviceDeploymentArn: serviceDeploymentArn(svc.serviceArn, green), stopType: 'ROLLBACK' });
      await w.run();
      assert.equal(await shareOf(w, w.productionRule, w.altArn), 0, 'the reverse shift is at once');
      await runUntil(w, completed(w));
      assert.deepEqual(
        live(await w.tasks()).map((t) => t.taskDefinitionArn),
        [w.td1],
      );
    } finally {
      await w.close();
    }
  });
});
