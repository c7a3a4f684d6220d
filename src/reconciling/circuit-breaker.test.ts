import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILED_HEALTH_CHECKS, FAILED_TO_START, evaluateBreaker } from './circuit-breaker.js';
import { deployment, task } from './scenario.js';

const d = deployment('ecs-svc/2', 'td', 2);
const noStart = (i: number) => task(`s${i}`, { deployment: 'ecs-svc/2', status: 'STOPPED' }, { stopCode: 'TaskFailedToStart' });
const sick = (i: number) =>
  task(`h${i}`, { deployment: 'ecs-svc/2', status: 'STOPPED', startedAt: 5 }, { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed ELB health checks in (target-group x)' });

test('stage 1 counts tasks that failed to start', () => {
  assert.deepEqual(evaluateBreaker(d, [noStart(0), noStart(1)], 3), { failedTasks: 2, threshold: 3 });
  assert.equal(evaluateBreaker(d, [noStart(0), noStart(1), noStart(2)], 3).trippedReason, FAILED_TO_START);
});

test('stage 2 counts health-check failures once a task ran', () => {
  const v = evaluateBreaker(d, [sick(0), sick(1), sick(2)], 3);
  assert.equal(v.failedTasks, 3);
  assert.equal(v.trippedReason, FAILED_HEALTH_CHECKS);
});

test('only the deployment\'s own tasks count, and failedTasks never goes down', () => {
  const other = task('o', { deployment: 'ecs-svc/1', status: 'STOPPED' }, { stopCode: 'TaskFailedToStart' });
  assert.equal(evaluateBreaker(d, [other], 3).failedTasks, 0);
  assert.equal(evaluateBreaker({ ...d, failedTasks: 2 }, [], 3).failedTasks, 2);
});
