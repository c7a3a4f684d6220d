/**
 * Steady load through a listener during a traffic shift, counted the way a deployment test needs:
 * - Berth failures (a connection error, a 502/503/504, or any answer the load balancer made itself,
 *   `Server: awselb/2.0`): what a zero-downtime deployment must never show;
 * - application errors (the app's own non-2xx, e.g. a bad revision's 500s): what a rollback limits;
 * - which revision answered (the test image's whoami CGI prints `"version":"$APP_VERSION"`), in total
 *   and per time bucket, so a test sees each step of the shift and when green first answered.
 * `concurrency` workers send GETs back to back on keep-alive connections until stopped; bounded by `maxMs`.
 */
import { Agent, request } from 'undici';

export interface ShiftCounts {
  readonly total: number;
  /** 2xx answers by revision (`?` when the body names none). */
  readonly byRevision: ReadonlyMap<string, number>;
  /** Connection errors and the load balancer's own error answers, by kind. */
  readonly berthFailures: ReadonlyMap<string, number>;
  /** The application's own non-2xx answers, by status and body. */
  readonly appErrors: ReadonlyMap<string, number>;
}

export interface ShiftBucket extends ShiftCounts {
  /** Epoch ms the bucket starts at (a multiple of the bucket size). */
  readonly at: number;
}

export interface ShiftLoad {
  /** Counts since the start. */
  snapshot(): ShiftCounts;
  /** Counts per time bucket, oldest first (buckets with no request left out). */
  buckets(): ShiftBucket[];
  stop(): Promise<ShiftCounts>;
}

interface MutableCounts {
  total: number;
  byRevision: Map<string, number>;
  berthFailures: Map<string, number>;
  appErrors: Map<string, number>;
}

const empty = (): MutableCounts => ({ total: 0, byRevision: new Map(), berthFailures: new Map(), appErrors: new Map() });
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const copy = (c: MutableCounts): ShiftCounts => ({
  total: c.total,
  byRevision: new Map(c.byRevision),
  berthFailures: new Map(c.berthFailures),
  appErrors: new Map(c.appErrors),
});
const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((n, v) => n + v, 0);

export const berthFailed = (c: ShiftCounts): number => sum(c.berthFailures);
export const appFailed = (c: ShiftCounts): number => sum(c.appErrors);
export const answeredBy = (c: ShiftCounts, revision: string): number => c.byRevision.get(revision) ?? 0;
/** 2xx answers in all. */
export const answered = (c: ShiftCounts): number => sum(c.byRevision);

/** `later` minus `earlier` (two snapshots of one load): what happened between them. */
export function between(earlier: ShiftCounts, later: ShiftCounts): ShiftCounts {
  const minus = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) =>
    new Map([...a].map(([k, v]) => [k, v - (b.get(k) ?? 0)] as const).filter(([, v]) => v !== 0));
  return {
    total: later.total - earlier.total,
    byRevision: minus(later.byRevision, earlier.byRevision),
    berthFailures: minus(later.berthFailures, earlier.berthFailures),
    appErrors: minus(later.appErrors, earlier.appErrors),
  };
}

/** A revision's share of the 2xx answers, in percent (0 when there were none). */
export function shareOf(c: ShiftCounts, revision: string): number {
  const all = answered(c);
  return all === 0 ? 0 : (answeredBy(c, revision) / all) * 100;
}

/** One line for a diagnostic or an assertion message. */
export function describeCounts(c: ShiftCounts): string {
  const list = (m: ReadonlyMap<string, number>) => JSON.stringify(Object.fromEntries(m));
  return `${c.total} requests, answered by ${list(c.byRevision)}, Berth failures ${list(c.berthFailures)}, app errors ${list(c.appErrors)}`;
}

const LB_ERRORS = new Set([502, 503, 504]);

export function startShiftLoad(url: string, options: { concurrency?: number; maxMs?: number; pauseMs?: number; bucketMs?: number } = {}): ShiftLoad {
  const concurrency = options.concurrency ?? 4;
  const bucketMs = options.bucketMs ?? 1000;
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const all = empty();
  const byBucket = new Map<number, MutableCounts>();
  let running = true;
  const deadline = Date.now() + (options.maxMs ?? 120_000);

  // Counted when the answer arrives: the bucket says when that revision was serving.
  const count = (kind: 'ok' | 'berth' | 'app', key: string) => {
    const at = Math.floor(Date.now() / bucketMs) * bucketMs;
    let b = byBucket.get(at);
    if (!b) byBucket.set(at, (b = empty()));
    for (const c of [all, b]) {
      c.total++;
      bump(kind === 'ok' ? c.byRevision : kind === 'berth' ? c.berthFailures : c.appErrors, key);
    }
  };

  const worker = async (): Promise<void> => {
    while (running && Date.now() < deadline) {
      try {
        const res = await request(url, { dispatcher, headersTimeout: 15_000, bodyTimeout: 15_000 });
        const text = (await res.body.text()).trim();
        const server = res.headers.server;
        if (res.statusCode >= 200 && res.statusCode < 300) count('ok', /"version":"([^"]*)"/.exec(text)?.[1] ?? '?');
        else if (LB_ERRORS.has(res.statusCode) || server === 'awselb/2.0') count('berth', `HTTP ${res.statusCode}`);
        else count('app', `HTTP ${res.statusCode}: ${text.slice(0, 60)}`);
      } catch (err) {
        count('berth', `error ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  let stopped: Promise<ShiftCounts> | undefined;
  return {
    snapshot: () => copy(all),
    buckets: () => [...byBucket].sort(([a], [b]) => a - b).map(([at, c]) => ({ at, ...copy(c) })),
    // Idempotent: a test stops it where it measures, and again in its clean-up.
    stop: () => {
      stopped ??= (async () => {
        running = false;
        await Promise.all(workers);
        await dispatcher.close();
        return copy(all);
      })();
      return stopped;
    },
  };
}
