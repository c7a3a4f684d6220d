/**
 * What every balancing algorithm must do, whatever its strategy. balancer.test.ts runs this for
 * each entry of `balancerFactories`; a new algorithm gets it by being registered there.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../platform/random.js';
import { compileTargetGroup, targetKey, type Target, type TargetGroup } from '../routing-table.js';
import type { Balancer } from './balancer.js';

export function target(port: number, state: Target['state'], healthySince?: number): Target {
  return { id: 'i-0abc', address: '127.0.0.1', port, state, ...(healthySince === undefined ? {} : { healthySince }) };
}

export function group(targets: Target[], over: Partial<TargetGroup> = {}) {
  return compileTargetGroup({
    arn: 'arn:tg/web',
    name: 'web',
    protocol: 'HTTP',
    algorithm: 'round_robin',
    stickiness: { enabled: false, type: 'lb_cookie', durationSeconds: 86400 },
    slowStartSeconds: 0,
    deregistrationDelaySeconds: 300,
    minimumHealthyTargets: 1,
    healthCheck: {
      enabled: true,
      protocol: 'HTTP',
      path: '/',
      port: 'traffic-port',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: '200',
    },
    targets,
    ...over,
  });
}

/** Picks `n` times, releasing each request at once (so LOR sees an idle group), and counts by port. */
function counts(b: Balancer, g: ReturnType<typeof group>, n: number, seed = 7, now = 0): Map<number, number> {
  const random = seededRandom(seed);
  const out = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const t = b.pick(g, { now, random });
    assert.ok(t, 'a pick');
    b.acquired(targetKey(t));
    b.released(targetKey(t));
    out.set(t.port, (out.get(t.port) ?? 0) + 1);
  }
  return out;
}

export function balancerConformance(name: string, make: () => Balancer): void {
  describe(`balancer conformance: ${name}`, () => {
    test('picks only healthy targets, never draining, unhealthy or initial ones', () => {
      const g = group([target(1, 'healthy'), target(2, 'draining'), target(3, 'unhealthy'), target(4, 'healthy'), target(5, 'initial')]);
      assert.deepEqual([...counts(make(), g, 200).keys()].sort(), [1, 4]);
    });

    test('spreads evenly over equal targets (within 20%)', () => {
      const g = group([target(1, 'healthy'), target(2, 'healthy'), target(3, 'healthy'), target(4, 'healthy')]);
      const c = counts(make(), g, 4000);
      for (const p of [1, 2, 3, 4]) assert.ok(Math.abs((c.get(p) ?? 0) - 1000) < 200, `port ${p}: ${c.get(p)}`);
    });

    test('fails open: all unhealthy → every non-draining target gets traffic', () => {
      const g = group([target(1, 'unhealthy'), target(2, 'unhealthy'), target(3, 'draining')]);
      assert.deepEqual([...counts(make(), g, 200).keys()].sort(), [1, 2]);
    });

    test('nothing routable → undefined', () => {
      assert.equal(make().pick(group([]), { now: 0, random: seededRandom(1) }), undefined);
      assert.equal(make().pick(group([target(1, 'draining')]), { now: 0, random: seededRandom(1) }), undefined);
    });

    test('excluded targets are skipped; all excluded → undefined', () => {
      const g = group([target(1, 'healthy'), target(2, 'healthy')]);
      const b = make();
      const random = seededRandom(3);
      for (let i = 0; i < 20; i++) assert.equal(b.pick(g, { now: 0, random, exclude: new Set(['i-0abc:1']) })!.port, 2);
      assert.equal(b.pick(g, { now: 0, random, exclude: new Set(['i-0abc:1', 'i-0abc:2']) }), undefined);
    });

    test('never picks a target that left the table', () => {
      const b = make();
      counts(b, group([target(1, 'healthy'), target(2, 'healthy')]), 50);
      const c = counts(b, group([target(2, 'healthy'), target(1, 'draining')]), 50);
      assert.deepEqual([...c.keys()], [2]);
    });
  });
}

/** Slow start is not allowed with least_outstanding_requests, so only the other algorithms run this. */
export function slowStartConformance(name: string, make: () => Balancer): void {
  test(`${name}: slow start ramps a new target linearly`, () => {
    const durationMs = 100_000;
    const g = group([target(1, 'healthy', 0), target(2, 'healthy', 1_000_000 - 25_000)], { slowStartSeconds: 100 });
    const c = counts(make(), g, 5000, 11, 1_000_000);
    // Weight 0.25 against 1: about 20% of picks.
    const share = (c.get(2) ?? 0) / 5000;
    assert.ok(share > 0.15 && share < 0.25, `share ${share} (duration ${durationMs})`);
  });

  test(`${name}: slow start is not applied when no settled healthy target exists`, () => {
    const g = group([target(1, 'healthy', 999_000), target(2, 'healthy', 999_500)], { slowStartSeconds: 100 });
    const c = counts(make(), g, 2000, 5, 1_000_000);
    assert.ok(Math.abs((c.get(1) ?? 0) - 1000) < 150, `${c.get(1)}`);
  });
}
