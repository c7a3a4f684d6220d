/**
 * How long the event loop was held, two ways at once: perf_hooks' monitorEventLoopDelay (its max, 1 ms
 * resolution) and a probe timer that notes every gap between its ticks longer than `minGapMs`, with
 * when it ended, so the longest holds can be placed in the run's timeline. On a machine shared with
 * other work a gap is also time the process sat descheduled, so each gap carries the CPU time the
 * process used in it (process.cpuUsage: this thread plus GC helpers): the longest by CPU is the
 * figure that does not grow with the machine's load.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopLag {
  /** Stops both; resolves after one more tick so a hold just before is counted. */
  stop(): Promise<LagFigures>;
}

export interface LagFigures {
  /** monitorEventLoopDelay's max, ms. */
  readonly histogramMaxMs: number;
  /** The probe's gaps longer than minGapMs, longest first: [gap ms, ms since start at its end, CLOCK_MONOTONIC µs at its end (a --cpu-prof profile's clock)]. */
  readonly gaps: readonly (readonly [number, number, number])[];
  /** The probe's longest gap, ms (≥ the 1 ms interval). */
  readonly probeMaxMs: number;
  /** The most CPU time the process used within one gap, ms. */
  readonly cpuMaxMs: number;
}

/** Resolves once both are running: the histogram's first tick only sets its baseline. */
export async function startLoopLag(minGapMs = 20): Promise<LoopLag> {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  let last = t0;
  let max = 0;
  let cpuMax = 0;
  let cpuLast = process.cpuUsage();
  const gaps: [number, number, number][] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    if (gap > max) max = gap;
    if (gap > minGapMs) {
      gaps.push([gap, now - t0, Number(process.hrtime.bigint() / 1000n)]);
      const cpu = process.cpuUsage(cpuLast);
      const ms = (cpu.user + cpu.system) / 1000;
      if (ms > cpuMax) cpuMax = ms;
    }
    cpuLast = process.cpuUsage();
  }, 1);
  await new Promise((r) => setTimeout(r, 5));
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 5));
      clearInterval(timer);
      h.disable();
      gaps.sort((a, b) => b[0] - a[0]);
      return { histogramMaxMs: h.max / 1e6, gaps, probeMaxMs: max, cpuMaxMs: cpuMax };
    },
  };
}
