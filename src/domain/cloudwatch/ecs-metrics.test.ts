import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ecsUtilizationSamples, serviceOfGroup, type EcsTaskUsage } from './ecs-metrics.js';

const instance = { cpuUnits: 2048, memoryMiB: 4096 };
const task = (over: Partial<EcsTaskUsage>): EcsTaskUsage => ({
  service: 'web',
  at: 60_000,
  cpuUnits: 128,
  memoryMiB: 16,
  reservedCpuUnits: 256,
  reservedMemoryMiB: 64,
  ...over,
});
const values = (samples: ReturnType<typeof ecsUtilizationSamples>, name: string, dims: number) =>
  samples.filter((s) => s.metric.name === name && s.metric.dimensions.length === dims).map((s) => s.values.sum);

test('a service task: used over reserved, in percent, under {ClusterName, ServiceName}', () => {
  const samples = ecsUtilizationSamples('prod', instance, [task({})]);
  const svc = samples.filter((s) => s.metric.dimensions.length === 2);
  assert.deepEqual(
    svc.map((s) => [s.metric.namespace, s.metric.name, s.unit, s.timestamp, s.values]),
    [
      ['AWS/ECS', 'CPUUtilization', 'Percent', 60_000, { sampleCount: 1, sum: 50, minimum: 50, maximum: 50 }],
      ['AWS/ECS', 'MemoryUtilization', 'Percent', 60_000, { sampleCount: 1, sum: 25, minimum: 25, maximum: 25 }],
    ],
  );
  assert.deepEqual(svc[0]?.metric.dimensions, [
    { Name: 'ClusterName', Value: 'prod' },
    { Name: 'ServiceName', Value: 'web' },
  ]);
});

test('a busy task may exceed 100% of its reservation; without a reservation the instance is the measure', () => {
  const samples = ecsUtilizationSamples('prod', instance, [
    task({ cpuUnits: 1024 }),
    task({ service: 'bare', cpuUnits: 512, memoryMiB: 1024, reservedCpuUnits: 0, reservedMemoryMiB: 0 }),
  ]);
  assert.deepEqual(values(samples, 'CPUUtilization', 2), [400, 25]);
  assert.deepEqual(values(samples, 'MemoryUtilization', 2), [25, 25]);
});

test('the cluster: every task of the round (standalone ones too) over the instance, one value per round', () => {
  const samples = ecsUtilizationSamples('prod', instance, [
    task({ cpuUnits: 512, memoryMiB: 1024 }),
    task({ service: undefined, cpuUnits: 512, memoryMiB: 1024 }),
    task({ at: 130_000, cpuUnits: 2048, memoryMiB: 0 }),
  ]);
  assert.deepEqual(values(samples, 'CPUUtilization', 1), [50, 100]);
  assert.deepEqual(values(samples, 'MemoryUtilization', 1), [50, 0]);
  assert.equal(
    samples.filter((s) => s.metric.name === 'CPUUtilization' && s.metric.dimensions.length === 2).length,
    2,
    'the standalone task has no service sample',
  );
  assert.deepEqual(ecsUtilizationSamples('prod', instance, []), []);
});

test("one series' values of one minute are one statistic set, stamped with the latest", () => {
  const samples = ecsUtilizationSamples('prod', instance, [
    task({ at: 60_000, cpuUnits: 64 }),
    task({ at: 60_000, cpuUnits: 256 }),
    task({ at: 75_000, cpuUnits: 128 }),
    task({ at: 120_000, cpuUnits: 128 }),
  ]);
  const cpu = samples.filter((s) => s.metric.name === 'CPUUtilization' && s.metric.dimensions.length === 2);
  assert.deepEqual(
    cpu.map((s) => [s.timestamp, s.values]),
    [
      [75_000, { sampleCount: 3, sum: 25 + 100 + 50, minimum: 25, maximum: 100 }],
      [120_000, { sampleCount: 1, sum: 50, minimum: 50, maximum: 50 }],
    ],
  );
  // The cluster: one value per round (320 units at 60 s, 128 at 75 s) of the instance's 2048.
  const cluster = samples.filter((s) => s.metric.name === 'CPUUtilization' && s.metric.dimensions.length === 1);
  assert.deepEqual(cluster[0]?.values, { sampleCount: 2, sum: 15.625 + 6.25, minimum: 6.25, maximum: 15.625 });
});

test("a service's tasks are in group service:<name>; RunTask's groups are not services", () => {
  assert.equal(serviceOfGroup('service:web'), 'web');
  assert.equal(serviceOfGroup('family:web'), undefined);
});
