import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChunkedDecoder, type ChunkedStep } from './chunked-body.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function decodeAll(pieces: Buffer[]): { body: string; rest: string } | string {
  const d = new ChunkedDecoder(16 * 1024);
  let body = '';
  for (const [i, p] of pieces.entries()) {
    const step: ChunkedStep = d.push(p);
    if (step.kind === 'error') return step.reason;
    body += Buffer.concat(step.data).toString('latin1');
    // What the decoder did not take, and every piece after it, is the connection's next bytes.
    if (step.kind === 'done') return { body, rest: Buffer.concat([step.rest, ...pieces.slice(i + 1)]).toString('latin1') };
  }
  return 'unfinished';
}

test('chunks with extensions and trailers decode; the bytes after the body are the next request', () => {
  assert.deepEqual(decodeAll([b('5;a=b\r\nhello\r\n6\r\n world\r\n0;x\r\nX-T: 1\r\n\r\nGET / HTTP/1.1\r\n')]), {
    body: 'hello world',
    rest: 'GET / HTTP/1.1\r\n',
  });
});

test('split anywhere, the same body comes out', () => {
  const wire = '5;ext\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\nNEXT';
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: wire.length }), { maxLength: 8 }), (cuts) => {
      const at = [0, ...[...new Set(cuts)].sort((x, y) => x - y), wire.length];
      const pieces = at.slice(1).map((end, i) => b(wire.slice(at[i], end)));
      assert.deepEqual(decodeAll(pieces), { body: 'helloabcdefghijklmnopqrstuvwxyz', rest: 'NEXT' });
    }),
  );
});

test('what llhttp refuses in a chunked body, this refuses', () => {
  for (const [name, wire] of [
    ['bad size', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['junk after the size', '5 x\r\nhello\r\n0\r\n\r\n'],
    ['no CRLF after the data', '5\r\nhelloX\r\n0\r\n\r\n'],
    ['bare LF in a size line', '5\nhello\r\n0\r\n\r\n'],
    ['an oversized size', '10000000000000000\r\n'],
    ['an empty size', '\r\n'],
    ['a trailer that is no header', '0\r\nnot a header\r\n\r\n'],
    ['an endless size line', `5;${'a'.repeat(17 * 1024)}`],
  ]) {
    assert.equal(typeof decodeAll([b(wire!)]), 'string', name);
    assert.notEqual(decodeAll([b(wire!)]), 'unfinished', name);
  }
});
