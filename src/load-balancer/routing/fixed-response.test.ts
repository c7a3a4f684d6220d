import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedResponse, validateFixedResponse } from './fixed-response.js';

test('fixed-response with body and type', () => {
  const r = fixedResponse({ statusCode: '404', contentType: 'application/json', messageBody: '{"error":"nope"}' });
  assert.equal(r.status, 404);
  assert.equal(r.headers['Content-Type'], 'application/json; charset=utf-8');
  assert.equal(r.headers['Content-Length'], '16');
  assert.equal(r.body.toString(), '{"error":"nope"}');
});

test('fixed-response defaults to text/plain and an empty body', () => {
  const r = fixedResponse({ statusCode: '200' });
  assert.equal(r.headers['Content-Type'], 'text/plain; charset=utf-8');
  assert.equal(r.body.length, 0);
  assert.equal(r.headers['Content-Length'], '0');
});

test('fixed-response counts bytes, not characters, in Content-Length', () => {
  assert.equal(fixedResponse({ statusCode: '503', messageBody: 'é' }).headers['Content-Length'], '2');
});

for (const type of ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'] as const) {
  test(`fixed-response content type ${type}`, () => {
    assert.ok(fixedResponse({ statusCode: '200', contentType: type }).headers['Content-Type']!.startsWith(type));
  });
}

const invalid: Array<[string, Parameters<typeof validateFixedResponse>[0]]> = [
  ['3XX status', { statusCode: '302' }],
  ['1XX status', { statusCode: '100' }],
  ['non-numeric status', { statusCode: '2xx' }],
  ['unknown type', { statusCode: '200', contentType: 'image/png' as never }],
  ['body over 1024', { statusCode: '200', messageBody: 'x'.repeat(1025) }],
];
for (const [name, config] of invalid) {
  test(`fixed-response rejects ${name}`, () => {
    assert.ok(validateFixedResponse(config));
    assert.throws(() => fixedResponse(config));
  });
}
test('fixed-response accepts a 1024-character body', () => {
  assert.equal(validateFixedResponse({ statusCode: '500', messageBody: 'x'.repeat(1024) }), undefined);
});
