import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResponseHead, type BodyFraming } from './response-head.js';

const max = 64 * 1024;
const parse = (text: string, method = 'GET') => parseResponseHead(Buffer.from(text, 'latin1'), 0, method, max);

/** Accepted heads: [name, bytes, method, framing, keep-alive]. */
const accepted: Array<[string, string, string, BodyFraming, boolean]> = [
  ['Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'GET', { kind: 'length', length: 5 }, true],
  ['zero Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'GET', { kind: 'length', length: 0 }, true],
  ['equal Content-Lengths, two headers', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n', 'GET', { kind: 'length', length: 3 }, true],
  ['equal Content-Lengths, one list', 'HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n', 'GET', { kind: 'length', length: 3 }, true],
  ['chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'GET', { kind: 'chunked' }, true],
  ['chunked, any case, OWS', 'HTTP/1.1 200 OK\r\ntransfer-encoding:\t Chunked \r\n\r\n', 'GET', { kind: 'chunked' }, true],
  ['no length: to the close', 'HTTP/1.1 200 OK\r\nX: y\r\n\r\n', 'GET', { kind: 'close' }, false],
  ['HTTP/1.0 without keep-alive', 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n', 'GET', { kind: 'length', length: 2 }, false],
  ['HTTP/1.0 with keep-alive', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n', 'GET', { kind: 'length', length: 2 }, true],
  ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: x, close\r\nContent-Length: 2\r\n\r\n', 'GET', { kind: 'length', length: 2 }, false],
  ['204 has no body', 'HTTP/1.1 204 No Content\r\n\r\n', 'GET', { kind: 'none' }, true],
  ['304 has no body, whatever its length says', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 900\r\n\r\n', 'GET', { kind: 'none' }, true],
  ['HEAD has no body, whatever its length says', 'HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n', 'HEAD', { kind: 'none' }, true],
  ['HEAD of a chunked resource', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'HEAD', { kind: 'none' }, true],
  ['204 announcing a body: not reused', 'HTTP/1.1 204 No Content\r\nContent-Length: 4\r\n\r\n', 'GET', { kind: 'none' }, false],
  ['304 announcing chunks: not reused', 'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n', 'GET', { kind: 'none' }, false],
  ['empty reason phrase', 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n', 'GET', { kind: 'length', length: 0 }, true],
  ['no reason phrase', 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n', 'GET', { kind: 'length', length: 0 }, true],
  ['obs-text in a value', 'HTTP/1.1 200 OK\r\nX: caf\xe9\r\nContent-Length: 0\r\n\r\n', 'GET', { kind: 'length', length: 0 }, true],
  ['100 Continue (interim)', 'HTTP/1.1 100 Continue\r\n\r\n', 'POST', { kind: 'none' }, true],
  ['103 Early Hints (interim)', 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n', 'GET', { kind: 'none' }, true],
];

for (const [name, text, method, framing, keepAlive] of accepted) {
  test(`accepted: ${name}`, () => {
    const step = parse(text, method);
    assert.equal(step.kind, 'head', JSON.stringify(step));
    if (step.kind !== 'head') return;
    assert.deepEqual(step.head.framing, framing);
    assert.equal(step.head.keepAlive, keepAlive);
    assert.equal(step.head.headBytes, Buffer.byteLength(text, 'latin1'));
  });
}

/** Refused heads (the proxy answers 502 and closes the target connection): [name, bytes, reason pattern]. */
const refused: Array<[string, string, RegExp]> = [
  ['not HTTP', 'NOT HTTP AT ALL\r\n\r\n', /status line/],
  ['HTTP/2.0 status line', 'HTTP/2.0 200 OK\r\n\r\n', /status line/],
  ['HTTP/0.9-ish', 'HTTP/1 200 OK\r\n\r\n', /status line/],
  ['two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', /status line/],
  ['status 600', 'HTTP/1.1 600 Odd\r\n\r\n', /status line/],
  ['control character in the reason', 'HTTP/1.1 200 O\x01K\r\n\r\n', /status line/],
  ['bare LF line endings', 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok', /bare LF/],
  ['one bare LF among CRLFs', 'HTTP/1.1 200 OK\r\nX: a\nContent-Length: 2\r\n\r\nok', /bare LF/],
  ['bare CR inside a value', 'HTTP/1.1 200 OK\r\nX: a\rContent-Length: 2\r\n\r\n', /bare LF or CR/],
  ['obs-fold', 'HTTP/1.1 200 OK\r\nX: one\r\n two\r\nContent-Length: 0\r\n\r\n', /obs-fold/],
  ['obs-fold hiding Transfer-Encoding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n chunked\r\n\r\n', /obs-fold/],
  ['space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n', /header name/],
  ['tab before the colon', 'HTTP/1.1 200 OK\r\nTransfer-Encoding\t: chunked\r\n\r\n', /header name/],
  ['no colon', 'HTTP/1.1 200 OK\r\nJunk\r\n\r\n', /colon/],
  ['empty name', 'HTTP/1.1 200 OK\r\n: x\r\n\r\n', /colon/],
  ['NUL in a value', 'HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n', /control/],
  ['DEL in a value', 'HTTP/1.1 200 OK\r\nX: a\x7fb\r\n\r\n', /control/],
  ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 10\r\n\r\n', /conflicting/],
  ['a list of different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n', /conflicting/],
  ['non-numeric Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\n', /invalid Content-Length/],
  ['signed Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\n', /invalid Content-Length/],
  ['empty Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n', /invalid Content-Length/],
  ['huge Content-Length', `HTTP/1.1 200 OK\r\nContent-Length: ${'9'.repeat(20)}\r\n\r\n`, /invalid Content-Length/],
  ['CL + TE', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n', /both/],
  ['TE + CL (reversed)', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n', /both/],
  ['chunked twice', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', /unsupported/],
  ['gzip, chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', /unsupported/],
  ['chunked not last', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n', /unsupported/],
  ['a look-alike coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n', /unsupported/],
  ['Transfer-Encoding on HTTP/1.0', 'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', /HTTP\/1\.0/],
  ['101 nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', /101/],
];

for (const [name, text, reason] of refused) {
  test(`refused: ${name}`, () => {
    const step = parse(text);
    assert.equal(step.kind, 'error', JSON.stringify(step));
    if (step.kind === 'error') assert.match(step.reason, reason);
  });
}

test('a head split anywhere is incomplete until its blank line, then the same', () => {
  const text = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\n';
  const buf = Buffer.from(text, 'latin1');
  for (let cut = 1; cut < buf.length; cut++) assert.equal(parseResponseHead(buf.subarray(0, cut), 0, 'GET', max).kind, 'incomplete', `cut at ${cut}`);
  const step = parseResponseHead(buf, 0, 'GET', max);
  assert.equal(step.kind, 'head');
  if (step.kind === 'head') {
    assert.deepEqual(step.head.rawHeaders, ['Content-Length', '2', 'X-A', 'b']);
    assert.equal(step.head.status, 200);
    assert.equal(step.head.statusText, 'OK');
  }
});

test('a head that starts past `start` (after a 1xx) is parsed from there', () => {
  const buf = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const first = parseResponseHead(buf, 0, 'POST', max);
  assert.equal(first.kind, 'head');
  if (first.kind !== 'head') return;
  assert.equal(first.head.status, 100);
  const second = parseResponseHead(buf, first.head.headBytes, 'POST', max);
  assert.equal(second.kind, 'head');
  if (second.kind === 'head') assert.deepEqual([second.head.status, second.head.headBytes + first.head.headBytes], [201, buf.length]);
});

test('bare LFs are refused before the head ends (no wait for a CRLFCRLF that never comes)', () => {
  assert.equal(parse('HTTP/1.1 200 OK\nContent-Length: 2\n').kind, 'error');
  // A CR as the last byte so far may still get its LF.
  assert.equal(parse('HTTP/1.1 200 OK\r').kind, 'incomplete');
});

test('the head size is bounded, complete or not', () => {
  const big = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(max)}\r\n\r\n`;
  assert.deepEqual(parse(big), { kind: 'error', reason: 'response head too large' });
  assert.deepEqual(parse(big.slice(0, max + 100)), { kind: 'error', reason: 'response head too large' });
  assert.equal(parse(big.slice(0, max - 100)).kind, 'incomplete');
});

test('values are trimmed of OWS, names and order kept', () => {
  const step = parse('HTTP/1.1 200 OK\r\nSet-Cookie:  a=1 \r\nset-cookie:\tb=2\r\nContent-Length: 0\r\n\r\n');
  assert.equal(step.kind, 'head');
  if (step.kind === 'head') assert.deepEqual(step.head.rawHeaders, ['Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'Content-Length', '0']);
});
