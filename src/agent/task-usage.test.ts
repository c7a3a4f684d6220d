import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuUnitsBetween, taskUsageSamples } from './task-usage.js';

const at = (t: number, cpuNs: number, memoryBytes = 0) => ({ at: t, cpuNs, memoryBytes });

test('CPU units are CPU time over elapsed time, 1024 a core: a busy core is 1024, a quarter core 256, two cores 2048', () => {
  assert.equal(cpuUnitsBetween(at(0, 0), at(10_000, 10e9)), 1024);
  assert.equal(cpuUnitsBetween(at(1_000, 1e9), at(5_000, 2e9)), 256);
  assert.equal(cpuUnitsBetween(at(0, 0), at(500, 1e9)), 2048);
  assert.equal(cpuUnitsBetween(at(0, 5e9), at(1_000, 5e9)), 0, 'idle');
});

test('no rate from the same instant, or from a counter that went back (a new container)', () => {
  assert.equal(cpuUnitsBetween(at(1_000, 0), at(1_000, 5)), undefined);
  assert.equal(cpuUnitsBetween(at(0, 9e9), at(1_000, 1e9)), undefined);
});

test("a task's sample sums its containers; a task with a container read for the first time has none yet", () => {
  const previous = new Map([
    ['a1', at(0, 0)],
    ['a2', at(0, 1e9)],
    ['b1', at(0, 0)],
  ]);
  const samples = taskUsageSamples(
    2_000,
    [
      { taskArn: 'A', runtimeId: 'a1', usage: at(2_000, 2e9, 3 * 1048576) },
      { taskArn: 'A', runtimeId: 'a2', usage: at(2_000, 1.5e9, 1048576) },
      { taskArn: 'B', runtimeId: 'b1', usage: at(2_000, 1e9, 1048576) },
      { taskArn: 'B', runtimeId: 'b2', usage: at(2_000, 1e9, 1048576) },
    ],
    previous,
  );
  assert.deepEqual(samples, [{ taskArn: 'A', at: 2_000, cpuUnits: 1280, memoryMiB: 4 }]);
});
