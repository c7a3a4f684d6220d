import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead, type HeadResult } from './request-head.js';

const limits = { maxLineBytes: 16 * 1024, maxHeadBytes: 64 * 1024 };
const parse = (s: string): HeadResult => parseRequestHead(Buffer.from(s, 'latin1'), limits);
const head = (s: string) => {
  const r = parse(s);
  assert.equal(r.kind, 'head', JSON.stringify(r));
  return r.kind === 'head' ? r : assert.fail();
};

test('the three shapes Node refuses and ALB frames: empty target, raw UTF-8 target, Transfer-Encoding parameters', () => {
  assert.equal(head('GET  HTTP/1.1\r\nX-Forwarded-For: 1.1.1.1\r\n\r\n').head.target, '');
  assert.equal(head('GET /\xd1\x80 HTTP/1.1\r\n\r\n').head.target, '/\xd1\x80');
  const te = head('POST / HTTP/1.1\r\nTransfer-Encoding:   gzip   ;  \r\nTransfer-Encoding: \t\tchunked;custom_param;\t\r\n\r\n0\r\n\r\n');
  assert.deepEqual(te.head.body, { kind: 'chunked' });
  assert.deepEqual(te.head.rawHeaders, ['Transfer-Encoding', 'gzip   ;', 'Transfer-Encoding', 'chunked;custom_param;']);
});

test('the head ends at the blank line; what follows is the body', () => {
  const r = head('POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET');
  assert.equal(r.bytes, 'POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\n'.length);
  assert.deepEqual(r.head.body, { kind: 'length', length: 3 });
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\n').kind, 'incomplete');
  assert.equal(head('\r\nGET / HTTP/1.1\r\n\r\n').head.method, 'GET', 'a blank line before the request is ignored');
});

test('keep-alive as HTTP says: 1.1 unless close, 1.0 only with keep-alive; upgrade and Expect', () => {
  assert.equal(head('GET / HTTP/1.1\r\n\r\n').head.keepAlive, true);
  assert.equal(head('GET / HTTP/1.1\r\nConnection: foo, Close\r\n\r\n').head.keepAlive, false);
  assert.equal(head('GET / HTTP/1.0\r\n\r\n').head.keepAlive, false);
  assert.equal(head('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').head.keepAlive, true);
  assert.equal(head('GET /\xff HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n').head.upgrade, true);
  assert.equal(head('GET /\xff HTTP/1.1\r\nUpgrade: websocket\r\n\r\n').head.upgrade, false);
  assert.equal(head('PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n').head.expectContinue, true);
});

test('everything else Node refuses, this refuses too', () => {
  const refusals: Array<[string, string]> = [
    ['obs-fold', 'GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n'],
    ['bare LF', 'GET / HTTP/1.1\nX: a\r\n\r\n'],
    ['bare CR', 'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n'],
    ['space before colon', 'GET / HTTP/1.1\r\nContent-Length : 0\r\n\r\n'],
    ['empty header name', 'GET / HTTP/1.1\r\n: a\r\n\r\n'],
    ['CTL in a value', 'GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n'],
    ['NUL in the target', 'GET /\x00 HTTP/1.1\r\n\r\n'],
    ['two Content-Lengths', 'POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n'],
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked;a\r\n\r\n'],
    ['non-numeric Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 3x\r\n\r\n'],
    ['chunked not last', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked;a, gzip\r\n\r\n'],
    ['chunked twice', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked;a, chunked\r\n\r\n'],
    ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['unknown method', 'FOO / HTTP/1.1\r\n\r\n'],
    ['CONNECT', 'CONNECT a:443 HTTP/1.1\r\n\r\n'],
    ['HTTP/0.9', 'GET /\xff\r\n\r\n'],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\n\r\n'],
    ['space in the target', 'GET /a b HTTP/1.1\r\n\r\n'],
    ['a line over 16 KB', `GET /${'a'.repeat(17 * 1024)} HTTP/1.1\r\n\r\n`],
    ['an unfinished line over 16 KB', `GET /${'a'.repeat(17 * 1024)}`],
    ['a head over 64 KB', `GET / HTTP/1.1\r\n${'X: aaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(3000)}`],
  ];
  for (const [name, bytes] of refusals) assert.equal(parse(bytes).kind, 'refused', name);
});
