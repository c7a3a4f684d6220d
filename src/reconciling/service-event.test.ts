import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../platform/random.js';
import { MAX_EVENTS, appendEvents, serviceEventText as say } from './service-event.js';

test('events go newest first, at most 100', () => {
  const r = seededRandom(1);
  let events = appendEvents([], ['a', 'b'], 10, r);
  assert.deepEqual(
    events.map((e) => e.message),
    ['b', 'a'],
  );
  assert.equal(events[0]!.createdAt, 10);
  for (let i = 0; i < 150; i++) events = appendEvents(events, [`m${i}`], 20 + i, r);
  assert.equal(events.length, MAX_EVENTS);
  assert.equal(events[0]!.message, 'm149');
});

test('a consecutive duplicate is suppressed unless repeatAfterMs has passed', () => {
  const r = seededRandom(2);
  const one = appendEvents([], ['x'], 0, r);
  assert.equal(appendEvents(one, ['x'], 1000, r).length, 1);
  assert.equal(appendEvents(one, ['x', 'x'], 1000, r, 500).length, 2, 'repeats once the period passed, never twice at once');
  assert.equal(appendEvents(one, ['y', 'x'], 1000, r).length, 3, 'only consecutive duplicates are dropped');
});

test('texts follow ECS wording', () => {
  assert.equal(say.started('web', ['arn:aws:ecs:r:1:task/c/abc', 'def']), '(service web) has started 2 tasks: (task abc) (task def).');
  assert.equal(say.stopped('web', ['arn:aws:ecs:r:1:task/c/abc']), '(service web) has stopped 1 running tasks: (task abc).');
  assert.equal(say.draining('web', 3), '(service web) has begun draining connections on 3 tasks.');
  assert.equal(say.steadyState('web'), '(service web) has reached a steady state.');
});

test('counted events of one kind within the window merge into one that counts them all', () => {
  const r = seededRandom(3);
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1';
  const other = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api/2';
  let events = appendEvents([], [say.registered('web', 1, tg)], 0, r);
  events = appendEvents(events, [say.registered('web', 1, tg)], 2000, r);
  assert.deepEqual(
    events.map((e) => e.message),
    [say.registered('web', 2, tg)],
  );
  assert.equal(events[0]!.createdAt, 2000);
  // Another target group, or deregistering, is another event.
  events = appendEvents(events, [say.registered('web', 1, other), say.deregistered('web', 1, tg)], 3000, r);
  assert.equal(events.length, 3);
  // Started tasks add up and keep every task; past the window, a new event.
  let started = appendEvents([], [say.started('web', ['a'])], 0, r);
  started = appendEvents(started, [say.started('web', ['b'])], 5000, r);
  assert.deepEqual(
    started.map((e) => e.message),
    ['(service web) has started 2 tasks: (task a) (task b).'],
  );
  started = appendEvents(started, [say.started('web', ['c'])], 5000 + 15_000, r);
  assert.equal(started.length, 2);
  assert.equal(appendEvents([], [say.draining('web', 1), say.draining('web', 2)], 0, r)[0]!.message, say.draining('web', 3));
  assert.equal(appendEvents([], [say.stopped('web', ['a']), say.stopped('api', ['b'])], 0, r).length, 2, 'another service is another event');
});
