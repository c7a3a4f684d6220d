/**
 * Scheduled actions' schedules: `at(yyyy-mm-ddThh:mm:ss)` once, `rate(N minute|minutes|hour|hours|day|days)`
 * from StartTime (or creation), or `cron(...)` (cron.ts). `at` and `cron` read wall-clock time in the
 * action's Timezone (UTC by default), as AWS does; `rate` counts elapsed time.
 * Pure: the next firing after a moment.
 */
import { nextCronFire, parseCron, zonedInstant, type Cron } from './cron.js';
import { validation } from './scalable-target.js';

export type Schedule =
  | { readonly kind: 'at'; readonly at: number }
  | { readonly kind: 'rate'; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly cron: Cron; readonly timeZone: string };

const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3600_000, day: 86_400_000 };

export function parseSchedule(text: string, timeZone = 'UTC'): Schedule {
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(text);
  if (at) {
    const t = Date.parse(`${at[1]}Z`);
    if (Number.isNaN(t)) throw validation(`Schedule ${text} is not a valid date: at(yyyy-mm-ddThh:mm:ss).`);
    return { kind: 'at', at: zonedInstant(t, timeZone) };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return { kind: 'cron', cron: parseCron(cron[1] ?? ''), timeZone };
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!.replace(/s$/, '');
    if (n < 1) throw validation(`Schedule ${text}: the rate must be at least 1.`);
    if ((n === 1) !== (rate[2] === unit)) throw validation(`Schedule ${text}: say rate(1 ${unit}) or rate(${n > 1 ? n : 2} ${unit}s).`);
    return { kind: 'rate', everyMs: n * UNIT_MS[unit]! };
  }
  throw validation(`Schedule ${text} is not at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(...).`);
}

/** Whether a firing falls in (after, upTo]: for `rate`, counted from `from`, and never past `end`. */
export function firesBetween(s: Schedule, after: number, upTo: number, from: number, end?: number): boolean {
  const last = end === undefined ? upTo : Math.min(upTo, end);
  if (s.kind === 'at') return s.at > after && s.at <= last;
  if (s.kind === 'cron') {
    const next = nextCronFire(s.cron, Math.max(after, from - 1), s.timeZone);
    return next !== undefined && next <= last;
  }
  if (last < from) return false;
  const n = Math.floor((last - from) / s.everyMs);
  const firing = from + n * s.everyMs;
  return firing > after;
}

export interface ScheduledActionRecord {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly resourceId: string;
  readonly schedule: string;
  /** IANA name; UTC when PutScheduledAction gave none. */
  readonly timezone?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
  readonly createdAt: number;
  /** Epoch ms up to which firings have been applied (the scaler moves it). */
  readonly appliedThrough: number;
}
