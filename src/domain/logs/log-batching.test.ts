import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_EVENT_BYTES, MAX_PIECES, firstBatch, splitMessage } from './log-batching.js';

test('a message longer than an event is split, never inside a character, and cut after what one batch holds', () => {
  assert.deepEqual(splitMessage('short'), ['short']);
  assert.deepEqual(splitMessage('aébc', 3), ['aé', 'bc']);
  const long = 'x'.repeat(MAX_EVENT_BYTES * 5 + 7);
  const pieces = splitMessage(long);
  assert.equal(pieces.length, MAX_PIECES);
  assert.ok(pieces.every((p) => Buffer.byteLength(p) === MAX_EVENT_BYTES));
});

test('batches take whole groups within the event, byte and span limits', () => {
  const e = (timestamp: number, message = 'm') => ({ timestamp, message });
  const limits = { maxEvents: 3, maxBytes: 1_000_000, maxSpanMs: 100 };
  assert.deepEqual(firstBatch([[e(1)], [e(2), e(2)], [e(3)]], limits), { events: [e(1), e(2), e(2)], groups: 2 });
  assert.deepEqual(firstBatch([[e(1)], [e(500)]], limits), { events: [e(1)], groups: 1 });
  assert.deepEqual(firstBatch([[e(1, 'a'.repeat(60))], [e(2, 'b')]], { ...limits, maxBytes: 100 }), { events: [e(1, 'a'.repeat(60))], groups: 1 });
  // A group bigger than the limits still goes alone (it is already cut to what the store accepts).
  assert.equal(firstBatch([[e(1), e(1), e(1), e(1)]], limits).groups, 1);
  assert.deepEqual(firstBatch([], limits), { events: [], groups: 0 });
});
