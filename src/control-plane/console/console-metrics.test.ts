import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { single } from '../../domain/cloudwatch/metric-series.js';
import { MemoryStore } from '../../store/memory-store.js';
import { createCloudWatchHandlers } from '../cloudwatch/cloudwatch-handlers.js';
import { MemoryMetricStore } from '../cloudwatch/memory-metric-store.js';
import { consoleMetrics } from './console-metrics.js';
import { caller } from './console-reads.js';

const LB = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/front/abc';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/def';
const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('console metrics', () => {
  test("a target group's last hour per minute, the four series lined up by minute, latency in ms", async () => {
    const metrics = new MemoryMetricStore();
    const dimensions = [
      { Name: 'TargetGroup', Value: 'targetgroup/web/def' },
      { Name: 'LoadBalancer', Value: 'app/front/abc' },
    ];
    const at = (name: string, unit: string, minute: number, v: number) => ({
      metric: { namespace: 'AWS/ApplicationELB', name, dimensions },
      unit,
      timestamp: T0 + minute * 60_000,
      values: single(v),
    });
    await metrics.record([
      at('RequestCount', 'Count', 0, 10),
      at('RequestCount', 'Count', 2, 30),
      at('TargetResponseTime', 'Seconds', 2, 0.25),
      at('HTTPCode_Target_5XX_Count', 'Count', 2, 1),
    ]);
    const store = new MemoryStore();
    const handlers = { ecs: {}, elbv2: {}, ec2: {}, cloudwatch: createCloudWatchHandlers({ store, metrics }) };
    const now = T0 + 3 * 60_000;
    const call = caller(handlers, () => ({ requestId: 'r', region: 'us-east-1', accountId: '000000000000', now, sourceIp: '127.0.0.1' }));
    const series = await consoleMetrics(call, () => now).targetGroup(TG, LB);
    assert.deepEqual(series.timestamps, [T0, T0 + 120_000]);
    assert.deepEqual(series.requests, [10, 30]);
    assert.deepEqual(series.target5xx, [0, 1]);
    assert.deepEqual(series.responseTimeMs, [0, 250]);
    assert.deepEqual(series.healthyHosts, [0, 0]);
  });

  test("a service's last hour of AWS/ECS CPU and memory utilization, per minute, only its own series", async () => {
    const metrics = new MemoryMetricStore();
    const at = (name: string, service: string | undefined, minute: number, v: number) => ({
      metric: {
        namespace: 'AWS/ECS',
        name,
        dimensions: [{ Name: 'ClusterName', Value: 'prod' }, ...(service ? [{ Name: 'ServiceName', Value: service }] : [])],
      },
      unit: 'Percent',
      timestamp: T0 + minute * 60_000,
      values: single(v),
    });
    await metrics.record([
      at('CPUUtilization', 'web', 0, 40),
      at('CPUUtilization', 'web', 1, 80),
      at('MemoryUtilization', 'web', 1, 12.5),
      at('CPUUtilization', 'api', 1, 99),
      at('CPUUtilization', undefined, 1, 7),
    ]);
    const store = new MemoryStore();
    const handlers = { ecs: {}, elbv2: {}, ec2: {}, cloudwatch: createCloudWatchHandlers({ store, metrics }) };
    const now = T0 + 3 * 60_000;
    const call = caller(handlers, () => ({ requestId: 'r', region: 'us-east-1', accountId: '000000000000', now, sourceIp: '127.0.0.1' }));
    const series = await consoleMetrics(call, () => now).service('prod', 'web');
    assert.deepEqual(series.timestamps, [T0, T0 + 60_000]);
    assert.deepEqual(series.cpu, [40, 80]);
    assert.deepEqual(series.memory, [0, 12.5]);
  });
});
