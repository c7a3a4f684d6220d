import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerUsage } from './docker-stats.js';

test('cgroup v2: usage less inactive_file, at the time Docker read it', () => {
  const u = dockerUsage(
    {
      read: '2026-12-03T08:00:00.5Z',
      cpu_stats: { cpu_usage: { total_usage: 1_500_000_000 } },
      memory_stats: { usage: 10 * 1048576, stats: { inactive_file: 4 * 1048576, active_file: 1 } },
    },
    0,
  );
  assert.deepEqual(u, { at: Date.UTC(2026, 11, 3, 8, 0, 0, 500), cpuNs: 1_500_000_000, memoryBytes: 6 * 1048576 });
});

test('cgroup v1: total_inactive_file, else cache; never below zero', () => {
  const v1 = { cpu_stats: { cpu_usage: { total_usage: 5 } } };
  assert.equal(dockerUsage({ ...v1, memory_stats: { usage: 100, stats: { total_inactive_file: 30, cache: 60 } } }, 7)?.memoryBytes, 70);
  assert.equal(dockerUsage({ ...v1, memory_stats: { usage: 100, stats: { cache: 60 } } }, 7)?.memoryBytes, 40);
  assert.equal(dockerUsage({ ...v1, memory_stats: { usage: 100, stats: { cache: 160 } } }, 7)?.memoryBytes, 100);
  assert.equal(dockerUsage({ ...v1, memory_stats: { usage: 100 } }, 7)?.at, 7, "no read time: the caller's clock");
});

test("a stopped container's answer (no usage) is no reading; Docker's zero time is not a time", () => {
  assert.equal(dockerUsage({ read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: {} }, memory_stats: {} }, 9), undefined);
  assert.equal(dockerUsage({ read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 1 } }, memory_stats: { usage: 1 } }, 9)?.at, 9);
});
