import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILED_HEALTH_CHECKS, FAILED_TO_START, evaluateBreaker } from './circuit-breaker.js';
import { deployment, task } from './scenario.js';

const d = deployment('ecs-svc/2', 'td', 2);
const noStart = (i: number) => task(`s${i}`, { deployment: 'ecs-svc/2', status: 'STOPPED' }, { stopCode: 'TaskFailedToStart', stoppedAt: 100 + i });
const sick = (i: number) =>
  task(
    `h${i}`,
    { deployment: 'ecs-svc/2', status: 'STOPPED', startedAt: 5 },
    { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed ELB health checks in (target-group x)', stoppedAt: 200 + i },
  );
const crashed = (i: number) =>
  task(`c${i}`, { deployment: 'ecs-svc/2', status: 'STOPPED', startedAt: 5 }, { stopCode: 'EssentialContainerExited', stoppedAt: 300 + i });

test('stage 1 counts tasks that failed to start', () => {
  assert.deepEqual(evaluateBreaker(d, [noStart(0), noStart(1)], 3), { failedTasks: 2, threshold: 3, counted: { through: 101, atMark: [noStart(1).taskArn] } });
  assert.equal(evaluateBreaker(d, [noStart(0), noStart(1), noStart(2)], 3).trippedReason, FAILED_TO_START);
});

test('stage 2 counts health-check failures once a task ran', () => {
  const v = evaluateBreaker(d, [sick(0), sick(1), sick(2)], 3);
  assert.equal(v.failedTasks, 3);
  assert.equal(v.trippedReason, FAILED_HEALTH_CHECKS);
});

test('a task that reached RUNNING and then exited counts as failed (a crash loop)', () => {
  const v = evaluateBreaker(d, [crashed(0), crashed(1), crashed(2)], 3);
  assert.equal(v.failedTasks, 3);
  assert.equal(v.trippedReason, FAILED_HEALTH_CHECKS);
  const scaledIn = task(
    'x',
    { deployment: 'ecs-svc/2', status: 'STOPPED', startedAt: 5 },
    { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/2)' },
  );
  assert.equal(evaluateBreaker(d, [scaledIn], 3).failedTasks, 0, 'a stop the scheduler asked for is no failure');
});

test('each failure is counted once, and counting goes on after the counted tasks are swept', () => {
  const first = evaluateBreaker(d, [crashed(0), crashed(1)], 3);
  const after = { ...d, failedTasks: first.failedTasks, failuresCounted: first.counted! };
  assert.equal(evaluateBreaker(after, [crashed(0), crashed(1)], 3).failedTasks, 2, 'the same tasks again: no change');
  // The sweeper deleted both; a new one fails: 3, not max(2, 1).
  const v = evaluateBreaker(after, [crashed(5)], 3);
  assert.equal(v.failedTasks, 3);
  assert.equal(v.counted!.through, 305);
});

test('two failures in the same millisecond, seen in two passes, are both counted, once', () => {
  const a = crashed(1);
  const b = { ...crashed(9), stoppedAt: a.stoppedAt };
  const first = evaluateBreaker(d, [a], 3);
  const after = { ...d, failedTasks: first.failedTasks, failuresCounted: first.counted! };
  const second = evaluateBreaker(after, [a, b], 3);
  assert.equal(second.failedTasks, 2);
  assert.deepEqual(second.counted, { through: a.stoppedAt, atMark: [a.taskArn, b.taskArn] });
  assert.equal(evaluateBreaker({ ...after, failedTasks: 2, failuresCounted: second.counted! }, [a, b], 3).failedTasks, 2);
});

test("only the deployment's own tasks count", () => {
  const other = task('o', { deployment: 'ecs-svc/1', status: 'STOPPED' }, { stopCode: 'TaskFailedToStart' });
  assert.equal(evaluateBreaker(d, [other], 3).failedTasks, 0);
  assert.equal(evaluateBreaker({ ...d, failedTasks: 2 }, [], 3).failedTasks, 2);
});
