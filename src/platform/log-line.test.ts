import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLogLine } from './log-line.js';

test('a record reads as time, level, component, message, then its fields', () => {
  const time = Date.UTC(2026, 11, 2, 7, 1, 2, 345);
  const line = formatLogLine({ level: 30, time, pid: 1, hostname: 'h', component: 'agent', msg: 'registered', port: 80, arn: 'a b' });
  assert.equal(line, '07:01:02.345 INFO  agent: registered port=80 arn="a b"');
});

test('an error shows its message, not its stack; levels are named', () => {
  const line = formatLogLine({ level: 50, time: 0, msg: 'action failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n at x' } });
  assert.equal(line, '00:00:00.000 ERROR action failed err=boom');
  assert.match(formatLogLine({ level: 40, time: 0, msg: 'w' }, true), /^\x1b\[33m.*WARN .*\x1b\[0m$/);
});
