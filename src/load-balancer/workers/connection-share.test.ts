import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionShare, heldByOthers, sameHeld } from './connection-share.js';

test('connectionShare: a worker may hold what the others leave of the node limit, never less than none', () => {
  assert.equal(connectionShare(10_000, 0), 10_000, 'alone on the port, the whole limit');
  // The kernel's uneven spread: 4,000 on the other worker leaves this one 6,000, more than half.
  assert.equal(connectionShare(10_000, 4_000), 6_000);
  assert.equal(connectionShare(10_000, 10_000), 0);
  assert.equal(connectionShare(10_000, 10_250), 0, 'others over the limit (a report lagged) leave nothing, not a negative limit');
});

test('connectionShare over a ramp: the node fills to its limit exactly whichever worker the kernel picks, then refuses', () => {
  // Two workers, one port, limit 1000; the kernel sends 3 of every 4 connections to worker 0.
  const limit = 1000;
  const held = [0, 0];
  let refused = 0;
  for (let i = 0; i < 1200; i++) {
    const w = i % 4 === 3 ? 1 : 0;
    const others = held[1 - w] ?? 0;
    if ((held[w] ?? 0) < connectionShare(limit, others)) held[w] = (held[w] ?? 0) + 1;
    else refused++;
  }
  assert.deepEqual(held, [750, 250], 'no worker refused while the node had room (1/N each would have refused at 500)');
  assert.equal(
    held.reduce((a, b) => a + b, 0),
    limit,
  );
  assert.equal(refused, 200);
});

test('heldByOthers: per port, the sum over every other worker', () => {
  const byWorker = new Map([
    [
      1,
      new Map([
        [80, 10],
        [443, 2],
      ]),
    ],
    [2, new Map([[80, 5]])],
    [
      3,
      new Map([
        [80, 1],
        [8080, 7],
      ]),
    ],
  ]);
  assert.deepEqual(
    heldByOthers(byWorker, 1),
    new Map([
      [80, 6],
      [8080, 7],
    ]),
  );
  assert.deepEqual(
    heldByOthers(byWorker, 2),
    new Map([
      [80, 11],
      [443, 2],
      [8080, 7],
    ]),
  );
  assert.deepEqual(heldByOthers(new Map([[1, new Map([[80, 3]])]]), 1), new Map(), 'a lone worker has no others');
});

test('sameHeld: equal only with the same ports and counts', () => {
  assert.ok(sameHeld(new Map([[80, 1]]), new Map([[80, 1]])));
  assert.ok(!sameHeld(new Map([[80, 1]]), new Map([[80, 2]])));
  assert.ok(!sameHeld(new Map([[80, 1]]), new Map([[81, 1]])));
  assert.ok(!sameHeld(new Map([[80, 0]]), new Map()));
});
