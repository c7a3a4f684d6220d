/**
 * How the load balancer reads its targets' responses (its own HTTP/1.1 client, target-connection.ts),
 * against raw-TCP targets that write exactly the bytes each case needs: every framing a target may
 * use (Content-Length, chunked, to the close, 1xx first, 204/304/HEAD without a body) arrives whole
 * and keeps the connection when it may; hostile responses (smuggling shapes, bytes past the body,
 * answers nobody asked for) become a 502 or a cut connection, the target connection is closed, and
 * nothing the target sent after them reaches the next client.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { freePort, get, raw, startLb, table, target, tg, upstream, type Lb } from '../../src/load-balancer/proxy/proxy.fixture.js';
import { eventually } from '../support/eventually.js';

interface Received {
  /** The request head as the target got it. */
  readonly head: string;
  /** Which connection (0, 1, ...) and which request on it. */
  readonly conn: number;
  readonly nth: number;
}

interface RawTarget {
  readonly port: number;
  readonly requests: Received[];
  /** Connections accepted, and how many of them are still open. */
  connections(): number;
  open(): number;
  close(): Promise<void>;
}

/** A target that answers each request head (requests here carry no body) with `answer`'s bytes. */
async function rawTarget(answer: (r: Received, s: net.Socket) => void): Promise<RawTarget> {
  const requests: Received[] = [];
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((s) => {
    const conn = accepted++;
    sockets.add(s);
    let nth = 0;
    let buf = '';
    s.setEncoding('latin1');
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.on('data', (d: string) => {
      buf += d;
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const r = { head: buf.slice(0, end), conn, nth: nth++ };
        buf = buf.slice(end + 4);
        requests.push(r);
        answer(r, s);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    connections: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function lbFor(t: RawTarget): Promise<Lb> {
  return startLb(table({ port: await freePort(), groups: [tg('tg', [target(t.port)])] }));
}

const closeConn = 'Connection: close\r\n\r\n';

describe('proxy: target response framing', () => {
  test('Content-Length: the body arrives whole and the connection is reused', async () => {
    const t = await rawTarget((_r, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-App: a\r\n\r\nhello'));
    const lb = await lbFor(t);
    for (let i = 0; i < 3; i++) {
      const r = await get(lb.url('/'));
      assert.deepEqual([r.status, r.body, r.headers['x-app']], [200, 'hello', 'a']);
    }
    assert.equal(t.connections(), 1);
    await lb.close();
    await t.close();
  });

  test('chunked, split across writes, with extensions and trailers: decoded, and the connection reused', async () => {
    const t = await rawTarget((_r, s) => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nhel\r\n');
      setImmediate(() => s.write('2\r\nlo\r\n0\r\nX-Trailer: t\r\n\r\n'));
    });
    const lb = await lbFor(t);
    for (let i = 0; i < 2; i++) assert.deepEqual(await get(lb.url('/')).then((r) => [r.status, r.body]), [200, 'hello']);
    assert.equal(t.connections(), 1);
    await lb.close();
    await t.close();
  });

  test('no length: the body runs to the close, and the next request gets a new connection', async () => {
    const t = await rawTarget((r, s) => s.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody-${r.conn}`));
    const lb = await lbFor(t);
    assert.equal((await get(lb.url('/'))).body, 'body-0');
    assert.equal((await get(lb.url('/'))).body, 'body-1');
    assert.equal(t.connections(), 2);
    await lb.close();
    await t.close();
  });

  test('1xx interim responses (100, 103) are passed over: the client sees exactly the final one', async () => {
    const t = await rawTarget((_r, s) => {
      s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
      setImmediate(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    });
    const lb = await lbFor(t);
    const r = await raw(lb.port, `GET / HTTP/1.1\r\nHost: a\r\n${closeConn}`);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal((r.text.match(/HTTP\/1\.1 /g) ?? []).length, 1, r.text);
    assert.match(r.text, /\r\n\r\nok$/);
    await lb.close();
    await t.close();
  });

  test('204, 304 and HEAD carry no body whatever their length says; the connection is reused', async () => {
    const t = await rawTarget((r, s) => {
      if (r.nth === 0) s.write('HTTP/1.1 204 No Content\r\n\r\n');
      else if (r.nth === 1) s.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\nETag: "e"\r\n\r\n');
      else if (r.nth === 2) s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
      else s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast');
    });
    const lb = await lbFor(t);
    assert.deepEqual(await get(lb.url('/')).then((r) => [r.status, r.body]), [204, '']);
    const notModified = await get(lb.url('/'), { headers: { 'If-None-Match': '"e"' } });
    assert.deepEqual([notModified.status, notModified.body, notModified.headers['content-length']], [304, '', '100']);
    const head = await get(lb.url('/'), { method: 'HEAD' });
    assert.deepEqual([head.status, head.body, head.headers['content-length']], [200, '', '100']);
    assert.deepEqual(await get(lb.url('/')).then((r) => [r.status, r.body]), [200, 'last']);
    assert.equal(t.connections(), 1);
    await lb.close();
    await t.close();
  });

  test('uploads: a Content-Length body is sent as is, a chunked one re-chunked, both arrive whole', async () => {
    const up = await upstream((req, res) => {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => res.end(`${req.headers['content-length'] ?? '-'}|${req.headers['transfer-encoding'] ?? '-'}|${body}`));
    });
    const lb = await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])] }));
    assert.equal((await get(lb.url('/'), { method: 'POST', body: 'abc' })).body, '3|-|abc');
    const chunked = await raw(lb.port, `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n${closeConn}2\r\nde\r\n1\r\nf\r\n0\r\n\r\n`);
    assert.match(chunked.text, /\r\n\r\n-\|chunked\|def$/);
    await lb.close();
    await up.close();
  });
});

describe('proxy: kept-alive target connections closed under a request', () => {
  // The target's keep-alive race: it closes an idle connection just as the node sends on it.
  for (const method of ['GET', 'POST']) {
    test(`${method}: a reused connection closed before any answer byte ${method === 'GET' ? 'is retried once on a fresh one' : 'is a 502, not retried'}, and no health mark`, async () => {
      const t = await rawTarget((r, s) => {
        if (r.conn === 0 && r.nth === 1) s.destroy();
        else s.write(`HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nconn-${r.conn}`);
      });
      const lb = await lbFor(t);
      const init = method === 'POST' ? { method, body: '' } : {};
      assert.equal((await get(lb.url('/'), init)).body, 'conn-0');
      const second = await get(lb.url('/'), init);
      if (method === 'GET') assert.deepEqual([second.status, second.body], [200, 'conn-1']);
      else assert.equal(second.status, 502);
      assert.deepEqual(lb.passive, [], 'a stale kept-alive connection is not the target failing');
      assert.equal(t.requests.length, method === 'GET' ? 3 : 2);
      await lb.close();
      await t.close();
    });
  }
});

describe('proxy: hostile target responses', () => {
  /** Each answers its first request with these bytes; a second request (to show the LB is fine) gets a clean 200. */
  const refused: Array<[string, string]> = [
    ['Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\nokHTTP/1.1'],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\nContent-Length: 2\r\n\r\nok'],
    ['bare LF line endings', 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok'],
    ['space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok'],
    ['an unsupported Transfer-Encoding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
    ['a 101 nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n'],
    ['a head over 64 KB', `HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(70 * 1024)}\r\nContent-Length: 2\r\n\r\nok`],
  ];
  for (const [name, bytes] of refused) {
    test(`${name}: 502 from awselb, the target connection closed, the LB serves on`, async () => {
      const t = await rawTarget((r, s) => s.write(r.conn === 0 ? bytes : 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nclean'));
      const lb = await lbFor(t);
      const bad = await get(lb.url('/'));
      assert.equal(bad.status, 502);
      assert.equal(bad.headers.server, 'awselb/2.0');
      assert.equal(lb.metrics.count('elb', 502), 1);
      await eventually(() => t.open(), { what: 'the hostile connection closed by the LB', timeoutMs: 5000, intervalMs: 10, until: (n) => n === 0 });
      assert.deepEqual(await get(lb.url('/')).then((r) => [r.status, r.body]), [200, 'clean']);
      assert.deepEqual(lb.passive, [], 'a bad answer is not a connection failure');
      await lb.close();
      await t.close();
    });
  }

  test('an invalid chunk after the head: the client connection is cut, not handed a short body', async () => {
    const t = await rawTarget((r, s) =>
      s.write(r.conn === 0 ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nclean'),
    );
    const lb = await lbFor(t);
    const r = await raw(lb.port, `GET / HTTP/1.1\r\nHost: a\r\n\r\n`);
    assert.ok(r.closed, 'client connection closed');
    // The head may not have gone out yet when the bad chunk came: then the client sees only the close.
    assert.ok(r.text === '' || r.text.startsWith('HTTP/1.1 200 OK\r\n'), r.text);
    assert.doesNotMatch(r.text, /\r\n0\r\n\r\n$/, 'the chunked answer to the client never ends cleanly');
    await eventually(() => t.open(), { what: 'the hostile connection closed', timeoutMs: 5000, intervalMs: 10, until: (n) => n === 0 });
    assert.equal((await get(lb.url('/'))).body, 'clean');
    await lb.close();
    await t.close();
  });

  // Response queue poisoning: bytes past a response must never be read as the next client's answer.
  const poisoned: Array<[string, string]> = [
    ['a 204 followed by a second response', 'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled'],
    ['a body longer than its Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled'],
    [
      'bytes after the last chunk',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled',
    ],
  ];
  for (const [name, bytes] of poisoned) {
    test(`${name}: the first client gets its answer, the next one never the extra bytes`, async () => {
      const t = await rawTarget((r, s) => s.write(r.conn === 0 ? bytes : 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nclean'));
      const lb = await lbFor(t);
      const first = await get(lb.url('/'));
      assert.ok(first.status === 204 || first.body === 'ok', `${first.status} ${first.body}`);
      assert.deepEqual(await get(lb.url('/')).then((r) => [r.status, r.body]), [200, 'clean']);
      assert.equal(t.connections(), 2, 'the connection that sent extra bytes was not reused');
      await lb.close();
      await t.close();
    });
  }

  test('a response sent on an idle connection, unasked: the connection is dropped, the next request answered fresh', async () => {
    let unasked = false;
    const t = await rawTarget((r, s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nconn-${r.conn}`);
      if (r.conn === 0)
        setImmediate(() => {
          s.write('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled');
          unasked = true;
        });
    });
    const lb = await lbFor(t);
    assert.equal((await get(lb.url('/'))).body, 'conn-0');
    await eventually(() => unasked && t.open() === 0, {
      what: 'the unasked bytes sent and that connection dropped',
      timeoutMs: 5000,
      intervalMs: 10,
      until: (v) => v,
    });
    assert.equal((await get(lb.url('/'))).body, 'conn-1');
    await lb.close();
    await t.close();
  });
});
