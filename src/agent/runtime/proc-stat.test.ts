import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseProcStat, processGroupUsage } from './proc-stat.js';

// Fields 14-17 are utime, stime, cutime, cstime; field 24 is rss (pages); field 5 is the process group.
const line = (pid: number, name: string, state: string, pgrp: number, ticks: [number, number, number, number], rss: number) =>
  `${pid} (${name}) ${state} 1 ${pgrp} ${pgrp} 0 -1 4194560 100 0 0 0 ${ticks.join(' ')} 20 0 1 0 12345 1000000 ${rss} 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0`;

test('a stat line parses, even with spaces and parentheses in the name', () => {
  assert.deepEqual(parseProcStat(line(42, 'my (odd) name', 'R', 42, [10, 5, 2, 1], 300)), { pid: 42, pgrp: 42, state: 'R', cpuTicks: 18, rssPages: 300 });
  assert.equal(parseProcStat('garbage'), undefined);
});

test("a group's use is the sum over its live members; zombies and other groups do not count", () => {
  const stats = [
    line(42, 'sh', 'S', 42, [100, 50, 30, 20], 200),
    line(43, 'busy', 'R', 42, [300, 0, 0, 0], 100),
    line(44, 'gone', 'Z', 42, [999, 0, 0, 0], 0),
    line(50, 'other', 'R', 50, [777, 0, 0, 0], 999),
  ].map((l) => parseProcStat(l)!);
  assert.deepEqual(processGroupUsage(stats, 42, 1000), { at: 1000, cpuNs: 5e9, memoryBytes: 300 * 4096 });
  assert.equal(processGroupUsage(stats, 77, 1000), undefined);
});

test("this process's own /proc line parses to its own pid", () => {
  const own = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
  assert.equal(own?.pid, process.pid);
  assert.ok((own?.rssPages ?? 0) > 0);
});
