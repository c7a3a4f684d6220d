import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../aws-error.js';
import { acceptBatch, checkRetention, isExpired } from './log-events.js';

const now = 1_700_000_000_000;
const DAY = 86_400_000;

test('a batch out of order, over 24 hours or over 1 MiB is refused whole', () => {
  const code = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException');
  code(() =>
    acceptBatch(
      [
        { timestamp: now, message: 'b' },
        { timestamp: now - 1, message: 'a' },
      ],
      now,
      undefined,
    ),
  );
  code(() =>
    acceptBatch(
      [
        { timestamp: now - DAY - 1, message: 'a' },
        { timestamp: now, message: 'b' },
      ],
      now,
      undefined,
    ),
  );
  code(() => acceptBatch([{ timestamp: now, message: 'x'.repeat(1_048_576) }], now, undefined));
});

test('too new, too old and expired events are rejected by index, the rest kept', () => {
  const r = acceptBatch(
    [
      { timestamp: now, message: 'ok' },
      { timestamp: now + 3 * 3_600_000, message: 'new' },
    ],
    now,
    undefined,
  );
  assert.deepEqual(
    r.events.map((e) => e.m),
    ['ok'],
  );
  assert.equal(r.rejected.tooNewLogEventStartIndex, 1);
  const old = acceptBatch(
    [
      { timestamp: now - 15 * DAY, message: 'old' },
      { timestamp: now - 15 * DAY + 1, message: 'old2' },
    ],
    now,
    undefined,
  );
  assert.equal(old.rejected.tooOldLogEventEndIndex, 1);
  const expired = acceptBatch(
    [
      { timestamp: now - DAY - 3_600_000, message: 'gone' },
      { timestamp: now - 3_600_000, message: 'kept' },
    ],
    now,
    1,
  );
  assert.equal(expired.rejected.expiredLogEventEndIndex, 0);
  assert.deepEqual(
    expired.events.map((e) => e.m),
    ['kept'],
  );
});

test('retention takes CloudWatch days only, and expires events past it', () => {
  checkRetention(7);
  assert.throws(() => checkRetention(2), AwsError);
  assert.equal(isExpired(now - 2 * DAY, 1, now), true);
  assert.equal(isExpired(now - 2 * DAY, 3, now), false);
  assert.equal(isExpired(now - 2000 * DAY, undefined, now), false);
});
