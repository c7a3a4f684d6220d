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

test('a start names at most 10 tasks an event, and only the newest 100 events are built', () => {
  const r = seededRandom(4);
  const ids = Array.from({ length: 25 }, (_, i) => `t${i}`);
  const texts = say.startedEvents('web', ids);
  assert.deepEqual(
    texts.map((t) => Number(/has started (\d+) tasks/.exec(t)?.[1])),
    [10, 10, 5],
  );
  assert.equal(texts[2], '(service web) has started 5 tasks: (task t20) (task t21) (task t22) (task t23) (task t24).');
  const events = appendEvents([], texts, 0, r);
  assert.equal(events.length, 3, 'full events do not merge into one of more than 10 tasks');
  assert.match(events[0]!.message, /\(task t24\)\.$/, 'the last tasks are the newest event');
  // A small start merges with the newest while the sum stays within 10.
  const merged = appendEvents(events, say.startedEvents('web', ['u1', 'u2', 'u3', 'u4', 'u5']), 1000, r);
  assert.equal(merged.length, 3);
  assert.match(merged[0]!.message, /^\(service web\) has started 10 tasks: \(task t20\).*\(task u5\)\.$/);
  assert.equal(appendEvents(merged, say.startedEvents('web', ['v1']), 2000, r).length, 4);
  // 100,000 tasks: 100 events of 10, the very last task in the newest.
  const many = Array.from({ length: 100_000 }, (_, i) => `m${i}`);
  const built = say.startedEvents('web', many);
  assert.equal(built.length, MAX_EVENTS);
  const list = appendEvents([], built, 0, r);
  assert.equal(list.length, MAX_EVENTS);
  assert.ok(list.every((e) => e.message.startsWith('(service web) has started 10 tasks: ')));
  assert.match(list[0]!.message, /\(task m99999\)\.$/);
  assert.match(list.at(-1)!.message, /: \(task m99000\) /);
  assert.deepEqual(say.stoppedEvents('web', ['a', 'b']), ['(service web) has stopped 2 running tasks: (task a) (task b).']);
  assert.equal(say.stoppedEvents('web', ids).length, 3);
});
