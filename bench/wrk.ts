/**
 * Closed-loop throughput with wrk (C, one thread): the load generator of every req/s row, so that
 * a Node load generator never caps the fast paths (nginx with N workers, the upstream alone).
 */
import { execFile } from 'node:child_process';

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Non-2xx/3xx responses plus socket errors (connect, read, write, timeout). */
  readonly errors: number;
}

const unitMs: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

function latencyMs(out: string, pct: string): number {
  const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
  return m?.[1] !== undefined && m[2] !== undefined ? Number(m[1]) * (unitMs[m[2]] ?? NaN) : NaN;
}

/** Parses wrk's `--latency` report (pure). */
export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
  return { rps, p50Ms: latencyMs(out, '50'), p99Ms: latencyMs(out, '99'), errors: non2xx + socketErrors };
}

export function wrk(url: string, connections: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve) =>
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], { timeout: (seconds + 15) * 1000 }, (_e, out, err) =>
      resolve(parseWrk(`${out}${err}`)),
    ),
  );
}
