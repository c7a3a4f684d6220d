import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_WATCH_WITH_ALARMS_MS, linearSteps, trafficPlanOf, validateStrategyFields, validateStrategyFit } from './deployment-strategy.js';
import { sideForNewDeployment } from './target-side.js';

const config = { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 };

test('linear steps add up in tenths and end at 100', () => {
  assert.deepEqual(linearSteps(25), [25, 50, 75, 100]);
  assert.deepEqual(linearSteps(30), [30, 60, 90, 100]);
  assert.deepEqual(linearSteps(33.3), [33.3, 66.6, 99.9, 100]);
  assert.deepEqual(linearSteps(100), [100]);
});

test("traffic plans with ECS's defaults", () => {
  assert.deepEqual(trafficPlanOf({ ...config, bakeTimeInMinutes: 3 }, 'BLUE_GREEN'), {
    strategy: 'BLUE_GREEN',
    steps: [100],
    stepBakeMinutes: 0,
    bakeMinutes: 3,
  });
  assert.deepEqual(trafficPlanOf(config, 'CANARY'), { strategy: 'CANARY', steps: [5, 100], stepBakeMinutes: 10, bakeMinutes: 15 });
  assert.deepEqual(trafficPlanOf(config, 'LINEAR').steps.length, 10);
  assert.equal(trafficPlanOf(config, 'LINEAR').stepBakeMinutes, 6);
  assert.deepEqual(trafficPlanOf({ ...config, canaryConfiguration: { canaryPercent: 100 } }, 'CANARY').steps, [100]);
});

test('with deployment alarms, the plan watches green on test traffic alone before production moves', () => {
  const alarms = { alarmNames: ['web-5xx'], enable: true, rollback: true };
  assert.equal(trafficPlanOf({ ...config, alarms }, 'CANARY').testWatchMs, TEST_WATCH_WITH_ALARMS_MS);
  assert.equal(trafficPlanOf({ ...config, alarms: { ...alarms, enable: false } }, 'LINEAR').testWatchMs, undefined);
  assert.equal(trafficPlanOf(config, 'BLUE_GREEN').testWatchMs, undefined);
});

test('an update is checked against the configuration it merges into', () => {
  // BLUE_GREEN's bake may come from the service as it is.
  validateStrategyFields({ strategy: 'BLUE_GREEN' }, { bakeTimeInMinutes: 5 });
  assert.throws(() => validateStrategyFields({ canaryConfiguration: { canaryPercent: 10 } }, { strategy: 'LINEAR' }), /only valid with the CANARY/);
  validateStrategyFields({ canaryConfiguration: { canaryPercent: 10 } }, { strategy: 'CANARY' });
});

test('fit: a traffic-shifting strategy needs advancedConfiguration on every load balancer', () => {
  const plain = { targetGroupArn: 'tg', containerName: 'c', containerPort: 80 };
  const advanced = { ...plain, advancedConfiguration: { alternateTargetGroupArn: 'tg2', productionListenerRule: 'r' } };
  validateStrategyFit('CANARY', [advanced], 'REPLICA');
  validateStrategyFit('ROLLING', [plain], 'REPLICA');
  assert.throws(() => validateStrategyFit('CANARY', [advanced, plain], 'REPLICA'), /needs loadBalancers with an advancedConfiguration/);
  assert.throws(() => validateStrategyFit('ROLLING', [advanced], 'REPLICA'), /only valid with the BLUE_GREEN, CANARY or LINEAR/);
});

test('sides swap with every traffic-shifting deployment; a replaced half-shifted one keeps its side', () => {
  assert.equal(sideForNewDeployment(undefined, true), 'alternate');
  assert.equal(sideForNewDeployment({ targetSide: 'alternate' }, true), 'primary');
  assert.equal(sideForNewDeployment({ targetSide: 'alternate' }, false), 'alternate');
  const halfway = {
    plan: { strategy: 'CANARY' as const, steps: [20, 100], stepBakeMinutes: 1, bakeMinutes: 1 },
    stage: 'PRODUCTION_TRAFFIC_SHIFT' as const,
    since: 0,
    production: 20,
    test: 100,
  };
  assert.equal(sideForNewDeployment({ targetSide: 'alternate', trafficShift: halfway }, true), 'alternate');
  assert.equal(sideForNewDeployment({ targetSide: 'alternate', trafficShift: { ...halfway, production: 100 } }, true), 'primary');
});
