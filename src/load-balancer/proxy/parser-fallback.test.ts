/**
 * Requests Node's parser refuses but ALB frames (empty target, raw UTF-8 target, Transfer-Encoding
 * parameters), framed by parser-fallback.ts on a real listener: forwarded with their bodies, on a
 * connection that stays usable; and hostile input on that path still gets a 400 and a closed
 * connection, with the listener up afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fc from 'fast-check';
import { eventually } from '../../../test/support/eventually.js';
import { freePort, raw, startLb, table, target, tg, upstream, type Lb, type Upstream } from './proxy.fixture.js';
import type { DesyncMode } from '../routing-table.js';

/** One client connection, read as it goes. */
function connection(port: number) {
  const s = net.connect(port, '127.0.0.1');
  let text = '';
  let closed = false;
  s.setEncoding('latin1');
  s.on('data', (c: string) => (text += c));
  s.on('close', () => (closed = true));
  s.on('error', () => {});
  return {
    send: (bytes: string) => s.write(bytes, 'latin1'),
    /** Waits until `n` whole responses (bodies as `reached <path> <body>`, up to `;`) have arrived. */
    responses: (n: number) =>
      eventually(() => ((text.match(/;/g) ?? []).length >= n || closed ? text : undefined), { what: `${n} responses`, timeoutMs: 5000, intervalMs: 10 }),
    closed: () => eventually(() => (closed ? true : undefined), { what: 'the connection closes', timeoutMs: 5000, intervalMs: 10 }),
    isClosed: () => closed,
    text: () => text,
    end: () => s.destroy(),
  };
}

