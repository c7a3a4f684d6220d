import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registered, step, type CheckOutcome, type HealthEvent, type TargetHealthRecord } from './health-state-machine.js';

const t = { healthyThreshold: 3, unhealthyThreshold: 2 };
const ok: CheckOutcome = { ok: true };
const code503: CheckOutcome = { ok: false, kind: 'code', status: 503 };
const timeout: CheckOutcome = { ok: false, kind: 'timeout' };
const refused: CheckOutcome = { ok: false, kind: 'error' };
const check = (outcome: CheckOutcome, now = 1000): HealthEvent => ({ type: 'check', outcome, now });

function run(events: HealthEvent[], from: TargetHealthRecord = registered()) {
  let r = from;
  const transitions: string[] = [];
  for (const e of events) {
    const s = step(r, e, t);
    r = s.record;
    if (s.transition) transitions.push(`${s.transition.to.state}${s.transition.to.reason ? '/' + s.transition.to.reason : ''}`);
  }
  return { record: r, transitions };
}

const table: Array<[string, HealthEvent[], string, string[]]> = [
  ['registered is initial + RegistrationInProgress', [], 'initial', []],
  ['checks start → InitialHealthChecking', [{ type: 'checks-started' }], 'initial', ['initial/Elb.InitialHealthChecking']],
  ['a new target is healthy after one pass', [{ type: 'checks-started' }, check(ok)], 'healthy', ['initial/Elb.InitialHealthChecking', 'healthy']],
  ['a new target needs the unhealthy threshold to fail', [check(code503)], 'initial', []],
  ['new target failing twice → unhealthy with codes', [check(code503), check(code503)], 'unhealthy', ['unhealthy/Target.ResponseCodeMismatch']],
  ['healthy → one failure stays healthy', [check(ok), check(timeout)], 'healthy', ['healthy']],
  ['healthy → two timeouts → Target.Timeout', [check(ok), check(timeout), check(timeout)], 'unhealthy', ['healthy', 'unhealthy/Target.Timeout']],
  ['a pass resets the failure count', [check(ok), check(timeout), check(ok), check(timeout)], 'healthy', ['healthy']],
  [
    'recovery needs the healthy threshold',
    [check(ok), check(refused), check(refused), check(ok), check(ok)],
    'unhealthy',
    ['healthy', 'unhealthy/Target.FailedHealthChecks'],
  ],
  [
    'recovery after three passes',
    [check(ok), check(refused), check(refused), check(ok), check(ok), check(ok)],
    'healthy',
    ['healthy', 'unhealthy/Target.FailedHealthChecks', 'healthy'],
  ],
  [
    'unhealthy with a new reason transitions',
    [check(refused), check(refused), check(timeout)],
    'unhealthy',
    ['unhealthy/Target.FailedHealthChecks', 'unhealthy/Target.Timeout'],
  ],
  [
    'passive failures count at once',
    [check(ok), { type: 'passive-failure', now: 1 }, { type: 'passive-failure', now: 2 }],
    'unhealthy',
    ['healthy', 'unhealthy/Target.FailedHealthChecks'],
  ],
  ['deregistered → draining', [check(ok), { type: 'deregistered' }], 'draining', ['healthy', 'draining/Target.DeregistrationInProgress']],
  ['draining ignores checks', [{ type: 'deregistered' }, check(ok), check(ok)], 'draining', ['draining/Target.DeregistrationInProgress']],
  [
    'drained → unused NotRegistered',
    [{ type: 'deregistered' }, { type: 'drained' }],
    'unused',
    ['draining/Target.DeregistrationInProgress', 'unused/Target.NotRegistered'],
  ],
  ['checks disabled → unavailable', [{ type: 'checks-disabled' }, check(code503), check(code503)], 'unavailable', ['unavailable/Target.HealthCheckDisabled']],
  [
    'checks re-enabled → initial',
    [{ type: 'checks-disabled' }, { type: 'checks-enabled' }],
    'initial',
    ['unavailable/Target.HealthCheckDisabled', 'initial/Elb.InitialHealthChecking'],
  ],
];
for (const [name, events, state, transitions] of table) {
  test(`health: ${name}`, () => {
    const r = run(events);
    assert.equal(r.record.state, state);
    assert.deepEqual(r.transitions, transitions);
  });
}

test('descriptions match ALB text', () => {
  const a = run([check(code503), check(code503)]).record;
  assert.equal(a.description, 'Health checks failed with these codes: [503]');
  assert.equal(run([check(timeout), check(timeout)]).record.description, 'Request timed out');
  assert.equal(run([check(refused), check(refused)]).record.description, 'Health checks failed');
  assert.equal(registered().description, 'Target registration is in progress');
});

test('healthySince is when it became healthy', () => {
  assert.equal(run([check(ok, 5000), check(ok, 6000)]).record.healthySince, 5000);
});

test('no transition when nothing visible changed', () => {
  const s = step(registered(), check(code503), t);
  assert.equal(s.transition, undefined);
  assert.equal(s.record.consecutiveFail, 1);
});
