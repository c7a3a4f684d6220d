/**
 * Application Auto Scaling's `cron(Minutes Hours Day-of-month Month Day-of-week Year)` schedules (the
 * six fields of EventBridge's cron), in a time zone, and their next firing after a moment.
 *  - Minutes 0-59, Hours 0-23, Month 1-12 or JAN-DEC, Year 1970-2199: `*`, lists `,`, ranges `-`, steps `/`.
 *  - Day-of-month 1-31, also `?`, `L` (last day), `L-n` (n days before it), `nW` (the weekday nearest
 *    day n, within the month) and `LW` (the last weekday).
 *  - Day-of-week 1-7 (1 = Sunday) or SUN-SAT, also `?`, `L` (every Saturday), `nL` (the month's last day n)
 *    and `n#k` (its k-th day n).
 *  - One of Day-of-month and Day-of-week is `?`, as AWS requires.
 * A wall-clock time that a daylight-saving change skips fires at the instant the offset before the
 * change gives it (an hour later on the wall clock); a repeated hour fires once, at its first instance.
 * Pure: the expression and the time zone in, epoch ms out.
 */
import { validation } from './scalable-target.js';

type DayOfMonth =
  | { readonly kind: 'any' }
  | { readonly kind: 'set'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last'; readonly before: number }
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  | { readonly kind: 'lastWeekday' };

type DayOfWeek =
  | { readonly kind: 'any' }
  | { readonly kind: 'set'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last'; readonly day: number }
  | { readonly kind: 'nth'; readonly day: number; readonly n: number };

export interface Cron {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonth;
  readonly months: ReadonlySet<number>;
  readonly dayOfWeek: DayOfWeek;
  readonly years: ReadonlySet<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MAX_YEAR = 2199;

function fieldValues(text: string, field: string, lo: number, hi: number, names?: readonly string[]): Set<number> {
  const bad = (why: string) => validation(`Schedule cron(...): ${field} ${text} ${why}.`);
  const value = (v: string): number => {
    const named = names?.indexOf(v.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + lo : /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!(n >= lo && n <= hi)) throw bad(`has ${v}, outside ${lo}-${hi}${names ? ` or ${names[0]}-${names.at(-1)}` : ''}`);
    return n;
  };
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^([^/-]+|\*)(?:-([^/]+))?(?:\/(\d+))?$/.exec(item);
    if (!m?.[1]) throw bad(`is not a value, a range, a list or a step (${item})`);
    const [from, to] = m[1] === '*' ? [lo, hi] : [value(m[1]), m[2] !== undefined ? value(m[2]) : undefined];
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (step < 1) throw bad('has a step of 0');
    if (m[1] === '*' && m[2] !== undefined) throw bad(`is not a value, a range, a list or a step (${item})`);
    // `a/n` runs from a to the field's end; `a` alone is one value.
    const last = to ?? (m[3] !== undefined ? hi : from);
    if (last < from) throw bad(`has a range that ends before it starts (${item})`);
    for (let n = from; n <= last; n += step) out.add(n);
  }
  return out;
}

function dayOfMonth(text: string): DayOfMonth {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last', before: 0 };
  if (text === 'LW') return { kind: 'lastWeekday' };
  const lastMinus = /^L-(\d+)$/.exec(text);
  if (lastMinus) {
    const before = Number(lastMinus[1]);
    if (before > 30) throw validation(`Schedule cron(...): Day-of-month ${text}: L-n takes n from 0 to 30.`);
    return { kind: 'last', before };
  }
  const w = /^(\d+)W$/.exec(text);
  if (w) {
    const day = Number(w[1]);
    if (day < 1 || day > 31) throw validation(`Schedule cron(...): Day-of-month ${text}: nW takes a day from 1 to 31.`);
    return { kind: 'nearestWeekday', day };
  }
  if (/[LW#]/.test(text)) throw validation(`Schedule cron(...): Day-of-month ${text}: L and W stand alone (L, L-n, nW, LW), not in lists or ranges.`);
  return { kind: 'set', days: fieldValues(text, 'Day-of-month', 1, 31) };
}

function dayOfWeek(text: string): DayOfWeek {
  if (text === '?') return { kind: 'any' };
  const day = (v: string) => [...fieldValues(v, 'Day-of-week', 1, 7, DAYS)][0] ?? 1;
  // `L` alone is Saturday (the week's last day), every week.
  if (text === 'L') return { kind: 'set', days: new Set([7]) };
  const last = /^([A-Za-z]{3}|\d)L$/.exec(text);
  if (last?.[1]) return { kind: 'last', day: day(last[1]) };
  const nth = /^([A-Za-z]{3}|\d)#(\d)$/.exec(text);
  if (nth?.[1]) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw validation(`Schedule cron(...): Day-of-week ${text}: n#k takes k from 1 to 5.`);
    return { kind: 'nth', day: day(nth[1]), n };
  }
  if (/[L#]/.test(text)) throw validation(`Schedule cron(...): Day-of-week ${text}: L and # stand alone (L, nL, n#k), not in lists or ranges.`);
  return { kind: 'set', days: fieldValues(text, 'Day-of-week', 1, 7, DAYS) };
}

/** `cron(...)`'s inside, six fields; ValidationException naming the field that is wrong. */
export function parseCron(expression: string): Cron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw validation(
      `Schedule cron(${expression}) needs six fields: Minutes Hours Day-of-month Month Day-of-week Year (for example cron(0 18 * * ? *)); it has ${fields.length}.`,
    );
  }
  const [min = '', hour = '', dom = '', month = '', dow = '', year = ''] = fields;
  if ((dom === '?') === (dow === '?')) {
    throw validation(`Schedule cron(${expression}): one of Day-of-month and Day-of-week must be ?, and only one (they cannot both be given).`);
  }
  for (const [name, text] of [
    ['Minutes', min],
    ['Hours', hour],
    ['Month', month],
    ['Year', year],
  ] as const) {
    if (/[?LW#]/.test(text)) throw validation(`Schedule cron(${expression}): ${name} ${text}: ? L W and # belong to the day fields only.`);
  }
  return {
    minutes: [...fieldValues(min, 'Minutes', 0, 59)].sort((a, b) => a - b),
    hours: [...fieldValues(hour, 'Hours', 0, 23)].sort((a, b) => a - b),
    dayOfMonth: dayOfMonth(dom),
    months: fieldValues(month, 'Month', 1, 12, MONTHS),
    dayOfWeek: dayOfWeek(dow),
    years: fieldValues(year, 'Year', 1970, MAX_YEAR),
  };
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** 1 = Sunday ... 7 = Saturday, as cron counts. */
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;

function nearestWeekday(y: number, m: number, day: number): number {
  const last = daysIn(y, m);
  const d = Math.min(day, last);
  const wd = weekday(y, m, d);
  if (wd === 7) return d === 1 ? 3 : d - 1; // Saturday: Friday, unless that leaves the month
  if (wd === 1) return d === last ? d - 2 : d + 1; // Sunday: Monday, unless that leaves the month
  return d;
}

export function dayMatches(c: Cron, y: number, m: number, d: number): boolean {
  const dom = c.dayOfMonth;
  const last = daysIn(y, m);
  switch (dom.kind) {
    case 'set':
      if (!dom.days.has(d)) return false;
      break;
    case 'last':
      if (d !== last - dom.before) return false;
      break;
    case 'nearestWeekday':
      if (d !== nearestWeekday(y, m, dom.day)) return false;
      break;
    case 'lastWeekday':
      if (d !== nearestWeekday(y, m, last)) return false;
      break;
    case 'any':
      break;
  }
  const dow = c.dayOfWeek;
  const wd = weekday(y, m, d);
  switch (dow.kind) {
    case 'set':
      return dow.days.has(wd);
    case 'last':
      return wd === dow.day && d + 7 > last;
    case 'nth':
      return wd === dow.day && Math.ceil(d / 7) === dow.n;
    case 'any':
      return true;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** An IANA time zone name Intl knows (AWS takes the same names), else ValidationException naming Timezone. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatOf(timeZone);
  } catch {
    throw validation(`Timezone ${timeZone} is not a time zone name of the IANA database (for example Europe/Paris or UTC).`);
  }
}

/** The wall-clock time of `t` in the zone, written as if it were UTC (epoch ms). */
export function wallClock(t: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatOf(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((t % 1000) + 1000) % 1000);
}

/** The instant a wall-clock time (written as UTC) names in the zone; the earlier one when the hour repeats. */
export function zonedInstant(wall: number, timeZone: string): number {
  // The zone's offsets around that wall time (a change of offset happens at most once in a day).
  const offsets = new Set([-12, 0, 12].map((h) => wall + h * 3600_000).map((t) => wallClock(t, timeZone) - t));
  const candidates = [...offsets].map((o) => wall - o).sort((x, y) => x - y);
  // The earlier instance of a repeated hour. In a skipped hour none maps back: the offset before
  // the change (the smaller one, as clocks go forward) gives the later instant.
  return candidates.find((t) => wallClock(t, timeZone) === wall) ?? candidates.at(-1) ?? wall;
}

/** The first firing strictly after `after`, or undefined when none is left (the Year field ended). */
export function nextCronFire(c: Cron, after: number, timeZone: string): number | undefined {
  const afterWall = wallClock(after, timeZone);
  const start = new Date(afterWall);
  // Three hours' margin for the zone's offset changing between the candidate and `after`.
  const skipBelow = afterWall - 3 * 3600_000;
  for (let y = start.getUTCFullYear(); y <= MAX_YEAR; y++) {
    if (!c.years.has(y)) continue;
    for (let m = 1; m <= 12; m++) {
      if (!c.months.has(m)) continue;
      if (Date.UTC(y, m, 1) <= skipBelow) continue;
      for (let d = 1; d <= daysIn(y, m); d++) {
        if (Date.UTC(y, m - 1, d + 1) <= skipBelow || !dayMatches(c, y, m, d)) continue;
        for (const h of c.hours) {
          for (const min of c.minutes) {
            const wall = Date.UTC(y, m - 1, d, h, min);
            if (wall < skipBelow) continue;
            const t = zonedInstant(wall, timeZone);
            if (t > after) return t;
          }
        }
      }
    }
  }
  return undefined;
}
