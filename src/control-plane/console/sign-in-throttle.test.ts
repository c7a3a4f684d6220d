import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignInThrottle } from './sign-in-throttle.js';

test('a client gets its burst, then one attempt per refill interval', () => {
  const t = new SignInThrottle({ burst: 3, refillMs: 1000 }, { burst: 100, refillMs: 10 });
  const oks = Array.from({ length: 300 }, () => t.attempt('a', 0).ok).filter(Boolean).length;
  assert.equal(oks, 3);
  assert.deepEqual(t.attempt('a', 400), { ok: false, retryAfterMs: 600 });
  assert.equal(t.attempt('a', 1000).ok, true);
  assert.equal(t.attempt('a', 1000).ok, false);
  assert.equal(t.attempt('b', 1000).ok, true, 'another client has its own bucket');
});

test('all clients together are bounded too, so many source addresses do not multiply the rate', () => {
  const t = new SignInThrottle({ burst: 5, refillMs: 1000 }, { burst: 10, refillMs: 500 });
  const oks = Array.from({ length: 300 }, (_, i) => t.attempt(`127.0.${i >> 8}.${i & 255}`, 0).ok).filter(Boolean).length;
  assert.equal(oks, 10);
  const v = t.attempt('127.9.9.9', 100);
  assert.deepEqual(v, { ok: false, retryAfterMs: 400 });
  assert.equal(t.attempt('127.9.9.9', 500).ok, true);
});

test('the client table stays bounded under a flood of addresses', () => {
  const t = new SignInThrottle({ burst: 1, refillMs: 1_000_000 }, { burst: 1e9, refillMs: 1 });
  for (let i = 0; i < 25_000; i++) t.attempt(`c${i}`, i);
  assert.ok((t as unknown as { clients: Map<string, unknown> }).clients.size <= 10_000);
});
