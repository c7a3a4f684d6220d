/**
 * How long Berth keeps metric data, and at which resolutions. CloudWatch keeps 1-minute data 15 days
 * and 5-minute data 63 days; Berth keeps 1-minute data for 24 hours and 5-minute data for 15 days
 * (docs/differences.md), so a busy host's metric file stays a few MB. Both resolutions are written
 * as samples arrive; the pruner drops what has aged out.
 */
export const MINUTE = 60_000;
export const FIVE_MINUTES = 5 * MINUTE;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type Resolution = 60 | 300;

export const RESOLUTIONS: readonly Resolution[] = [60, 300];

/** Data of each resolution is kept this long (a little over the promise, so the edge is never short). */
export const RETENTION_MS: Readonly<Record<Resolution, number>> = { 60: DAY + HOUR, 300: 15 * DAY + HOUR };

/** The promise, as documented: 1-minute data for 24 h, 5-minute data for 15 days. */
export const PROMISED_MS: Readonly<Record<Resolution, number>> = { 60: DAY, 300: 15 * DAY };

/** The start of the bucket of `resolution` seconds holding `t` (epoch ms). */
export function bucketStart(t: number, resolution: number): number {
  const size = resolution * 1000;
  return Math.floor(t / size) * size;
}

/**
 * The resolution a query of `periodSeconds` starting at `start` reads: 1-minute buckets while they
 * are kept, 5-minute ones after. Undefined when the period does not fit the data that is left (a
 * 60 s period over data older than a day), which the caller words as CloudWatch would.
 */
export function resolutionFor(periodSeconds: number, start: number, now: number): Resolution | undefined {
  if (now - start <= PROMISED_MS[60]) return periodSeconds % 60 === 0 ? 60 : undefined;
  return periodSeconds % 300 === 0 ? 300 : undefined;
}
