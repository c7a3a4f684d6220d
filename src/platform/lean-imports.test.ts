import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as undici from 'undici';
import * as promClient from 'prom-client';
import { H2CClient, Pool } from './lean-undici.js';
import { AggregatorRegistry, Counter, Gauge, Registry } from './lean-prom-client.js';

// A package upgrade that moves a module must fail here, not in a load-balancer worker.
test("the lean undici classes are the package's own", () => {
  assert.equal(Pool, undici.Pool);
  assert.equal(H2CClient, undici.H2CClient);
});

test("the lean prom-client classes are the package's own, and count", async () => {
  assert.equal(Registry, promClient.Registry);
  assert.equal(Counter, promClient.Counter);
  assert.equal(Gauge, promClient.Gauge);
  assert.equal(AggregatorRegistry, promClient.AggregatorRegistry);
  const registry = new Registry();
  const c = new Counter({ name: 'lean_total', help: 'h', registers: [registry] });
  c.inc(2);
  assert.match(await registry.metrics(), /lean_total 2/);
});
