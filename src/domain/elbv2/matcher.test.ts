import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matcherAccepts, parseGrpcCodeMatcher, parseHttpCodeMatcher } from './matcher.js';

describe('matcher', () => {
  test('lists and ranges', () => {
    assert.deepEqual(parseHttpCodeMatcher('200'), [{ from: 200, to: 200 }]);
    assert.deepEqual(parseHttpCodeMatcher('200,202'), [
      { from: 200, to: 200 },
      { from: 202, to: 202 },
    ]);
    const r = parseHttpCodeMatcher('200-299,404');
    assert.ok(matcherAccepts(r, 250));
    assert.ok(matcherAccepts(r, 404));
    assert.ok(!matcherAccepts(r, 300));
  });
  for (const bad of ['', '199', '500', '200-500', '299-200', 'abc', '200,,201', '2000']) {
    test(`rejects '${bad}'`, () => assert.throws(() => parseHttpCodeMatcher(bad), { code: 'ValidationError' }));
  }
});

describe('GrpcCode matcher', () => {
  test("codes, lists and ranges within 0-99, as ELBv2's examples", () => {
    assert.deepEqual(parseGrpcCodeMatcher('12'), [{ from: 12, to: 12 }]);
    const r = parseGrpcCodeMatcher('0,1,5-7');
    assert.ok(matcherAccepts(r, 0));
    assert.ok(matcherAccepts(r, 6));
    assert.ok(!matcherAccepts(r, 2));
    assert.ok(matcherAccepts(parseGrpcCodeMatcher('0-99'), 99));
  });
  test("an HTTP code is out of range with ELBv2's message", () => {
    assert.throws(() => parseGrpcCodeMatcher('200'), {
      code: 'ValidationError',
      message: "Health check matcher GRPC code '200' must be within '0-99' inclusive",
    });
  });
  for (const bad of ['', '100', '0-100', '5-2', 'OK', '1,,2', '-1']) {
    test(`rejects '${bad}'`, () => assert.throws(() => parseGrpcCodeMatcher(bad), { code: 'ValidationError' }));
  }
});
