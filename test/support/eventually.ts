/**
 * Waits for a condition instead of sleeping: polls `probe` until it returns something other than
 * undefined. A probe that throws is retried (the system may not answer yet); the last error goes into
 * the timeout's message so a failure says what was seen, not only that time ran out.
 */
export interface EventuallyOptions {
  /** What is awaited, for the timeout's message: `timed out: <what>`. */
  what: string;
  timeoutMs: number;
  /** Between probes; 250 ms unless told. */
  intervalMs?: number;
}

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, options: EventuallyOptions): Promise<T> {
  const { what, timeoutMs, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}${last !== undefined ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
