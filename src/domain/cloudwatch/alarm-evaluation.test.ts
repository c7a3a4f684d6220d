import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alarmConfig, type AlarmConfig } from './alarm.js';
import { evaluateAlarm, evaluationWindow } from './alarm-evaluation.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const min = (n: number) => T0 + n * 60_000;

const config = (over: Partial<Parameters<typeof alarmConfig>[0]> = {}): AlarmConfig =>
  alarmConfig({
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'HTTPCode_Target_5XX_Count',
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ...over,
  });

describe('alarm evaluation', () => {
  test('the window is the last complete periods before now', () => {
    assert.deepEqual(evaluationWindow(config(), min(10) + 5000), { start: min(7), end: min(10) });
  });

  test('ALARM when DatapointsToAlarm of the window breach, in CloudWatch words; OK otherwise', () => {
    const c = config({ DatapointsToAlarm: 2 });
    const now = min(10) + 1000;
    const v = evaluateAlarm(
      c,
      'OK',
      [
        { t: min(7), value: 0 },
        { t: min(8), value: 4 },
        { t: min(9), value: 2 },
      ],
      now,
    );
    assert.equal(v.state, 'ALARM');
    assert.match(
      v.reason,
      /^Threshold Crossed: 2 out of the last 3 datapoints \[2\.0 \(02\/12\/26 12:09:00\), 4\.0 .*\] were greater than or equal to the threshold \(1\.0\)/,
    );
    assert.equal(JSON.parse(v.reasonData).recentDatapoints.length, 3);
    assert.equal(
      evaluateAlarm(
        c,
        'ALARM',
        [
          { t: min(7), value: 0 },
          { t: min(8), value: 0 },
          { t: min(9), value: 2 },
        ],
        now,
      ).state,
      'OK',
    );
  });

  test('a breach outside the window does not count', () => {
    assert.equal(
      evaluateAlarm(
        config({ EvaluationPeriods: 1 }),
        'OK',
        [
          { t: min(5), value: 100 },
          { t: min(9), value: 0 },
        ],
        min(10),
      ).state,
      'OK',
    );
  });

  test('missing data: INSUFFICIENT_DATA (missing), OK (notBreaching), ALARM (breaching), unchanged (ignore)', () => {
    const now = min(10);
    assert.equal(evaluateAlarm(config(), 'OK', [], now).state, 'INSUFFICIENT_DATA');
    assert.equal(evaluateAlarm(config({ TreatMissingData: 'notBreaching' }), 'ALARM', [], now).state, 'OK');
    assert.equal(evaluateAlarm(config({ TreatMissingData: 'breaching' }), 'OK', [], now).state, 'ALARM');
    assert.equal(evaluateAlarm(config({ TreatMissingData: 'ignore' }), 'ALARM', [], now).state, 'ALARM');
    // Two missing periods treated as breaching, plus one breach, reach three.
    assert.equal(evaluateAlarm(config({ TreatMissingData: 'breaching' }), 'OK', [{ t: min(9), value: 5 }], now).state, 'ALARM');
    assert.equal(evaluateAlarm(config({ TreatMissingData: 'notBreaching' }), 'OK', [{ t: min(9), value: 5 }], now).state, 'OK');
  });

  test('a running period that has crossed for good counts at once; one that could still come back waits', () => {
    const now = min(10) + 20_000;
    const running = [{ t: min(10), value: 3 }];
    assert.equal(evaluateAlarm(config({ EvaluationPeriods: 1 }), 'OK', running, now).state, 'ALARM');
    // An Average can still fall under the threshold before the minute ends, so it is not counted yet.
    assert.equal(evaluateAlarm(config({ EvaluationPeriods: 1, Statistic: 'Average' }), 'OK', running, now).state, 'INSUFFICIENT_DATA');
    // A custom metric's Sum may go down (negative values): it waits too.
    assert.equal(evaluateAlarm(config({ EvaluationPeriods: 1, Namespace: 'Shop' }), 'OK', running, now).state, 'INSUFFICIENT_DATA');
  });

  test('PutMetricAlarm checks, in CloudWatch codes', () => {
    assert.throws(() => config({ Period: 30 }), { code: 'InvalidParameterValue' });
    assert.throws(() => config({ DatapointsToAlarm: 4 }), { code: 'InvalidParameterValue' });
    assert.throws(() => config({ Threshold: undefined }), { code: 'MissingParameter', message: 'The parameter Threshold is required.' });
    assert.throws(() => config({ ComparisonOperator: 'LessThanLowerThreshold' }), { code: 'InvalidParameterValue', message: /anomaly detection band/ });
    assert.throws(() => config({ TreatMissingData: 'sometimes' }), { code: 'InvalidParameterValue', message: /TreatMissingData/ });
    assert.throws(() => config({ Statistic: undefined, ExtendedStatistic: 'p99' }), { code: 'InvalidParameterValue', message: /percentiles/ });
  });
});
