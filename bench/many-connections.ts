/**
 * Many concurrent keep-alive client connections held at once: open them in batches (a listen
 * backlog is ~511), send one request on each, and once all are open and answered, send a second
 * request on every one of them (so each was really kept alive, not re-opened), then measure the
 * RSS of the serving processes while the connections are still open.
 */
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

export interface ManyConnectionsResult {
  readonly connections: number;
  /** Connections that failed, closed early, or got anything but 200. */
  readonly errors: number;
  /** RSS in MiB per process of the serving tree (the root first): before, and with all connections open. */
  readonly rssMiB: ReadonlyArray<{ pid: number; beforeMiB: number; rssMiB: number }>;
}

/** The pid and its descendants (Linux /proc). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i];
    if (p === undefined) break;
    try {
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) out.push(Number(k));
      }
    } catch {
      // The process went away between the listing and the read.
    }
  }
  return out;
}

/** User + system CPU seconds of the process and its descendants so far (Linux /proc, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      // Fields after the command name (which may hold spaces) start at state: utime is the 12th.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / 100;
}

export function rssMiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] !== undefined ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface Conn {
  socket: net.Socket;
  buf: string;
  answered: number;
  onAnswer: (() => void) | undefined;
}

function answeredOnce(c: Conn): Promise<void> {
  return new Promise((resolve) => {
    c.onAnswer = resolve;
  });
}

/**
 * `stuckMs`: a connection idle that long before its second answer counts as an error (on a loaded
 * machine the first pass over every connection can take longer than the bench's 30 s).
 */
export async function holdManyConnections(
  port: number,
  n: number,
  servingPid: number,
  batch = 250,
  host = '127.0.0.1',
  stuckMs = 30_000,
): Promise<ManyConnectionsResult> {
  const request = `GET /bench HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`;
  const before = new Map(processTree(servingPid).map((pid) => [pid, rssMiB(pid)]));
  const conns: Conn[] = [];
  let errors = 0;
  const open = (): Promise<Conn> =>
    new Promise((resolve) => {
      const c: Conn = { socket: net.connect(port, host), buf: '', answered: 0, onAnswer: undefined };
      let failed = false;
      const fail = (): void => {
        if (failed) return;
        failed = true;
        errors++;
        c.onAnswer?.();
      };
      c.socket.on('error', fail);
      // A connection stuck before its second answer counts as an error instead of hanging the bench.
      c.socket.setTimeout(stuckMs, () => {
        if (c.answered < 2) c.socket.destroy();
      });
      c.socket.on('close', () => {
        if (c.answered < 2) fail();
      });
      c.socket.on('data', (d: Buffer) => {
        c.buf += d.toString('latin1');
        const end = c.buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const m = /content-length: *(\d+)/i.exec(c.buf.slice(0, end));
        const total = end + 4 + (m?.[1] !== undefined ? Number(m[1]) : 0);
        if (c.buf.length < total) return;
        if (!c.buf.startsWith('HTTP/1.1 200')) errors++;
        c.buf = c.buf.slice(total);
        c.answered++;
        const done = c.onAnswer;
        c.onAnswer = undefined;
        done?.();
      });
      const first = answeredOnce(c);
      c.socket.once('connect', () => c.socket.write(request));
      void first.then(() => resolve(c));
    });
  for (let i = 0; i < n; i += batch) conns.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, open))));
  for (let i = 0; i < conns.length; i += batch) {
    await Promise.all(
      conns.slice(i, i + batch).map((c) => {
        if (c.socket.destroyed) return Promise.resolve();
        const again = answeredOnce(c);
        c.socket.write(request);
        return again;
      }),
    );
  }
  const rss = processTree(servingPid).map((pid) => ({ pid, beforeMiB: before.get(pid) ?? Number.NaN, rssMiB: rssMiB(pid) }));
  const live = conns.filter((c) => !c.socket.destroyed && c.answered >= 2).length;
  for (const c of conns) c.socket.destroy();
  return { connections: live, errors, rssMiB: rss };
}
