/**
 * Sliced work (sliced.ts) run within a time budget: `pause()` gives the event loop back (timers,
 * sockets, watches) once the budget is used, so a long controller pass never holds it for long.
 */
import type { Sliced } from './sliced.js';

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
