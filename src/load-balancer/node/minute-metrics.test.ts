import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import type { RequestOutcome } from '../proxy/proxy-metrics.js';
import type { RoutingTable } from '../routing-table.js';
import { MinuteMetrics } from './minute-metrics.js';

const LB = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/front/abc';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/def';
const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

const table = {
  version: 1,
  listeners: new Map([[8080, { loadBalancer: { arn: LB }, rules: [{ action: { type: 'forward', targetGroups: [{ targetGroupArn: TG, weight: 1 }] } }] }]]),
  targetGroups: new Map([[TG, { targets: [{ state: 'healthy' }, { state: 'healthy' }, { state: 'unhealthy' }, { state: 'draining' }] }]]),
} as unknown as RoutingTable;

const outcome = (status: number, origin: 'target' | 'elb', durationMs = 20): RequestOutcome => ({
  listenerPort: 8080,
  targetGroupArn: origin === 'target' ? TG : undefined,
  target: origin === 'target' ? '127.0.0.1:9000' : undefined,
  status,
  origin,
  durationMs,
});

function sum(samples: ReturnType<MinuteMetrics['drain']>, name: string, dims: string): number | undefined {
  const s = samples.find(
    (x) =>
      x.metric.name === name &&
      x.metric.dimensions
        .map((d) => d.Name)
        .sort()
        .join(',') === dims,
  );
  return s?.values.sum;
}

describe('minute metrics', () => {
  test('counts per load balancer and target group, with ALB names, dimensions and units', () => {
    const clock = new ManualClock(T0 + 5000);
    const m = new MinuteMetrics(clock, () => table);
    m.requestFinished(outcome(200, 'target', 40));
    m.requestFinished(outcome(502, 'target', 10));
    m.requestFinished(outcome(503, 'elb'));
    m.requestFinished(outcome(200, 'target', 30));
    const out = m.drain(clock.now());
    assert.equal(sum(out, 'RequestCount', 'LoadBalancer'), 4);
    assert.equal(sum(out, 'RequestCount', 'LoadBalancer,TargetGroup'), 3);
    assert.equal(sum(out, 'HTTPCode_Target_5XX_Count', 'LoadBalancer,TargetGroup'), 1);
    assert.equal(sum(out, 'HTTPCode_ELB_5XX_Count', 'LoadBalancer'), 1);
    // Three requests over two healthy targets (unhealthy and draining ones do not count).
    assert.equal(sum(out, 'RequestCountPerTarget', 'TargetGroup'), 1.5);
    assert.equal(sum(out, 'HealthyHostCount', 'LoadBalancer,TargetGroup'), 2);
    assert.equal(sum(out, 'UnHealthyHostCount', 'LoadBalancer,TargetGroup'), 1);
    const rt = out.find((x) => x.metric.name === 'TargetResponseTime' && x.metric.dimensions.length === 1);
    assert.deepEqual(rt && [rt.unit, rt.values.sampleCount, rt.values.maximum], ['Seconds', 3, 0.04]);
    assert.equal(out.find((x) => x.metric.name === 'RequestCount')?.metric.dimensions[0]?.Value, 'app/front/abc');
    assert.ok(out.every((x) => x.timestamp === T0 && x.metric.namespace === 'AWS/ApplicationELB'));
  });

  test('a drain hands over only what came since the last one; a quiet minute still reads zero', () => {
    const clock = new ManualClock(T0 + 5000);
    const m = new MinuteMetrics(clock, () => table);
    m.requestFinished(outcome(200, 'target'));
    m.drain(clock.now());
    clock.advance(61_000);
    const quiet = m.drain(clock.now());
    assert.equal(sum(quiet, 'RequestCount', 'LoadBalancer,TargetGroup'), 0);
    assert.ok(quiet.every((x) => x.timestamp === T0 + 60_000));
  });
});
