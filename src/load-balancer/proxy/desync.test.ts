import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRequest, desyncVerdict } from './desync.js';
import { desyncVectors } from './desync-vectors.fixture.js';

const vectors = desyncVectors();

test('the vendored http-desync-guardian vectors are all there (158: 28 compliant, 57 ambiguous)', () => {
  const count = (c: string) => vectors.filter((v) => v.class === c).length;
  assert.equal(vectors.length, 158);
  assert.equal(count('compliant'), 28);
  assert.equal(count('ambiguous'), 57);
});

for (const v of vectors) {
  test(`desync vector ${v.file}: ${v.name} is ${v.class} (${v.reason})`, () => {
    assert.deepEqual(classifyRequest(v.method, v.version, v.uri, v.headers), { class: v.class, reason: v.reason });
  });
}

test('what Node hands over for the common cases', () => {
  assert.deepEqual(classifyRequest('GET', 'HTTP/1.1', '/', ['Host', 'a']), { class: 'compliant', reason: 'Compliant' });
  assert.deepEqual(classifyRequest('GET', 'HTTP/1.1', '/', ['Transfer_Encoding', 'chunked']), { class: 'ambiguous', reason: 'SuspiciousHeader' });
  assert.deepEqual(classifyRequest('HEAD', 'HTTP/1.1', '/', ['Transfer-Encoding', 'chunked']), {
    class: 'ambiguous',
    reason: 'UndefinedTransferEncodingSemantics',
  });
  assert.deepEqual(classifyRequest('POST', 'HTTP/1.1', '/', ['Transfer-Encoding', 'gzip, chunked']), { class: 'compliant', reason: 'Compliant' });
  assert.deepEqual(classifyRequest('GET', 'HTTP/2.0', '/', ['Content-Length', '5']), { class: 'compliant', reason: 'Compliant' });
});

test('desync verdicts per mode', () => {
  const grid: Array<[Parameters<typeof desyncVerdict>[0], string[]]> = [
    ['monitor', ['allow', 'allow', 'allow', 'allow']],
    ['defensive', ['allow', 'allow', 'allow-and-close', 'block']],
    ['strictest', ['allow', 'block', 'block', 'block']],
  ];
  for (const [mode, want] of grid) {
    assert.deepEqual(
      (['compliant', 'acceptable', 'ambiguous', 'severe'] as const).map((c) => desyncVerdict(mode, c)),
      want,
      mode,
    );
  }
});
