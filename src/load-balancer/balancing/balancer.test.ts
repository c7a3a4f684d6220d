import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../platform/random.js';
import { balancerFactories } from './balancers.js';
import { balancerConformance, group, slowStartConformance, target } from './balancer.conformance.js';
import { LeastOutstandingRequestsBalancer } from './least-outstanding-requests.js';
import { RoundRobinBalancer } from './round-robin.js';
import { weightedIndex } from './balancer.js';
import { slowStartWeights } from './slow-start.js';

for (const [name, make] of Object.entries(balancerFactories)) {
  balancerConformance(name, make);
  if (name !== 'least_outstanding_requests') slowStartConformance(name, make);
}

test('round robin visits targets in strict turn', () => {
  const b = new RoundRobinBalancer();
  const g = group([target(1, 'healthy'), target(2, 'healthy'), target(3, 'healthy')]);
  const ports = Array.from({ length: 6 }, () => b.pick(g, { now: 0, random: seededRandom(1) })!.port);
  assert.deepEqual(ports.slice(0, 3).sort(), [1, 2, 3]);
  assert.deepEqual(ports.slice(3), ports.slice(0, 3));
});

test('least outstanding requests avoids the busy target', () => {
  const b = new LeastOutstandingRequestsBalancer();
  const g = group([target(1, 'healthy'), target(2, 'healthy')]);
  b.acquired('i-0abc:1');
  b.acquired('i-0abc:1');
  const random = seededRandom(2);
  for (let i = 0; i < 10; i++) assert.equal(b.pick(g, { now: 0, random })!.port, 2);
  b.acquired('i-0abc:2');
  b.acquired('i-0abc:2');
  b.acquired('i-0abc:2');
  assert.equal(b.pick(g, { now: 0, random })!.port, 1);
  b.released('i-0abc:2');
  b.released('i-0abc:2');
  assert.equal(b.inFlight('i-0abc:2'), 1);
});

test('weightedIndex draws in proportion', () => {
  assert.equal(weightedIndex([1, 0, 3], 0), 0);
  assert.equal(weightedIndex([1, 0, 3], 0.24), 0);
  assert.equal(weightedIndex([1, 0, 3], 0.26), 2);
  assert.equal(weightedIndex([0, 5], 0.01), 1);
});

test('slow start weights: linear with a floor, full once the duration has passed', () => {
  const ts = [target(1, 'healthy', 0), target(2, 'healthy', 950), target(3, 'healthy', 1000), target(4, 'unhealthy')];
  assert.deepEqual(slowStartWeights(ts, 100, 1000), [1, 0.5, 0.01, 1]);
  assert.equal(slowStartWeights([target(1, 'healthy', 0)], 100, 1000), undefined);
});
