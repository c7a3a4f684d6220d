/**
 * Waits for a condition instead of sleeping: polls `probe` until it returns something other than
 * undefined (or, with `until`, a value `until` accepts). A probe that throws is retried (the system
 * may not answer yet); the last error or value goes into the timeout's message so a failure says
 * what was seen, not only that time ran out. The suite's one poll helper: no test sleeps instead.
 */
export interface EventuallyOptions {
  /** What is awaited, for the timeout's message: `timed out: <what>`. */
  what: string;
  timeoutMs: number;
  /** Between probes; 250 ms unless told. */
  intervalMs?: number;
}

export interface EventuallyUntil<T> extends EventuallyOptions {
  /** The value is awaited until this accepts it. */
  until: (value: T) => boolean;
}

export async function eventually<T>(probe: () => Promise<T> | T, options: EventuallyUntil<T>): Promise<T>;
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, options: EventuallyOptions): Promise<T>;
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: EventuallyOptions & { until?: (value: T) => boolean },
): Promise<T> {
  const { what, timeoutMs, intervalMs = 250, until } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (until ? until(v as T) : v !== undefined) return v as T;
      if (until) last = `last: ${JSON.stringify(v)}`;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}${last !== undefined ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
