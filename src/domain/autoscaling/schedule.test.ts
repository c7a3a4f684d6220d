import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firesBetween, parseSchedule } from './schedule.js';

describe('schedules', () => {
  test('at() fires once, in UTC', () => {
    const s = parseSchedule('at(2026-12-02T18:00:00)');
    const t = Date.UTC(2026, 11, 2, 18);
    assert.equal(firesBetween(s, t - 1000, t, 0), true);
    assert.equal(firesBetween(s, t, t + 60_000, 0), false);
  });

  test('rate() fires every period from its start, not past its end', () => {
    const s = parseSchedule('rate(5 minutes)');
    const from = Date.UTC(2026, 11, 2, 12);
    assert.equal(firesBetween(s, from + 1000, from + 299_000, from), false);
    assert.equal(firesBetween(s, from + 299_000, from + 301_000, from), true);
    assert.equal(firesBetween(s, from + 299_000, from + 301_000, from, from + 200_000), false);
  });

  test('cron() fires at its next time after the last applied one, from StartTime, in its time zone', () => {
    const s = parseSchedule('cron(0 8 * * ? *)', 'Europe/Paris');
    const eight = Date.UTC(2026, 11, 3, 7); // 08:00 in Paris in December
    assert.equal(firesBetween(s, eight - 10_000, eight, 0), true);
    assert.equal(firesBetween(s, eight, eight + 3600_000, 0), false);
    assert.equal(firesBetween(s, eight - 10_000, eight, eight + 1), false, 'not before StartTime');
    assert.equal(firesBetween(parseSchedule('at(2026-12-03T08:00:00)', 'Europe/Paris'), eight - 1, eight, 0), true);
  });

  test('refusals name what is wrong, in ValidationException', () => {
    for (const bad of ['cron(0 18 * * *)', 'rate(1 minutes)', 'rate(0 hours)', 'every day', 'at(2026-13-40T00:00:00)']) {
      assert.throws(() => parseSchedule(bad), { code: 'ValidationException' }, bad);
    }
  });
});
