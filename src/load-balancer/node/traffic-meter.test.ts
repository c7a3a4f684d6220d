import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../platform/clock.js';
import { buildRoutingTable, type Target, type TargetGroup } from '../routing-table.js';
import { fanOutMetrics, percentile, TrafficMeter } from './traffic-meter.js';
import type { ProxyMetrics, RequestOutcome } from '../proxy/proxy-metrics.js';

const a: Target = { id: 'i-1', address: '127.0.0.1', port: 5001, state: 'healthy' };
const b: Target = { id: 'i-1', address: '127.0.0.1', port: 5002, state: 'healthy' };
const tg: TargetGroup = {
  arn: 'tg',
  name: 'tg',
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
  targets: [a, b],
};
const table = buildRoutingTable({ loadBalancers: [], listeners: [], targetGroups: [tg] });
const outcome = (target: string | undefined, status: number, durationMs: number): RequestOutcome => ({
  listenerPort: 80,
  targetGroupArn: 'tg',
  target,
  status,
  origin: target ? 'target' : 'elb',
  durationMs,
});

test('rates are those of the last complete second, per group and per target, idle targets included', () => {
  const clock = new ManualClock(10_000);
  const m = new TrafficMeter(clock);
  for (let i = 0; i < 8; i++) m.requestFinished(outcome('i-1:5001', 200, i + 1));
  m.requestFinished(outcome('i-1:5001', 502, 100));
  m.requestFinished(outcome(undefined, 503, 1));
  // Still inside the window: nothing complete yet.
  assert.equal(m.snapshot(table, () => 0).get('tg')!.requestsPerSecond, 0);
  clock.advance(1000);
  const s = m.snapshot(table, (t) => (t.port === 5002 ? 3 : 0)).get('tg')!;
  assert.equal(s.requestsPerSecond, 10);
  assert.equal(s.errors5xxPerSecond, 2);
  assert.equal(s.p99Ms, 100);
  assert.deepEqual(s.targets.get('i-1:5001'), { inFlight: 0, requestsPerSecond: 9 });
  assert.deepEqual(s.targets.get('i-1:5002'), { inFlight: 3, requestsPerSecond: 0 });
});

test('a window older than the last second counts as idle', () => {
  const clock = new ManualClock(10_000);
  const m = new TrafficMeter(clock);
  m.requestFinished(outcome('i-1:5001', 200, 1));
  clock.advance(2500);
  assert.equal(m.snapshot(table, () => 0).get('tg')!.requestsPerSecond, 0);
});

test('percentile is nearest-rank', () => {
  assert.equal(percentile([], 0.99), 0);
  assert.equal(percentile([5, 1, 3], 0.5), 3);
  assert.equal(
    percentile(
      Array.from({ length: 100 }, (_, i) => i + 1),
      0.99,
    ),
    99,
  );
});

test('fanOutMetrics tells every sink', () => {
  const seen: string[] = [];
  const sink = (name: string): ProxyMetrics => ({
    requestStarted: () => seen.push(`${name} started`),
    requestFinished: () => seen.push(`${name} finished`),
    retried: () => seen.push(`${name} retried`),
  });
  const m = fanOutMetrics(sink('a'), sink('b'));
  m.requestStarted('tg', 'k');
  m.requestFinished(outcome('k', 200, 1));
  m.retried!('tg');
  m.targetConnectionError!('tg', 'k', 'ECONNREFUSED');
  assert.deepEqual(seen, ['a started', 'b started', 'a finished', 'b finished', 'a retried', 'b retried']);
});
