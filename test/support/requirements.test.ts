import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inCi } from './requirements.js';

test('CI counts as set for any non-empty value but false', () => {
  for (const v of ['true', '1', 'yes', 'TRUE']) assert.equal(inCi({ CI: v }), true, v);
  for (const v of [undefined, '', 'false']) assert.equal(inCi(v === undefined ? {} : { CI: v }), false, String(v));
});
