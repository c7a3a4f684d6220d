import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartUpTimeline } from './start-up-timeline.js';

test('a timeline keeps the first mark of each phase, rounded, in order', () => {
  let now = 10.4;
  const t = new StartUpTimeline(() => now);
  t.mark('modules');
  now = 250.6;
  t.mark('snapshot');
  now = 900;
  t.mark('modules');
  assert.deepEqual(t.toJSON(), { modules: 10, snapshot: 251 });
  assert.equal(t.has('snapshot'), true);
  assert.equal(t.has('listening'), false);
});

test('by default a timeline counts from the process start', () => {
  const t = new StartUpTimeline();
  t.mark('now');
  const at = t.toJSON().now ?? -1;
  assert.ok(at > 0 && at <= performance.now() + 1, `marked at ${at} ms`);
});
