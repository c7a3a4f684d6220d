import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeConditions, type ConditionRequest } from './condition.js';

describe('conditions', () => {
  test('legacy Values become the typed config and stay', () => {
    assert.deepEqual(normalizeConditions([{ Field: 'path-pattern', Values: ['/api/*'] }]), [
      { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } },
    ]);
  });
  test('typed config infers the field', () => {
    assert.deepEqual(normalizeConditions([{ HostHeaderConfig: { Values: ['*.example.com'] } }]), [
      { Field: 'host-header', Values: ['*.example.com'], HostHeaderConfig: { Values: ['*.example.com'] } },
    ]);
  });
  test('every kind together', () => {
    const out = normalizeConditions([
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
      { Field: 'source-ip', SourceIpConfig: { Values: ['127.0.0.0/8'] } },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['blue'] } },
      { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Other', Values: ['x'] } },
    ]);
    assert.equal(out.length, 5);
    assert.deepEqual(out[3], { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } });
  });
  const bad: Array<[string, ConditionRequest[]]> = [
    ['no conditions', []],
    [
      'two path patterns',
      [
        { Field: 'path-pattern', Values: ['/a'] },
        { Field: 'path-pattern', Values: ['/b'] },
      ],
    ],
    [
      'two methods',
      [
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['PUT'] } },
      ],
    ],
    ['six values', [{ Field: 'path-pattern', Values: ['/1', '/2', '/3', '/4', '/5', '/6'] }]],
    ['six wildcards', [{ Field: 'path-pattern', Values: ['/*/*/*/*/*/*'] }]],
    ['bad path char', [{ Field: 'path-pattern', Values: ['/a<b'] }]],
    ['path too long', [{ Field: 'path-pattern', Values: ['/' + 'a'.repeat(128)] }]],
    ['host without dot', [{ Field: 'host-header', Values: ['localhost'] }]],
    ['host ending in digits', [{ Field: 'host-header', Values: ['example.123'] }]],
    ['host with underscore', [{ Field: 'host-header', Values: ['a_b.example.com'] }]],
    ['lowercase method', [{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['get'] } }]],
    ['bad cidr', [{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0'] } }]],
    ['cidr bits', [{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/33'] } }]],
    ['host as http-header', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'Host', Values: ['a'] } }]],
    ['Values on http-header', [{ Field: 'http-header', Values: ['a'] }]],
    ['unknown field', [{ Field: 'cookie', Values: ['a'] }]],
    ['mismatched config', [{ Field: 'path-pattern', HostHeaderConfig: { Values: ['a.com'] } }]],
    ['empty values', [{ Field: 'path-pattern', Values: [] }]],
    ['regex', [{ Field: 'path-pattern', RegexValues: ['^/a$'] }]],
  ];
  for (const [name, conditions] of bad) {
    test(`rejects ${name}`, () => assert.throws(() => normalizeConditions(conditions), { code: 'ValidationError' }));
  }
});
