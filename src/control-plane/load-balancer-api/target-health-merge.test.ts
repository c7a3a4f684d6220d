import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeTargetHealth } from '../../domain/elbv2/target.js';
import { mergeTargetHealth } from './target-health-merge.js';

const healthy: NodeTargetHealth = { state: 'healthy', at: 1 };
const unhealthy = (at: number, reason = 'Target.Timeout'): NodeTargetHealth => ({ state: 'unhealthy', reason, at });
const all = (): boolean => true;

test('one partitioned node saying unhealthy does not outvote one that reaches the target', () => {
  assert.equal(mergeTargetHealth({ a: healthy, b: unhealthy(5) }, all)?.state, 'healthy');
});

test('unhealthy only when every fresh node with a verdict says so; the latest reason is shown', () => {
  const merged = mergeTargetHealth({ a: unhealthy(2, 'Target.Timeout'), b: unhealthy(3, 'Target.ResponseCodeMismatch') }, all);
  assert.equal(merged?.state, 'unhealthy');
  assert.equal(merged?.reason, 'Target.ResponseCodeMismatch');
});

test('a node that is not fresh has no say, whichever way it voted', () => {
  assert.equal(mergeTargetHealth({ a: healthy, b: unhealthy(5) }, (id) => id === 'b')?.state, 'unhealthy');
  assert.equal(mergeTargetHealth({ a: unhealthy(5), b: healthy }, (id) => id === 'a')?.state, 'unhealthy');
});

test('no fresh verdict decides nothing', () => {
  assert.equal(mergeTargetHealth({}, all), undefined);
  assert.equal(
    mergeTargetHealth({ a: unhealthy(1) }, () => false),
    undefined,
  );
});

test('unavailable (checks disabled) only when nobody says more', () => {
  assert.equal(mergeTargetHealth({ a: { state: 'unavailable', at: 1 } }, all)?.state, 'unavailable');
  assert.equal(mergeTargetHealth({ a: { state: 'unavailable', at: 1 }, b: unhealthy(1) }, all)?.state, 'unhealthy');
});
