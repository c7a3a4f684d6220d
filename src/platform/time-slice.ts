/**
 * Long work in slices: a long computation written as a generator (it `yield`s at points where it may
 * stop for a while, and returns its result) runs either to the end at once, or in slices that each
 * stay within a time budget, giving the event loop back in between (timers, sockets, watches). The
 * generator stays pure; only the driver looks at the time.
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

/** A running budget: `pause()` gives the event loop back once `budgetMs` have passed since the last pause. */
export class TimeSlice {
  private started: number;

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  /** True once this slice has used its budget. */
  get due(): boolean {
    return this.now() - this.started >= this.budgetMs;
  }

  /** Yields to the event loop (setImmediate: I/O and timers run first) when the budget is used; else returns at once. */
  async pause(): Promise<void> {
    if (!this.due) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = this.now();
  }

  /** Runs `work`, pausing at its yields whenever the budget is used. */
  async run<T>(work: Sliced<T>): Promise<T> {
    for (;;) {
      const step = work.next();
      if (step.done) return step.value;
      await this.pause();
    }
  }
}
