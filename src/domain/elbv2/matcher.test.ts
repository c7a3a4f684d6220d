import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matcherAccepts, parseHttpCodeMatcher } from './matcher.js';

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
