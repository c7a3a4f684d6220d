/**
 * A pass that runs every `everyMs` and on demand, never two at once: a call while one runs gets that
 * run's promise. For the leader's loops that re-read everything each time (alarm evaluation, auto
 * scaling); a failed timed pass is reported and the next one tries again.
 */
export interface PeriodicPass<T> {
  /** Runs a pass now, or joins the one running. */
  run(): Promise<T>;
  stop(): void;
}

export function periodicPass<T>(pass: () => Promise<T>, everyMs: number, onError: (err: unknown) => void): PeriodicPass<T> {
  let running: Promise<T> | undefined;
  const run = (): Promise<T> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => run().catch(onError), everyMs);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
