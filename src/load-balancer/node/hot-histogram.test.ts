import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { HotHistogram } from './hot-histogram.js';

test("HotHistogram's text format is prom-client Histogram's for the same observations", async () => {
  const buckets = [0.001, 0.01, 0.1, 1];
  const theirs = new Registry();
  const mine = new Registry();
  const reference = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['load_balancer'], buckets, registers: [theirs] });
  const hot = new HotHistogram('h_seconds', 'help', 'load_balancer', buckets, mine);
  const a = hot.cell('a');
  const b = hot.cell('b');
  for (const [lb, v] of [
    ['a', 0.0005],
    ['a', 0.001],
    ['a', 0.05],
    ['b', 3],
    ['a', 0.5],
    ['b', 0.01],
  ] as const) {
    reference.observe({ load_balancer: lb }, v);
    hot.observe(lb === 'a' ? a : b, v);
  }
  assert.equal(await mine.metrics(), await theirs.metrics());
});
