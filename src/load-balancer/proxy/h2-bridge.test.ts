/**
 * adaptH2Request on real HTTP/2 requests (a cleartext h2 server and Node's client on 127.0.0.1):
 * what the engine and the targets see of each request's head after the bridge.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { adaptH2Request } from './h2-bridge.js';

interface Seen {
  readonly raw: string[];
  readonly host: string | undefined;
  readonly te: string | string[] | undefined;
}

let server: http2.Http2Server;
let session: http2.ClientHttp2Session;
const seen: Seen[] = [];

before(async () => {
  server = http2.createServer((req, res) => {
    adaptH2Request(req);
    seen.push({ raw: [...req.rawHeaders], host: req.headers.host, te: req.headers['transfer-encoding'] });
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

after(async () => {
  session.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends one request and returns what the handler saw after the bridge. */
async function send(headers: http2.OutgoingHttpHeaders, body?: string): Promise<Seen> {
  const before = seen.length;
  const stream = session.request(headers, { endStream: body === undefined });
  if (body !== undefined) stream.end(body);
  stream.resume();
  await new Promise<void>((resolve, reject) => {
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const s = seen[before];
  assert.ok(s, 'the server saw the request');
  return s;
}

test('a GET with :authority: the pseudo-headers go, Host comes first from :authority, the rest keep their order', async () => {
  const s = await send({ ':method': 'GET', ':path': '/a?b=1', ':authority': 'shop.example.com', 'x-one': '1', 'user-agent': 'ua', 'x-two': ['a', 'b'] });
  assert.deepEqual(s.raw, ['host', 'shop.example.com', 'x-one', '1', 'user-agent', 'ua', 'x-two', 'a', 'x-two', 'b']);
  assert.equal(s.host, 'shop.example.com');
  assert.equal(s.te, undefined, 'no body: no framing added');
});

test('a Host header of its own is kept where it is, and :authority adds none', async () => {
  const s = await send({ ':method': 'GET', ':path': '/', 'x-a': '1', host: 'own.example.com' });
  assert.deepEqual(s.raw, ['x-a', '1', 'host', 'own.example.com']);
  assert.equal(s.host, 'own.example.com');
});

test('a body with Content-Length keeps it and gets no Transfer-Encoding', async () => {
  const s = await send({ ':method': 'POST', ':path': '/p', ':authority': 'a.example', 'content-length': '5', 'content-type': 'text/plain' }, 'hello');
  assert.deepEqual(s.raw, ['host', 'a.example', 'content-length', '5', 'content-type', 'text/plain']);
  assert.equal(s.te, undefined);
});

test('a body of unknown length is marked chunked, at the end of the head', async () => {
  const s = await send({ ':method': 'POST', ':path': '/p', ':authority': 'a.example', 'content-type': 'application/grpc', te: 'trailers' }, 'x');
  assert.deepEqual(s.raw, ['host', 'a.example', 'content-type', 'application/grpc', 'te', 'trailers', 'transfer-encoding', 'chunked']);
  assert.equal(s.te, 'chunked');
});

test('only pseudo-headers: Host alone', async () => {
  const s = await send({ ':method': 'GET', ':path': '/', ':authority': 'only.example' });
  assert.deepEqual(s.raw, ['host', 'only.example']);
});

/** A request head as the compatibility API holds it, for the orders a real client cannot send. */
function head(raw: string[], endAfterHeaders = true): http2.Http2ServerRequest {
  return { rawHeaders: raw, headers: {}, stream: { endAfterHeaders } } as unknown as http2.Http2ServerRequest;
}

test('neither :authority nor Host: no Host is made up', () => {
  const req = head([':method', 'GET', ':path', '/', 'x-a', '1']);
  adaptH2Request(req);
  assert.deepEqual(req.rawHeaders, ['x-a', '1']);
  assert.equal(req.headers.host, undefined);
});

test('a regular header before every pseudo-header (nghttp2 refuses it, the bridge still gives the same head)', () => {
  const req = head(['x-a', '1', ':authority', 'h.example', ':method', 'PUT', 'x-b', '2'], false);
  adaptH2Request(req);
  assert.deepEqual(req.rawHeaders, ['host', 'h.example', 'x-a', '1', 'x-b', '2', 'transfer-encoding', 'chunked']);
  assert.equal(req.headers.host, 'h.example');
  assert.equal(req.headers['transfer-encoding'], 'chunked');
});

test('a Host header after the pseudo-headers wins over :authority, wherever it stands', () => {
  const req = head([':authority', 'a.example', ':method', 'GET', 'x-a', '1', 'host', 'b.example', 'x-b', '2']);
  adaptH2Request(req);
  assert.deepEqual(req.rawHeaders, ['x-a', '1', 'host', 'b.example', 'x-b', '2']);
  assert.equal(req.headers.host, undefined, 'headers.host is left as Node parsed it');
});
