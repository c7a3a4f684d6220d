/**
 * What a process serving listeners says about its descriptor budget: a lowered budget is a warning,
 * a raised one news; shedding is logged once per listener and reason every 10 s, with how many were
 * closed since. One place for the single-process node and each worker of a node.
 */
import type { Clock } from '../../platform/clock.js';

/** What these lines need of a logger (pino's, or a worker's LaterLogger before pino has loaded). */
export interface LineLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export function budgetChangeLog(logger: LineLog | undefined): (budget: number, previous: number) => void {
  return (budget, previous) => {
    // A lower budget means listeners will shed sooner: worth a warning; a higher one is news only.
    if (budget < previous) logger?.warn({ budget, previous }, 'client connection budget lowered (the open-files limit changed)');
    else logger?.info({ budget, previous }, 'client connection budget raised');
  };
}

export function shedLog(
  clock: Clock,
  logger: LineLog | undefined,
  budget: () => number,
): (port: number, reason: 'limit' | 'fd-pressure', closed: number) => void {
  const seen = new Map<string, { at: number; closed: number }>();
  return (port, reason, closed) => {
    const key = `${port}:${reason}`;
    const entry = seen.get(key) ?? { at: -Infinity, closed: 0 };
    entry.closed += closed;
    seen.set(key, entry);
    if (clock.now() - entry.at < 10_000) return;
    logger?.warn({ port, reason, closed: entry.closed, budget: budget() }, 'listener shed client connections');
    entry.at = clock.now();
    entry.closed = 0;
  };
}
