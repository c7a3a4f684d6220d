import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoMs } from './access-log.js';

test('isoMs formats as toISOString does, across second boundaries and fractional clocks', () => {
  const start = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
  for (let ms = start; ms < start + 2_100; ms += 7.25) assert.equal(isoMs(ms), new Date(Math.floor(ms)).toISOString(), `at ${ms}`);
  assert.equal(isoMs(0), '1970-01-01T00:00:00.000Z');
});
