/**
 * Steady load through a listener for zero-downtime tests: `concurrency` workers send GETs (or, with
 * `method: 'POST'`, POSTs with a small body, which nothing may retry) back to back on keep-alive
 * connections until stopped, counting every status and every connection error.
 * Bounded: it stops by itself after `maxMs`. For an HTTPS listener, `tls` names the CA to trust and
 * the SNI name to send (the certificate is verified, as a browser would).
 */
import { Agent, request } from 'undici';

export interface LoadResult {
  readonly total: number;
  readonly ok: number;
  /** Status code → count, for everything that was not 2xx. */
  readonly failures: ReadonlyMap<string, number>;
  /** Distinct response bodies seen (trimmed), to tell targets apart. */
  readonly bodies: ReadonlyMap<string, number>;
}

export interface LoadLoop {
  stop(): Promise<LoadResult>;
  /** Counts so far, without stopping. */
  snapshot(): LoadResult;
}

export function startLoad(
  url: string,
  options: { concurrency?: number; maxMs?: number; pauseMs?: number; method?: 'GET' | 'POST'; tls?: { ca: string; servername: string } } = {},
): LoadLoop {
  const dispatcher = new Agent({
    connections: options.concurrency ?? 4,
    keepAliveTimeout: 30_000,
    ...(options.tls ? { connect: { ca: options.tls.ca, servername: options.tls.servername } } : {}),
  });
  const failures = new Map<string, number>();
  const bodies = new Map<string, number>();
  let total = 0;
  let ok = 0;
  let running = true;
  const deadline = Date.now() + (options.maxMs ?? 120_000);
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  const worker = async (): Promise<void> => {
    while (running && Date.now() < deadline) {
      total++;
      try {
        const post =
          options.method === 'POST' ? { method: 'POST' as const, body: `n=${total}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {};
        const res = await request(url, { dispatcher, headersTimeout: 15_000, bodyTimeout: 15_000, ...post });
        const text = (await res.body.text()).trim();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          ok++;
          bump(bodies, text.slice(0, 200));
        } else bump(failures, `HTTP ${res.statusCode}: ${text.slice(0, 80)}`);
      } catch (err) {
        bump(failures, `error ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 4 }, worker);
  const snapshot = (): LoadResult => ({ total, ok, failures: new Map(failures), bodies: new Map(bodies) });
  return {
    snapshot,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      await dispatcher.close();
      return snapshot();
    },
  };
}
