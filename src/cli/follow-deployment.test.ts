import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { fitToWidth, pause } from './follow-deployment.js';

test('pausing once per poll leaves no abort listener behind (the MaxListenersExceededWarning of berth deploy)', async () => {
  const stop = new AbortController();
  for (let i = 0; i < 20; i++) await pause(1, stop.signal);
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  const waiting = pause(60_000, stop.signal);
  assert.equal(getEventListeners(stop.signal, 'abort').length, 1);
  const started = Date.now();
  stop.abort();
  await waiting;
  assert.ok(Date.now() - started < 1000, 'an abort ends the wait at once');
});

test('lines wider than the terminal are clipped, so the redraw moves up over exactly what it drew', () => {
  assert.equal(fitToWidth('abcdef\nab\n', 5), 'abc…\nab\n');
  assert.equal(fitToWidth('abcdef\n', undefined), 'abcdef\n');
});
