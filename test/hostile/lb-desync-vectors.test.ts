/**
 * Every http-desync-guardian vector, replayed as raw bytes on a real listener in each of ALB's three
 * `routing.http.desync_mitigation_mode`s, must get the action ALB documents for its class:
 *
 * | class      | monitor | defensive     | strictest |
 * | compliant  | forward | forward       | forward   |
 * | acceptable | forward | forward       | 400       |
 * | ambiguous  | forward | forward+close | 400       |
 * | severe     | forward | 400           | 400       |
 *
 * "forward" means the target answered and the client connection stays open; "forward+close" that
 * the target answered and the connection was closed after the response; "400" ALB's 400 with the
 * connection closed and nothing sent to the target. Requests neither Node's strict HTTP parser nor
 * our fallback framer (`parser-fallback.ts`) can frame are refused with 400 in every mode, monitor
 * included (docs/differences.md); they are pinned here so a parser change shows up, and no
 * compliant vector may be among them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePort, startLb, table, target, tg, upstream, type Lb, type Upstream } from '../../src/load-balancer/proxy/proxy.fixture.js';
import { desyncVectors, type DesyncVector } from '../../src/load-balancer/proxy/desync-vectors.fixture.js';
import type { DesyncMode } from '../../src/load-balancer/routing-table.js';

type Action = 'forward' | 'forward+close' | '400';
const modes: DesyncMode[] = ['monitor', 'defensive', 'strictest'];
const alb: Record<DesyncVector['class'], Record<DesyncMode, Action>> = {
  compliant: { monitor: 'forward', defensive: 'forward', strictest: 'forward' },
  acceptable: { monitor: 'forward', defensive: 'forward', strictest: '400' },
  ambiguous: { monitor: 'forward', defensive: 'forward+close', strictest: '400' },
  severe: { monitor: 'forward', defensive: '400', strictest: '400' },
};

/** The request line, headers and a body framed the way Node frames it (exact TE, else exact CL). */
function bytesOf(v: DesyncVector): string {
  const line = v.version === '' ? `${v.method} ${v.uri}` : `${v.method} ${v.uri} ${v.version}`;
  let head = `${line}\r\n`;
  let te = false;
  let length = 0;
  for (let i = 0; i < v.headers.length; i += 2) {
    const name = v.headers[i]!;
    const value = v.headers[i + 1]!;
    head += `${name}: ${value}\r\n`;
    if (name.toLowerCase() === 'transfer-encoding') te = true;
    // Up to the 4 MB of the largest vector; beyond that the parser refuses the length anyway.
    else if (name.toLowerCase() === 'content-length' && /^\s*\d+\s*$/.test(value) && Number(value) <= 4_000_000) length = Number(value);
  }
  return `${head}\r\n${te ? '0\r\n\r\n' : 'a'.repeat(length)}`;
}

/**
 * Sends the bytes on a new connection; once one whole response is in, asks again on the same
 * connection: a connection left open answers the probe, one the listener closes ends instead. No
 * timer decides it. `text` is the answer to the vector alone.
 */
function exchange(port: number, bytes: string, head: boolean): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let first: string | undefined;
    const done = (closed: boolean): void => {
      clearTimeout(limit);
      s.destroy();
      resolve({ text: first ?? text, closed });
    };
    const limit = setTimeout(() => done(false), 10_000);
    s.setEncoding('latin1');
    s.on('data', (c: string) => {
      text += c;
      if (first === undefined) {
        const end = text.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text)?.[1];
        const whole = end >= 0 && (head ? end + 4 : length !== undefined ? end + 4 + Number(length) : -1);
        if (whole !== false && whole >= 0 && text.length >= whole) {
          first = text;
          s.write('GET /probe HTTP/1.1\r\nHost: probe\r\n\r\n', 'latin1');
        }
        return;
      }
      // The probe was answered: the connection had stayed open.
      if (/HTTP\/1\.1 \d{3} /.test(text.slice(first.length))) done(false);
    });
    s.on('close', () => done(true));
    s.on('error', () => {});
    s.write(bytes, 'latin1');
  });
}

async function outcome(port: number, v: DesyncVector): Promise<Action | string> {
  const r = await exchange(port, bytesOf(v), v.method === 'HEAD');
  const responses = (r.text.match(/HTTP\/1\.1 \d{3} /g) ?? []).length;
  if (responses !== 1) return `${responses} responses: ${JSON.stringify(r.text.slice(0, 120))}`;
  if (/^HTTP\/1\.1 400 /.test(r.text) && /\r\nServer: awselb\/2\.0\r\n/.test(r.text)) return r.closed ? '400' : '400 left open';
  if (/^HTTP\/1\.1 200 /.test(r.text)) return r.closed ? 'forward+close' : 'forward';
  return JSON.stringify(r.text.slice(0, 120));
}

const vectors = desyncVectors();

describe('http-desync-guardian vectors replayed on a listener, per mitigation mode', () => {
  let up: Upstream;
  const lbs = new Map<DesyncMode, Lb>();
  const results = new Map<DesyncMode, Array<Action | string>>();
  let reachedTarget = 0;
  before(async () => {
    up = await upstream((req, res) => {
      req.resume();
      req.on('end', () => res.end('reached'));
    });
    // The probes that tell an open connection from a closed one are not the vectors' requests.
    up.server.on('request', (req: { url?: string }) => {
      if (req.url !== '/probe') reachedTarget++;
    });
    for (const mode of modes) {
      lbs.set(mode, await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])], attributes: { desyncMitigationMode: mode } })));
    }
    // All vectors of a mode at once: each one waits for its connection to close or stay open.
    for (const mode of modes) results.set(mode, await Promise.all(vectors.map((v) => outcome(lbs.get(mode)!.port, v))));
  });
  after(async () => {
    for (const lb of lbs.values()) await lb.close();
    await up.close();
  });

  const refusedByParser = (i: number): boolean => modes.every((m) => results.get(m)![i] === '400') && results.get('monitor')![i] === '400';

  test('the parser refuses only non-compliant vectors, in every mode alike: all 28 compliant ones are forwarded', () => {
    const refused = vectors.filter((_v, i) => refusedByParser(i));
    assert.deepEqual(
      refused.filter((v) => v.class === 'compliant').map((v) => v.name),
      [],
    );
    assert.equal(vectors.filter((v, i) => v.class === 'compliant' && modes.every((m) => results.get(m)![i] === 'forward')).length, 28);
    assert.equal(refused.length, 110, `refused by the parser: ${refused.length}`);
  });

  for (const [i, v] of vectors.entries()) {
    test(`${v.file}: ${v.name} (${v.class}) gets ALB's action in each mode`, () => {
      const got = modes.map((m) => results.get(m)![i]);
      if (refusedByParser(i) && v.class !== 'compliant') {
        assert.deepEqual(got, ['400', '400', '400']);
        return;
      }
      // HTTP/1.0 and 0.9 connections close after the response by HTTP's own rule, forwarded or not.
      const keepAlive = v.headers.some((h, j) => j % 2 === 0 && h.toLowerCase() === 'connection' && /keep-alive/i.test(v.headers[j + 1]!));
      const oldHttp = !v.version.trim().startsWith('HTTP/1.1') && !keepAlive;
      assert.deepEqual(
        got,
        modes.map((m) => (oldHttp && alb[v.class][m] === 'forward' ? 'forward+close' : alb[v.class][m])),
      );
    });
  }

  test('what was forwarded reached the target once per forwarded request', () => {
    const forwarded = [...results.values()].flat().filter((r) => r === 'forward' || r === 'forward+close').length;
    assert.equal(reachedTarget, forwarded);
  });
});
