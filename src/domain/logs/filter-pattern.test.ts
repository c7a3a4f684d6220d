import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../aws-error.js';
import { matchesFilterPattern, parseFilterPattern } from './filter-pattern.js';

const m = (pattern: string, message: string) => matchesFilterPattern(parseFilterPattern(pattern), message);

test('plain terms all appear, case-sensitively', () => {
  assert.equal(m('ERROR db', 'ERROR: db timeout'), true);
  assert.equal(m('ERROR db', 'ERROR: cache timeout'), false);
  assert.equal(m('error', 'ERROR'), false);
  assert.equal(m('', 'anything'), true);
});

test('quoted phrases, ?optional and -excluded terms', () => {
  assert.equal(m('"db timeout"', 'ERROR: db timeout'), true);
  assert.equal(m('"db timeout"', 'timeout db'), false);
  assert.equal(m('?WARN ?ERROR', 'WARN low disk'), true);
  assert.equal(m('?WARN ?ERROR', 'INFO ok'), false);
  assert.equal(m('ERROR -retry', 'ERROR will retry'), false);
  assert.equal(m('ERROR -retry', 'ERROR fatal'), true);
});

test('JSON and space-delimited patterns are refused', () => {
  assert.throws(
    () => parseFilterPattern('{ $.level = "error" }'),
    (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException',
  );
  assert.throws(() => parseFilterPattern('[ip, user]'), AwsError);
});
