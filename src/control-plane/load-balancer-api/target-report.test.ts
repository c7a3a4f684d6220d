import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import type { HealthReport } from '../../protocols/load-balancer/index.js';
import { afterDrained, afterHealthReport, type Reporter } from './target-report.js';

const n1: Reporter = { nodeId: 'n1', now: 10, isFresh: () => true };

const rec = (over: Partial<TargetRecord> = {}): TargetRecord => ({
  TargetGroupArn: 'tg',
  Id: 'i-1',
  Port: 1,
  registeredAt: 0,
  state: 'initial',
  reason: 'Elb.RegistrationInProgress',
  ...over,
});

const cases: Array<[string, TargetRecord | undefined, HealthReport, Partial<TargetRecord> | undefined]> = [
  [
    'initial → checking',
    rec(),
    { state: 'initial', reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' },
    { state: 'initial', reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' },
  ],
  ['initial → healthy drops the reason', rec(), { state: 'healthy' }, { state: 'healthy', reason: undefined, description: undefined }],
  [
    'healthy → unhealthy',
    rec({ state: 'healthy', reason: undefined }),
    { state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [500]' },
    { state: 'unhealthy', reason: 'Target.ResponseCodeMismatch' },
  ],
  [
    'same verdict again: no write',
    rec({
      state: 'unhealthy',
      reason: 'Target.Timeout',
      description: 'Request timed out',
      nodeHealth: { n1: { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out', at: 3 } },
    }),
    { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' },
    undefined,
  ],
  [
    'restart: initial never demotes healthy',
    rec({ state: 'healthy', reason: undefined }),
    { state: 'initial', reason: 'Elb.InitialHealthChecking' },
    undefined,
  ],
  ['draining is left alone', rec({ state: 'draining', drainUntil: 5 }), { state: 'healthy' }, undefined],
  ['unused from the checker is not a record state', rec(), { state: 'unused', reason: 'Target.NotRegistered' }, undefined],
  ['record gone', undefined, { state: 'healthy' }, undefined],
];
for (const [name, current, report, expected] of cases) {
  test(`afterHealthReport: ${name}`, () => {
    const next = afterHealthReport(current, report, n1);
    if (expected === undefined) return assert.equal(next, undefined);
    assert.ok(next);
    for (const [k, v] of Object.entries(expected)) assert.equal(next[k as keyof TargetRecord], v, k);
    assert.equal(next.registeredAt, 0);
  });
}

test('afterDrained: once, only while draining', () => {
  const draining = rec({ state: 'draining', drainUntil: 100 });
  assert.equal(afterDrained(draining, 40)?.drainedAt, 40);
  assert.equal(afterDrained({ ...draining, drainedAt: 40 }, 50), undefined);
  assert.equal(afterDrained(rec(), 50), undefined);
  assert.equal(afterDrained(undefined, 50), undefined);
});

test("two nodes: the second one's unhealthy verdict does not demote what the first still sees healthy", () => {
  const first = afterHealthReport(rec(), { state: 'healthy' }, n1);
  assert.equal(first?.state, 'healthy');
  const second = afterHealthReport(first, { state: 'unhealthy', reason: 'Target.Timeout' }, { nodeId: 'n2', now: 11, isFresh: () => true });
  assert.equal(second?.state, 'healthy');
  assert.equal(second?.nodeHealth?.n2?.state, 'unhealthy');
  // Once n1 is gone (not fresh), n2's next verdict is the only one that counts.
  const third = afterHealthReport(second, { state: 'unhealthy', reason: 'Target.FailedHealthChecks' }, { nodeId: 'n2', now: 40, isFresh: () => false });
  assert.equal(third?.state, 'unhealthy');
});

test('a restarted node (initial) withdraws its verdict and demotes nothing', () => {
  const healthyByTwo = afterHealthReport(afterHealthReport(rec(), { state: 'healthy' }, n1), { state: 'healthy' }, { ...n1, nodeId: 'n2' });
  const restarted = afterHealthReport(healthyByTwo, { state: 'initial', reason: 'Elb.InitialHealthChecking' }, n1);
  assert.equal(restarted?.state, 'healthy');
  assert.deepEqual(Object.keys(restarted?.nodeHealth ?? {}), ['n2']);
});
