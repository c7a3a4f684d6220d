import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alarmTrip } from './deployment-alarms.js';

const alarmTripReason = (...args: Parameters<typeof alarmTrip>) => alarmTrip(...args)?.reason;

const primary = { id: 'ecs-svc/1', createdAt: 1000, rolloutState: 'IN_PROGRESS' as const };
const config = { alarmNames: ['web-5xx', 'latency'], enable: true, rollback: true };

describe('deployment alarms', () => {
  test('an alarm named by the service that went into ALARM during the deployment fails it', () => {
    const reason = alarmTripReason(config, primary, new Map([['web-5xx', { state: 'ALARM', transitionedAt: 1500 }]]));
    assert.equal(reason, 'ECS deployment ecs-svc/1 failed: the CloudWatch alarm web-5xx went into ALARM during the deployment.');
  });

  test('not when disabled, not for other alarms, not for one standing in ALARM since before the deployment, not after it completed', () => {
    const alarm = new Map([['web-5xx', { state: 'ALARM' as const, transitionedAt: 1500 }]]);
    assert.equal(alarmTripReason({ ...config, enable: false }, primary, alarm), undefined);
    assert.equal(alarmTripReason({ ...config, alarmNames: ['other'] }, primary, alarm), undefined);
    assert.equal(alarmTripReason(config, primary, new Map([['web-5xx', { state: 'ALARM', transitionedAt: 500 }]])), undefined);
    assert.equal(alarmTripReason(config, { ...primary, rolloutState: 'COMPLETED' }, alarm), undefined);
    assert.equal(alarmTripReason(config, primary, new Map([['web-5xx', { state: 'OK', transitionedAt: 1500 }]])), undefined);
  });

  test('a rollback is never failed by alarms, not even by the one that failed the deployment it undoes', () => {
    // A blue/green rollback makes blue PRIMARY again: its deployment was created before the alarm went into ALARM.
    const alarm = new Map([['web-5xx', { state: 'ALARM' as const, transitionedAt: 1500 }]]);
    assert.notEqual(alarmTripReason(config, primary, alarm), undefined, 'the same alarm fails a deployment that is not a rollback');
    assert.equal(alarmTripReason(config, { ...primary, rollbackOf: 'ecs-svc/2' }, alarm), undefined);
  });
});
