import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTimeZone, nextCronFire, parseCron, wallClock, zonedInstant } from './cron.js';

const next = (expr: string, after: string, tz = 'UTC') => {
  const t = nextCronFire(parseCron(expr), Date.parse(after), tz);
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe('cron schedules', () => {
  test('minutes, hours, lists, ranges and steps, strictly after the moment', () => {
    assert.equal(next('0 18 * * ? *', '2026-12-03T08:00:00Z'), '2026-12-03T18:00:00.000Z');
    assert.equal(next('0 18 * * ? *', '2026-12-03T18:00:00Z'), '2026-12-04T18:00:00.000Z');
    assert.equal(next('*/15 * * * ? *', '2026-12-03T08:07:10Z'), '2026-12-03T08:15:00.000Z');
    assert.equal(next('5,35 9-17/4 * * ? *', '2026-12-03T13:36:00Z'), '2026-12-03T17:05:00.000Z');
    assert.equal(next('0 0 1 JAN-MAR ? *', '2026-12-03T00:00:00Z'), '2027-01-01T00:00:00.000Z');
    assert.equal(next('0 12 ? * MON-FRI *', '2026-12-04T13:00:00Z'), '2026-12-07T12:00:00.000Z'); // Friday → Monday
  });

  test('L, L-n, W, LW in day-of-month', () => {
    assert.equal(next('0 0 L * ? *', '2027-02-01T00:00:00Z'), '2027-02-28T00:00:00.000Z');
    assert.equal(next('0 0 L-2 * ? *', '2028-02-01T00:00:00Z'), '2028-02-27T00:00:00.000Z'); // leap year: 29 - 2
    // 2026-11-01 is a Sunday: 1W is Monday the 2nd; 2027-05-15 is a Saturday: 15W is Friday the 14th.
    assert.equal(next('0 0 1W * ? *', '2026-10-31T00:00:00Z'), '2026-11-02T00:00:00.000Z');
    assert.equal(next('0 0 15W 5 ? *', '2027-01-01T00:00:00Z'), '2027-05-14T00:00:00.000Z');
    // 2027-01-31 is a Sunday: the last weekday is Friday the 29th.
    assert.equal(next('0 0 LW * ? *', '2027-01-01T00:00:00Z'), '2027-01-29T00:00:00.000Z');
  });

  test('L and # in day-of-week', () => {
    assert.equal(next('0 0 ? * 6L *', '2026-12-01T00:00:00Z'), '2026-12-25T00:00:00.000Z'); // last Friday of December 2026
    assert.equal(next('0 0 ? * MON#2 *', '2026-12-01T00:00:00Z'), '2026-12-14T00:00:00.000Z');
    assert.equal(next('0 0 ? * L *', '2026-12-03T00:00:00Z'), '2026-12-05T00:00:00.000Z'); // L alone: Saturday
  });

  test('the Year field bounds the schedule', () => {
    assert.equal(next('0 0 1 1 ? 2027', '2026-06-01T00:00:00Z'), '2027-01-01T00:00:00.000Z');
    assert.equal(next('0 0 1 1 ? 2027', '2027-01-01T00:00:00Z'), undefined);
  });

  test('in a time zone, across daylight-saving changes', () => {
    // 08:00 in Paris is 07:00 UTC in winter and 06:00 UTC in summer.
    assert.equal(next('0 8 * * ? *', '2026-12-03T00:00:00Z', 'Europe/Paris'), '2026-12-03T07:00:00.000Z');
    assert.equal(next('0 8 * * ? *', '2026-07-03T00:00:00Z', 'Europe/Paris'), '2026-07-03T06:00:00.000Z');
    // 2026-03-29 02:30 does not exist in Paris; it fires at 03:30 local (01:30 UTC).
    assert.equal(next('30 2 * * ? *', '2026-03-29T00:00:00Z', 'Europe/Paris'), '2026-03-29T01:30:00.000Z');
    // 2026-10-25 02:30 happens twice in Paris: it fires once, at the first (00:30 UTC).
    assert.equal(next('30 2 * * ? *', '2026-10-25T00:00:00Z', 'Europe/Paris'), '2026-10-25T00:30:00.000Z');
    assert.equal(next('30 2 * * ? *', '2026-10-25T00:30:00Z', 'Europe/Paris'), '2026-10-26T01:30:00.000Z');
    const wall = Date.UTC(2026, 11, 3, 9, 0);
    assert.equal(wallClock(zonedInstant(wall, 'America/New_York'), 'America/New_York'), wall);
  });

  test('refusals name the field, in ValidationException', () => {
    const cases: [string, RegExp][] = [
      ['0 18 * * *', /six fields/],
      ['0 18 * * * *', /one of Day-of-month and Day-of-week must be \?/],
      ['0 18 ? * ? *', /one of Day-of-month and Day-of-week/],
      ['60 18 * * ? *', /Minutes 60/],
      ['0 24 * * ? *', /Hours 24/],
      ['0 0 32 * ? *', /Day-of-month 32/],
      ['0 0 * 13 ? *', /Month 13/],
      ['0 0 ? * 8 *', /Day-of-week 8/],
      ['0 0 ? * MON#6 *', /k from 1 to 5/],
      ['0 0 1,L * ? *', /L and W stand alone/],
      ['0 0 * * ? 1969', /Year 1969/],
      ['0 L * * ? *', /day fields only/],
      ['0 5-1 * * ? *', /ends before it starts/],
    ];
    for (const [expr, message] of cases) assert.throws(() => parseCron(expr), { code: 'ValidationException', message }, expr);
    assert.throws(() => checkTimeZone('Mars/Olympus'), { code: 'ValidationException', message: /Timezone Mars\/Olympus/ });
    checkTimeZone('Asia/Tokyo');
  });
});