describe('parser fallback: requests Node refuses and ALB frames', () => {
  let up: Upstream;
  let lb: Lb;
  before(async () => {
    up = await upstream((req, res) => {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => res.end(`reached ${req.url} ${body};`));
    });
    lb = await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])] }));
  });
  after(async () => {
    await lb.close();
    await up.close();
  });

  test('raw UTF-8 in the target is forwarded percent-encoded, and the next request on the connection is served too', async () => {
    const c = connection(lb.port);
    c.send('GET /\xd1\x80\xd1\x83 HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.match(await c.responses(1), /^HTTP\/1\.1 200 OK[\s\S]*reached \/%D1%80%D1%83 ;$/);
    c.send('GET /next HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.match(await c.responses(2), /reached \/next ;$/);
    // Node's parser again, and a second refusal on it is framed again (the boundary was kept).
    c.send('GET  HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.match(await c.responses(3), /reached \/ ;$/);
    assert.equal(c.isClosed(), false);
    c.end();
  });

  test('a fallback request pipelined with a normal one: both answered, in order', async () => {
    const c = connection(lb.port);
    c.send('GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n');
    const text = await c.responses(2);
    assert.ok(text.indexOf('reached /%C3%A9 ;') < text.indexOf('reached /second ;'), text);
    c.end();
  });

  test('Transfer-Encoding: chunked;ext — the body, split across writes, reaches the target whole; then keep-alive', async () => {
    const c = connection(lb.port);
    c.send('POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  chunked;custom_param;\t\r\n\r\n5;x=1\r\nhel');
    c.send('lo\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n');
    assert.match(await c.responses(1), /reached \/up hello world;$/);
    c.send('POST /len HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc');
    assert.match(await c.responses(2), /reached \/len abc;$/);
    c.end();
  });

  test('a Content-Length body behind a raw UTF-8 target is forwarded exactly, HTTP/1.0 closes after it', async () => {
    const r = await raw(lb.port, 'POST /\xe2\x82\xac HTTP/1.0\r\nHost: a\r\nContent-Length: 7\r\n\r\npayload');
    assert.match(r.text, /^HTTP\/1\.1 200 OK[\s\S]*reached \/%E2%82%AC payload;$/);
    assert.ok(r.closed);
  });

  test('after a normal request on a keep-alive connection, a fallback request is framed too', async () => {
    const c = connection(lb.port);
    c.send('GET /first HTTP/1.1\r\nHost: a\r\n\r\n');
    await c.responses(1);
    c.send('GET /\xf0\x9f\x9a\xa2 HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.match(await c.responses(2), /reached \/%F0%9F%9A%A2 ;$/);
    c.end();
  });

  const hostile: Array<[string, string]> = [
    ['UTF-8 target with obs-fold', 'GET /\xff HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n'],
    [
      'UTF-8 target with Content-Length and Transfer-Encoding',
      'POST /\xff HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['UTF-8 target with two Content-Lengths', 'POST /\xff HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    ['UTF-8 target with a bare LF', 'GET /\xff HTTP/1.1\nHost: a\r\n\r\n'],
    ['chunked;ext with a bad chunk size', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;a\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'],
    ['chunked;ext with Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;a\r\nContent-Length: 3\r\n\r\nabc'],
    ['chunked;ext not last', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;a, gzip\r\n\r\nabc'],
    ['empty target in HTTP/0.9 form', 'GET \r\n\r\n'],
  ];
  for (const [name, bytes] of hostile) {
    test(`${name}: 400 from awselb, connection closed, nothing reaches the target`, async () => {
      const before = up.requests.length;
      const r = await raw(lb.port, bytes);
      assert.match(r.text, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Server: awselb\/2\.0\r\n/);
      assert.equal((r.text.match(/HTTP\/1\.1 /g) ?? []).length, 1, 'exactly one response');
      assert.ok(r.closed);
      // The listener still serves, so a request of this test would have been seen by now.
      assert.match((await raw(lb.port, 'GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).text, /reached \/after ;$/);
      assert.equal(up.requests.length, before + 1, 'only the probe reached the target');
    });
  }

  test('random bytes behind a refused target: one answer (forwarded or 400), never a crash, the listener still up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (tail) => {
        const r = await raw(lb.port, `GET /\xff${Buffer.from(tail).toString('latin1')}`, 200);
        assert.ok(r.text === '' || /^HTTP\/1\.1 (200|400|408) /.test(r.text), JSON.stringify(r.text.slice(0, 80)));
      }),
      { numRuns: 40 },
    );
    assert.match((await raw(lb.port, 'GET /alive HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).text, /reached \/alive ;$/);
  });
});

describe('parser fallback: the desync classifier decides, per mode', () => {
  const cases: Array<[DesyncMode, string, RegExp, boolean]> = [
    // GET with Content-Length 0 is acceptable: blocked only in strictest.
    ['strictest', 'GET /\xff HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n', /^HTTP\/1\.1 400 [\s\S]*awselb/, true],
    ['defensive', 'GET /\xff HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n', /^HTTP\/1\.1 200 /, false],
    // GET with a body length is ambiguous: served then closed in defensive, kept open in monitor.
    ['defensive', 'GET /\xff HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd', /^HTTP\/1\.1 200 [\s\S]*Connection: close\r\n/, true],
    ['monitor', 'GET /\xff HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd', /^HTTP\/1\.1 200 /, false],
  ];
  for (const [mode, bytes, want, closes] of cases) {
    test(`${mode}: ${JSON.stringify(bytes.slice(0, 60))}`, async () => {
      const up = await upstream((req, res) => {
        req.resume();
        req.on('end', () => res.end('reached;'));
      });
      const lb = await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])], attributes: { desyncMitigationMode: mode } }));
      try {
        const c = connection(lb.port);
        c.send(bytes);
        assert.match(await eventually(() => (/\r\n\r\n/.test(c.text()) ? c.text() : undefined), { what: 'a response', timeoutMs: 5000, intervalMs: 10 }), want);
        if (closes) await c.closed();
        else {
          // Open means still usable: a second request on it is answered.
          c.send('GET /again HTTP/1.1\r\nHost: a\r\n\r\n');
          await c.responses(2);
          assert.equal(c.isClosed(), false);
        }
        c.end();
      } finally {
        await lb.close();
        await up.close();
      }
    });
  }
});
