/**
 * Latency at a fixed request rate, as wrk2 measures it (wrk has no `-R`, and h2load's `--rate` paces
 * new connections, not requests): N keep-alive connections, each with its own schedule of send times
 * `start + k * interval` (spread by a random phase). A request is sent at its scheduled time, or as
 * soon as the previous response on that connection ended if that is later, and its latency is counted
 * from the scheduled time, so a stall is charged to every request it delayed (no coordinated
 * omission). Runs in the bench's own process, apart from every server.
 */
import net from 'node:net';

export interface FixedRateResult {
  readonly sent: number;
  readonly errors: number;
  /** Latencies in ms from each request's scheduled time, unsorted. */
  readonly latencies: Float64Array;
  readonly count: number;
}

export function percentile(r: FixedRateResult, p: number): number {
  const sorted = r.latencies.slice(0, r.count).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Parses one response off the front of `buf`: its total length, or 0 while it is incomplete. */
function responseLength(buf: Buffer): { total: number; ok: boolean } {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return { total: 0, ok: false };
  const head = buf.subarray(0, end).toString('latin1');
  const m = /content-length: *(\d+)/i.exec(head);
  const total = end + 4 + (m?.[1] !== undefined ? Number(m[1]) : 0);
  return buf.length < total ? { total: 0, ok: false } : { total, ok: head.startsWith('HTTP/1.1 200') };
}

export function fixedRate(port: number, connections: number, seconds: number, ratePerSecond: number): Promise<FixedRateResult> {
  const request = Buffer.from(`GET /bench HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  const latencies = new Float64Array(Math.ceil(ratePerSecond * seconds * 1.1) + 1024);
  const interval = (connections * 1000) / ratePerSecond;
  const start = performance.now() + 200;
  const deadline = start + seconds * 1000;
  let count = 0;
  let sent = 0;
  let errors = 0;
  return new Promise((resolve) => {
    let open = connections;
    for (let c = 0; c < connections; c++) {
      const s = net.connect(port, '127.0.0.1');
      s.setNoDelay(true);
      let due = start + Math.random() * interval;
      let buf: Buffer = Buffer.alloc(0);
      let waiting = false;
      const send = (): void => {
        if (due >= deadline) {
          s.end();
          return;
        }
        const wait = due - performance.now();
        if (wait > 0.05) {
          setTimeout(send, wait);
          return;
        }
        waiting = true;
        sent++;
        s.write(request);
      };
      s.on('connect', send);
      s.on('data', (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const r = responseLength(buf);
          if (r.total === 0) return;
          buf = buf.subarray(r.total);
          if (!r.ok) errors++;
          if (!waiting) continue;
          waiting = false;
          if (count < latencies.length) latencies[count++] = performance.now() - due;
          due += interval;
          send();
        }
      });
      s.on('error', () => errors++);
      s.on('close', () => {
        if (--open === 0) resolve({ sent, errors, latencies, count });
      });
    }
  });
}
