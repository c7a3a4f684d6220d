/**
 * The open-files limit: each idle connection to a listener holds a descriptor, so the soft limit
 * (often 1,024) is what caps connections, not memory. Node has no setrlimit; Node itself raises the
 * soft limit to the hard one at start-up, but embedders and some launchers skip that, so Berth
 * checks, raises it with util-linux `prlimit` on its own pid when it is still below, and logs the
 * limit in use either way.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from '../platform/logger.js';

export interface FdLimit {
  readonly soft: number;
  readonly hard: number;
}

/** Pure: the `Max open files` row of /proc/<pid>/limits ("unlimited" reads as Infinity). */
export function parseNofile(limitsText: string): FdLimit | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
  if (!m) return undefined;
  const n = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
  const soft = n(m[1]!);
  const hard = n(m[2]!);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

export interface FdLimitIo {
  readLimits(): string;
  /** Sets soft = hard = limit on this process. */
  raise(limit: number): void;
}

const systemIo = (pid: number): FdLimitIo => ({
  readLimits: () => readFileSync(`/proc/${pid}/limits`, 'utf8'),
  raise: (limit) => void execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limit}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 }),
});

/** Raises the soft limit to the hard limit if it is below; returns the limit in use (undefined off Linux). */
export function raiseFdLimit(logger: Logger, io: FdLimitIo = systemIo(process.pid)): FdLimit | undefined {
  let limit: FdLimit | undefined;
  try {
    limit = parseNofile(io.readLimits());
  } catch (err) {
    logger.warn({ err }, 'open-files limit unknown: /proc/self/limits is not readable');
    return undefined;
  }
  if (!limit) {
    logger.warn('open-files limit unknown: no "Max open files" in /proc/self/limits');
    return undefined;
  }
  if (limit.soft < limit.hard && Number.isFinite(limit.hard)) {
    try {
      io.raise(limit.hard);
      limit = parseNofile(io.readLimits()) ?? limit;
    } catch (err) {
      const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
      logger.warn({ soft: limit.soft, hard: limit.hard, why }, 'could not raise the open-files soft limit to the hard limit (prlimit)');
    }
  }
  logger.info({ soft: limit.soft, hard: limit.hard }, 'open-files limit in use');
  return limit;
}
