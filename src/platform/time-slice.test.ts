import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToEnd, type Sliced } from './sliced.js';
import { TimeSlice } from './time-slice.js';

function* count(n: number): Sliced<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += i;
    yield;
  }
  return sum;
}

test('runToEnd and a sliced run give the same result', async () => {
  assert.equal(runToEnd(count(100)), 4950);
  assert.equal(await new TimeSlice(5).run(count(100)), 4950);
});

test('a slice gives the event loop back once its budget is used, and not before', async () => {
  let t = 0;
  const slice = new TimeSlice(10, () => t);
  let ticked = false;
  setImmediate(() => (ticked = true));
  await slice.pause();
  assert.equal(ticked, false, 'within the budget: no pause');
  t = 10;
  await slice.pause();
  assert.equal(ticked, true, 'budget used: the pending immediate ran');
  assert.equal(slice.due, false, 'a new slice starts after the pause');
});
