import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRequest, desyncVerdict } from './desync.js';

const cases: Array<[string, string, string[], string, string | undefined]> = [
  ['plain GET', 'GET', ['Host', 'a'], 'compliant', undefined],
  ['POST with length', 'POST', ['Content-Length', '5'], 'compliant', undefined],
  ['POST chunked', 'POST', ['Transfer-Encoding', 'chunked'], 'compliant', undefined],
  ['GET with CL 0', 'GET', ['Content-Length', '0'], 'acceptable', 'GetHeadZeroContentLength'],
  ['GET with a body length', 'GET', ['Content-Length', '4'], 'ambiguous', 'UndefinedContentLengthSemantics'],
  ['duplicate equal CL', 'POST', ['Content-Length', '5', 'Content-Length', '5'], 'ambiguous', 'DuplicateContentLength'],
  ['different CLs', 'POST', ['Content-Length', '5', 'Content-Length', '6'], 'severe', 'MultipleContentLength'],
  ['non-numeric CL', 'POST', ['Content-Length', '5x'], 'severe', 'BadContentLength'],
  ['TE and CL', 'POST', ['Content-Length', '5', 'Transfer-Encoding', 'chunked'], 'ambiguous', 'BothTeClPresent'],
  ['TE gzip', 'POST', ['Transfer-Encoding', 'gzip'], 'severe', 'BadTransferEncoding'],
  ['two TE headers', 'POST', ['Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked'], 'severe', 'MultipleTransferEncodingChunked'],
  ['bad header name', 'GET', ['X Bad', '1'], 'severe', 'BadHeader'],
  ['control char in value', 'GET', ['X-A', 'a\x01b'], 'severe', 'BadHeader'],
];
for (const [name, method, raw, cls, reason] of cases) {
  test(`desync: ${name} is ${cls}`, () => {
    const c = classifyRequest(method, '1.1', '/', raw);
    assert.equal(c.class, cls);
    assert.equal(c.reason, reason);
  });
}

test('desync: TE on HTTP/1.0 and odd versions', () => {
  assert.equal(classifyRequest('POST', '1.0', '/', ['Transfer-Encoding', 'chunked']).reason, 'UndefinedTransferEncodingSemantics');
  assert.equal(classifyRequest('GET', '0.9', '/', []).class, 'acceptable');
});

test('desync verdicts per mode', () => {
  const grid: Array<[Parameters<typeof desyncVerdict>[0], string[]]> = [
    ['monitor', ['allow', 'allow', 'allow', 'allow']],
    ['defensive', ['allow', 'allow', 'allow-and-close', 'block']],
    ['strictest', ['allow', 'block', 'block', 'block']],
  ];
  for (const [mode, want] of grid) {
    assert.deepEqual((['compliant', 'acceptable', 'ambiguous', 'severe'] as const).map((c) => desyncVerdict(mode, c)), want, mode);
  }
});
