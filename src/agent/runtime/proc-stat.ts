/**
 * A process-runtime container's resource use from Linux's /proc: the container is a process group
 * (spawned detached, so its pgid is the first process's pid), and its use is the sum over the group's
 * live processes of user + system time, the time of children they have reaped (so CPU spent by a
 * short-lived child is not lost when it exits), and resident memory. Pure: the stat lines in.
 */
import type { ResourceUsage } from './runtime.js';

/** USER_HZ: what /proc counts CPU time in. 100 on every Linux that Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;
/** The page size /proc's `rss` counts in (4 KiB on x86-64 and most arm64 kernels). */
export const PAGE_BYTES = 4096;

export interface ProcStat {
  readonly pid: number;
  readonly pgrp: number;
  readonly state: string;
  /** utime + stime + cutime + cstime, in clock ticks. */
  readonly cpuTicks: number;
  readonly rssPages: number;
}

/** One `/proc/<pid>/stat` line; undefined when it does not parse. The name (field 2) may hold spaces and parentheses. */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open));
  // After the name: field 3 (state) is f[0], so field N is f[N - 3].
  const f = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const n = (field: number) => Number(f[field - 3]);
  const cpuTicks = n(14) + n(15) + n(16) + n(17);
  const rssPages = n(24);
  if (!Number.isInteger(pid) || !Number.isFinite(cpuTicks) || !Number.isFinite(rssPages) || f[0] === undefined) return undefined;
  return { pid, pgrp: n(5), state: f[0], cpuTicks, rssPages };
}

/** The group's reading at `at`; undefined when no live process is left in it. */
export function processGroupUsage(stats: readonly ProcStat[], pgid: number, at: number): ResourceUsage | undefined {
  const members = stats.filter((s) => s.pgrp === pgid && s.state !== 'Z' && s.state !== 'X');
  if (members.length === 0) return undefined;
  const ticks = members.reduce((sum, s) => sum + s.cpuTicks, 0);
  const pages = members.reduce((sum, s) => sum + s.rssPages, 0);
  return { at, cpuNs: (ticks * 1e9) / CLOCK_TICKS_PER_SECOND, memoryBytes: pages * PAGE_BYTES };
}
