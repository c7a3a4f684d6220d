import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMatcher } from './matcher.js';

const cases: Array<[string, number, boolean]> = [
  ['200', 200, true],
  ['200', 201, false],
  ['200,202', 202, true],
  ['200,202', 201, false],
  ['200-299', 250, true],
  ['200-299', 300, false],
  ['200-299', 199, false],
  ['200, 301-302', 302, true],
  ['404', 404, true],
];
for (const [spec, status, want] of cases)
  test(`matcher ${spec} ${want ? 'accepts' : 'rejects'} ${status}`, () => assert.equal(compileMatcher(spec)(status), want));
for (const bad of ['', '2xx', '299-200', '200,', '20']) test(`matcher rejects spec "${bad}"`, () => assert.throws(() => compileMatcher(bad)));
for (const [spec, code, want] of [
  ['12', 12, true],
  ['12', 0, false],
  ['0,1', 1, true],
  ['0-5', 5, true],
  ['0-5', 6, false],
] as const)
  test(`gRPC matcher ${spec} ${want ? 'accepts' : 'rejects'} grpc-status ${code}`, () => assert.equal(compileMatcher(spec, 'grpc')(code), want));
test('a gRPC matcher refuses HTTP codes', () => assert.throws(() => compileMatcher('200', 'grpc')));
