/**
 * Long work in slices: a long computation written as a generator `yield`s where it may stop for a
 * while and returns its result. It runs to the end at once (runToEnd), or in slices that each stay
 * within a time budget (time-slice.ts, the only part that looks at the time). Pure: pure folders
 * (reconciling, scheduling) may use it.
 */

/** Work that may pause at each `yield` and returns T. */
export type Sliced<T> = Generator<void, T, void>;

/** Runs it to the end without pausing. */
export function runToEnd<T>(work: Sliced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}
