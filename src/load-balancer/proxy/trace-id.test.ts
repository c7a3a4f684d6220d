import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../platform/random.js';
import { traceHeader } from './trace-id.js';

const now = 0x63441c4a * 1000;
test('a missing trace id gets a Root', () => {
  assert.match(traceHeader(undefined, now, seededRandom(1)), /^Root=1-63441c4a-[0-9a-f]{24}$/);
});
test('an existing Root is kept, Self is added and custom fields stay', () => {
  const h = traceHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', now, seededRandom(1));
  assert.match(h, /^Self=1-63441c4a-[0-9a-f]{24};Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1$/);
});
test('an old Self is replaced', () => {
  const h = traceHeader('Self=1-00000000-000000000000000000000000;Root=1-5759e988-bd862e3fe1be46a994272793', now, seededRandom(2));
  assert.equal(h.match(/Self=/g)!.length, 1);
  assert.ok(!h.includes('Self=1-00000000'));
});
test('a header without Root is replaced by a fresh Root', () => {
  assert.match(traceHeader('garbage', now, seededRandom(3)), /^Root=1-63441c4a-[0-9a-f]{24}$/);
});
