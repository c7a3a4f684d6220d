import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, raw, startLb, table, target, tg, upstream, type Lb, type Upstream } from './proxy.fixture.js';

describe('proxy: request smuggling and header limits (raw sockets)', () => {
  let up: Upstream;
  let lb: Lb;
  let bytesToTarget = 0;
  /** What the target receives for the probe (measured once, as the proxy rewrites its headers). */
  let probeSize = 0;
  const probeBytes = (): number => probeSize;
  before(async () => {
    up = await upstream((req, res) => {
      req.resume();
      req.on('end', () => res.end('reached'));
    });
    up.server.on('connection', (s) => s.on('data', (d: Buffer) => (bytesToTarget += d.length)));
    lb = await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])] }));
    const at = bytesToTarget;
    await raw(lb.port, 'GET /probe HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    probeSize = bytesToTarget - at;
  });
  after(async () => {
    await lb.close();
    await up.close();
  });

  const blocked: Array<[string, string]> = [
    ['CL + TE', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n'],
    [
      'TE + CL (reversed order)',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n',
    ],
    ['two different Content-Lengths', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 10\r\n\r\nabcdefghij'],
    ['two equal Content-Lengths', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc'],
    ['bad chunk size', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'],
    ['chunk size with junk', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n'],
    ['obs-fold on Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 3\r\n\r\nabc'],
    ['invalid Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nabc'],
    ['chunked not last', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
    ['space before colon', 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 0\r\n\r\n'],
    ['bare LF line endings in headers', 'GET / HTTP/1.1\nHost: a\nX: y\n\n'],
    ['non-numeric Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3x\r\n\r\nabc'],
    ['a header over 16 KB', `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(17 * 1024)}\r\n\r\n`],
    ['a request line over 16 KB', `GET /${'p'.repeat(17 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n`],
    ['headers over 64 KB in total', `GET / HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 10 }, (_, i) => `X-H${i}: ${'h'.repeat(7000)}\r\n`).join('')}\r\n`],
  ];
  for (const [name, bytes] of blocked) {
    test(`${name}: 400 from awselb, connection closed, nothing reaches the target`, async () => {
      const before = up.requests.length;
      const beforeBytes = bytesToTarget;
      const counted = lb.metrics.count('elb', 400);
      const r = await raw(lb.port, bytes);
      assert.match(r.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(r.text, /\r\nServer: awselb\/2\.0\r\n/);
      assert.match(r.text, /<title>400 Bad Request<\/title>/);
      assert.equal((r.text.match(/HTTP\/1\.1 /g) ?? []).length, 1, 'exactly one response');
      assert.ok(r.closed, 'client connection closed');
      // A probe after it reaches the target: had the refused request been forwarded, it would be there first.
      const probe = 'GET /probe HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';
      assert.match((await raw(lb.port, probe)).text, /reached$/);
      assert.deepEqual(
        up.requests.slice(before).map((q) => q.url),
        ['/probe'],
        'target saw only the probe',
      );
      assert.equal(bytesToTarget - beforeBytes, probeBytes(), 'not one byte of the refused request reached the target');
      assert.equal(lb.metrics.count('elb', 400), counted + 1, 'counted as one ELB 400, whether the parser or the desync check refused it');
    });
  }

  test('a header just under 16 KB is accepted', async () => {
    const r = await raw(lb.port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(15 * 1024)}\r\nConnection: close\r\n\r\n`);
    assert.match(r.text, /^HTTP\/1\.1 200 OK/);
    assert.match(r.text, /reached$/);
  });

  test('a compliant keep-alive pipeline gets both answers', async () => {
    const r = await raw(lb.port, 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal((r.text.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 2);
  });

  test('GET with Content-Length 0 is acceptable in defensive mode', async () => {
    const r = await raw(lb.port, 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 200 OK/);
  });

  test('ambiguous (GET with a body length) is served, then the client connection closes', async () => {
    const r = await raw(lb.port, 'GET /amb HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd');
    assert.match(r.text, /^HTTP\/1\.1 200 OK/);
    assert.match(r.text, /\r\nConnection: close\r\n/);
    assert.ok(r.closed);
  });
});

test('strictest mode blocks acceptable requests; monitor lets ambiguous ones through on keep-alive', async () => {
  const up = await upstream((req, res) => {
    req.resume();
    req.on('end', () => res.end('reached'));
  });
  const strict = await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])], attributes: { desyncMitigationMode: 'strictest' } }));
  assert.match((await raw(strict.port, 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n')).text, /^HTTP\/1\.1 400 /);
  await strict.close();
  const monitor = await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])], attributes: { desyncMitigationMode: 'monitor' } }));
  const r = await raw(monitor.port, 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd', 300);
  assert.match(r.text, /^HTTP\/1\.1 200 OK/);
  assert.equal(r.closed, false);
  await monitor.close();
  await up.close();
});
