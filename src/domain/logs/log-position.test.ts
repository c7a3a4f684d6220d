import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PositionCounter, comparePositions } from './log-position.js';

test('lines of one millisecond are numbered in order; positions only grow', () => {
  const c = new PositionCounter();
  assert.deepEqual(
    [5, 5, 6, 6, 6, 4, 9].map((t) => c.next(t)),
    [
      { t: 5, k: 0 },
      { t: 5, k: 1 },
      { t: 6, k: 0 },
      { t: 6, k: 1 },
      { t: 6, k: 2 },
      { t: 6, k: 3 },
      { t: 9, k: 0 },
    ],
  );
  assert.ok(comparePositions({ t: 5, k: 1 }, { t: 5, k: 0 }) > 0);
  assert.ok(comparePositions({ t: 4, k: 9 }, { t: 5, k: 0 }) < 0);
  assert.equal(comparePositions({ t: 5, k: 1 }, { t: 5, k: 1 }), 0);
});
