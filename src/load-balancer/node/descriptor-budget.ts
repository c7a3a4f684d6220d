/**
 * How many client connections the listeners may hold: a share of the process's file-descriptor
 * soft limit, so that idle sockets can never take the descriptors the API, the store, target
 * connections and health checks need. The limit is re-read every second (it can change under a
 * running process: prlimit, or the runtime raising its own soft limit), from /proc/self/limits on
 * Linux; elsewhere the budget is unbounded and only the per-listener limit applies.
 */
import { readFileSync } from 'node:fs';

/** Client connections get this share of the descriptors; the rest is for everything else. */
export const clientShare = 0.5;

/** The soft "Max open files" of a /proc/<pid>/limits text; undefined when absent or unlimited. */
export function softDescriptorLimit(limits: string): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
}

export function clientBudget(softLimit: number | undefined): number {
  return softLimit === undefined ? Infinity : Math.max(16, Math.floor(softLimit * clientShare));
}

export interface DescriptorBudget {
  /** Client connections allowed now. */
  readonly current: () => number;
  stop(): void;
}

/** `onChange` hears each new budget (a limit lowered under a running process is worth a log line). */
export function watchDescriptorBudget(
  read: () => string | undefined = readProcLimits,
  intervalMs = 1000,
  onChange?: (budget: number, previous: number) => void,
): DescriptorBudget {
  const refresh = (): number => {
    const text = read();
    return clientBudget(text === undefined ? undefined : softDescriptorLimit(text));
  };
  let budget = refresh();
  const timer = setInterval(() => {
    const next = refresh();
    if (next === budget) return;
    const previous = budget;
    budget = next;
    onChange?.(next, previous);
  }, intervalMs);
  timer.unref();
  return { current: () => budget, stop: () => clearInterval(timer) };
}

function readProcLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}
