import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type http from 'node:http';
import { eventually } from '../../../test/support/eventually.js';
import { freePort, startLb, table, target, tg, upstream } from './proxy.fixture.js';

const MiB = 1024 * 1024;
/** Far more than every socket buffer on the way (two loopback hops, each a few MiB at most). */
const total = 128 * MiB;
/** What may sit in socket buffers and the proxy's stream buffers while one side is paused. */
const bound = 48 * MiB;
const chunk = Buffer.alloc(64 * 1024, 'x');

/** Writes `bytes` to a writable as fast as it accepts them, waiting for 'drain' when it says so. */
function pump(w: NodeJS.WritableStream, bytes: number, progress: { written: number; blocked: boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    const more = (): void => {
      progress.blocked = false;
      while (progress.written < bytes) {
        const n = Math.min(chunk.length, bytes - progress.written);
        progress.written += n;
        if (!w.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          progress.blocked = true;
          w.once('drain', more);
          return;
        }
      }
      resolve();
    };
    w.on('error', reject);
    more();
  });
}

/** Polls until `read()` stops changing for three polls in a row, and returns it. */
async function settled(what: string, read: () => number, blocked: () => boolean): Promise<number> {
  let last = -1;
  let same = 0;
  return eventually(
    () => {
      const now = read();
      same = now === last && blocked() ? same + 1 : 0;
      last = now;
      return { now, same };
    },
    { what, timeoutMs: 20_000, intervalMs: 100, until: (s) => s.same >= 3 },
  ).then((s) => s.now);
}

describe('proxy: backpressure both ways', () => {
  test('a paused client reader pauses the target: the response is never buffered whole', async () => {
    const progress = { written: 0, blocked: false };
    let finished: Promise<void> | undefined;
    const up = await upstream((_q, res: http.ServerResponse) => {
      res.writeHead(200, { 'Content-Length': total });
      finished = pump(res, total, progress).then(() => void res.end());
    });
    const port = await freePort();
    const lb = await startLb(table({ port, groups: [tg('tg', [target(up.port)])] }));
    const client = net.connect(port, '127.0.0.1');
    let received = 0;
    let holding = true;
    client.on('data', (d: Buffer) => {
      received += d.length;
      // Read the head and a little of the body, then stop reading altogether.
      if (holding && received > 256 * 1024) client.pause();
    });
    client.write(`GET /big HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    await eventually(() => progress.written, { what: 'the target to start writing', timeoutMs: 10_000, intervalMs: 10, until: (n) => n > 0 });
    const stalled = await settled(
      'the target to stall behind the paused client',
      () => progress.written,
      () => progress.blocked,
    );
    assert.ok(stalled < bound, `the target wrote ${(stalled / MiB).toFixed(1)} MiB before it was held back (bound ${bound / MiB} MiB)`);
    assert.ok(received < bound, `the client had ${(received / MiB).toFixed(1)} MiB`);
    // Reading again lets the whole response through.
    holding = false;
    client.resume();
    await eventually(() => received, { what: 'the whole response at the client', timeoutMs: 60_000, until: (n) => n >= total });
    await finished;
    client.destroy();
    await lb.close();
    await up.close();
  });

  test('a paused target reader pauses the client upload: the request body is never buffered whole', async () => {
    let req: http.IncomingMessage | undefined;
    let read = 0;
    let holding = true;
    const up = await upstream((q, res) => {
      req = q;
      q.on('data', (d: Buffer) => {
        read += d.length;
        if (holding && read > 256 * 1024) q.pause();
      });
      q.on('end', () => res.end(String(read)));
    });
    const port = await freePort();
    const lb = await startLb(table({ port, groups: [tg('tg', [target(up.port)])] }));
    const client = net.connect(port, '127.0.0.1');
    let answer = '';
    client.setEncoding('latin1');
    client.on('data', (d: string) => (answer += d));
    await new Promise<void>((r) => client.once('connect', () => r()));
    client.write(`POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${total}\r\n\r\n`);
    const progress = { written: 0, blocked: false };
    const sent = pump(client, total, progress);
    await eventually(() => read, { what: 'the target to read some of the body', timeoutMs: 10_000, intervalMs: 10, until: (n) => n > 0 });
    const stalled = await settled(
      'the client upload to stall behind the paused target',
      () => progress.written,
      () => progress.blocked,
    );
    assert.ok(stalled < bound, `the client sent ${(stalled / MiB).toFixed(1)} MiB before it was held back (bound ${bound / MiB} MiB)`);
    holding = false;
    req?.resume();
    await sent;
    await eventually(() => answer, { what: 'the answer', timeoutMs: 60_000, until: (a) => a.endsWith(String(total)) });
    assert.match(answer, /^HTTP\/1\.1 200/);
    client.destroy();
    await lb.close();
    await up.close();
  });
});
