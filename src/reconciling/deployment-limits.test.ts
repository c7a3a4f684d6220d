import { test } from 'node:test';
import assert from 'node:assert/strict';
import { circuitBreakerThreshold, lowerLimit, upperLimit } from './deployment-limits.js';

test('upper is floor(D x max / 100), lower is ceil(D x min / 100)', () => {
  assert.equal(upperLimit(2, 200), 4);
  assert.equal(upperLimit(3, 125), 3);
  assert.equal(upperLimit(10, 150), 15);
  assert.equal(lowerLimit(2, 100), 2);
  assert.equal(lowerLimit(2, 75), 2);
  assert.equal(lowerLimit(2, 50), 1);
  assert.equal(lowerLimit(3, 50), 2);
  assert.equal(lowerLimit(1, 0), 0);
});

test('circuit-breaker threshold is min(200, max(minimum, ceil(D/2)))', () => {
  assert.equal(circuitBreakerThreshold(1), 3);
  assert.equal(circuitBreakerThreshold(7), 4);
  assert.equal(circuitBreakerThreshold(400), 200);
  assert.equal(circuitBreakerThreshold(1000), 200);
  // The 2023 developer guide's floor of 10.
  assert.equal(circuitBreakerThreshold(1, 10), 10);
  assert.equal(circuitBreakerThreshold(25, 10), 13);
});
