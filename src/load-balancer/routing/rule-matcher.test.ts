import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileCondition, compileRules, wildcardToRegExp, type RequestFacts } from './rule-matcher.js';
import type { Condition, Rule } from '../routing-table.js';

function facts(over: Partial<RequestFacts> = {}): RequestFacts {
  return { method: 'GET', host: 'www.example.com', url: '/', rawHeaders: [], sourceAddress: '127.0.0.1', ...over };
}

const table: Array<[string, Condition, Partial<RequestFacts>, boolean]> = [
  // path-pattern
  ['path exact', { field: 'path-pattern', values: ['/api'] }, { url: '/api' }, true],
  ['path whole match only', { field: 'path-pattern', values: ['/api'] }, { url: '/api/x' }, false],
  ['path star', { field: 'path-pattern', values: ['/img/*'] }, { url: '/img/a.jpg' }, true],
  ['path star matches empty', { field: 'path-pattern', values: ['/img/*'] }, { url: '/img/' }, true],
  ['path star needs the slash', { field: 'path-pattern', values: ['/img/*'] }, { url: '/img' }, false],
  ['path is case-sensitive', { field: 'path-pattern', values: ['/API/*'] }, { url: '/api/x' }, false],
  ['path never sees the query', { field: 'path-pattern', values: ['/a'] }, { url: '/a?x=1' }, true],
  ['path pattern cannot match the query', { field: 'path-pattern', values: ['/a*x=1'] }, { url: '/a?x=1' }, false],
  ['path question mark is one char', { field: 'path-pattern', values: ['/v?/x'] }, { url: '/v2/x' }, true],
  ['path question mark not zero chars', { field: 'path-pattern', values: ['/v?/x'] }, { url: '/v/x' }, false],
  ['path dot is literal', { field: 'path-pattern', values: ['/a.b'] }, { url: '/aXb' }, false],
  ['path regex chars literal', { field: 'path-pattern', values: ['/a+(b)$'] }, { url: '/a+(b)$' }, true],
  ['path values are ORed', { field: 'path-pattern', values: ['/x', '/y/*'] }, { url: '/y/z' }, true],
  ['path star spans slashes', { field: 'path-pattern', values: ['/*/edit'] }, { url: '/a/b/edit' }, true],
  // host-header
  ['host case-insensitive', { field: 'host-header', values: ['WWW.Example.com'] }, { host: 'www.EXAMPLE.com' }, true],
  ['host port stripped', { field: 'host-header', values: ['www.example.com'] }, { host: 'www.example.com:8080' }, true],
  ['host wildcard subdomain', { field: 'host-header', values: ['*.example.com'] }, { host: 'test.example.com' }, true],
  ['host wildcard not apex', { field: 'host-header', values: ['*.example.com'] }, { host: 'example.com' }, false],
  ['host dot literal', { field: 'host-header', values: ['a.example.com'] }, { host: 'abexample.com' }, false],
  ['host question mark', { field: 'host-header', values: ['api?.example.com'] }, { host: 'api2.example.com' }, true],
  ['host other host', { field: 'host-header', values: ['a.example.com'] }, { host: 'b.example.com' }, false],
  // http-header
  [
    'header name case-insensitive',
    { field: 'http-header', headerName: 'User-Agent', values: ['*Mobile*'] },
    { rawHeaders: ['user-agent', 'x Mobile y'] },
    true,
  ],
  ['header value case-insensitive', { field: 'http-header', headerName: 'x-env', values: ['BETA'] }, { rawHeaders: ['X-Env', 'beta'] }, true],
  ['header any copy matches', { field: 'http-header', headerName: 'x-env', values: ['beta'] }, { rawHeaders: ['X-Env', 'prod', 'X-Env', 'beta'] }, true],
  ['header absent', { field: 'http-header', headerName: 'x-env', values: ['*'] }, { rawHeaders: ['X-Other', 'beta'] }, false],
  ['header wrong value', { field: 'http-header', headerName: 'x-env', values: ['beta'] }, { rawHeaders: ['X-Env', 'betamax'] }, false],
  // http-request-method
  ['method exact', { field: 'http-request-method', values: ['GET', 'HEAD'] }, { method: 'HEAD' }, true],
  ['method other', { field: 'http-request-method', values: ['GET'] }, { method: 'POST' }, false],
  ['method case-sensitive', { field: 'http-request-method', values: ['get'] }, { method: 'GET' }, false],
  // query-string
  ['query key value', { field: 'query-string', values: [{ key: 'version', value: 'v1' }] }, { url: '/?version=v1' }, true],
  ['query case-insensitive', { field: 'query-string', values: [{ key: 'Version', value: 'V1' }] }, { url: '/?version=v1' }, true],
  ['query wildcard value', { field: 'query-string', values: [{ key: 'v', value: 'beta*' }] }, { url: '/?a=1&v=beta7' }, true],
  ['query any key', { field: 'query-string', values: [{ value: 'on' }] }, { url: '/?debug=on' }, true],
  ['query no query', { field: 'query-string', values: [{ value: '*' }] }, { url: '/x' }, false],
  ['query escaped star literal', { field: 'query-string', values: [{ key: 'q', value: 'a\\*' }] }, { url: '/?q=a*' }, true],
  ['query escaped star not wildcard', { field: 'query-string', values: [{ key: 'q', value: 'a\\*' }] }, { url: '/?q=ab' }, false],
  ['query escaped question literal', { field: 'query-string', values: [{ key: 'q', value: 'a\\?' }] }, { url: '/?q=a%3F' }, true],
  ['query decoded', { field: 'query-string', values: [{ key: 'q', value: 'a b' }] }, { url: '/?q=a%20b' }, true],
  ['query key mismatch', { field: 'query-string', values: [{ key: 'x', value: '1' }] }, { url: '/?y=1' }, false],
  // source-ip
  ['source v4 in', { field: 'source-ip', values: ['127.0.0.0/8'] }, { sourceAddress: '127.0.0.5' }, true],
  ['source mapped v4 in', { field: 'source-ip', values: ['127.0.0.0/8'] }, { sourceAddress: '::ffff:127.0.0.5' }, true],
  ['source v4 out', { field: 'source-ip', values: ['10.0.0.0/8'] }, { sourceAddress: '127.0.0.5' }, false],
  ['source v6 in', { field: 'source-ip', values: ['::1/128'] }, { sourceAddress: '::1' }, true],
  [
    'source never reads xff',
    { field: 'source-ip', values: ['10.0.0.0/8'] },
    { sourceAddress: '127.0.0.1', rawHeaders: ['X-Forwarded-For', '10.0.0.1'] },
    false,
  ],
];
for (const [name, condition, over, want] of table) {
  test(`condition: ${name}`, () => {
    assert.equal(compileCondition(condition)(facts(over), { pairs: undefined }), want);
  });
}

test('wildcard escapes every regex metacharacter', () => {
  const r = wildcardToRegExp('a.b|c[d]^e\\f', '');
  assert.ok(r.test('a.b|c[d]^e\\f'));
  assert.ok(!r.test('aXb|c[d]^e\\f'));
});

const action = (name: string) => ({ type: 'fixed-response' as const, fixedResponse: { statusCode: '200', messageBody: name } });
const rules: Rule[] = [
  {
    arn: 'r1',
    priority: 1,
    conditions: [
      { field: 'path-pattern', values: ['/api/*'] },
      { field: 'http-request-method', values: ['POST'] },
    ],
    action: action('api-post'),
  },
  { arn: 'r5', priority: 5, conditions: [{ field: 'path-pattern', values: ['/api/*'] }], action: action('api') },
  { arn: 'r9', priority: 9, conditions: [{ field: 'host-header', values: ['admin.*'] }], action: action('admin') },
  { arn: 'def', priority: 'default', conditions: [], action: action('default') },
];

test('rules: lowest priority first, all conditions must match, default last', () => {
  const router = compileRules(rules);
  const name = (f: Partial<RequestFacts>) => (router.match(facts(f)).action as ReturnType<typeof action>).fixedResponse.messageBody;
  assert.equal(name({ url: '/api/x', method: 'POST' }), 'api-post');
  assert.equal(name({ url: '/api/x', method: 'GET' }), 'api');
  assert.equal(name({ url: '/api/x', host: 'admin.example.com' }), 'api');
  assert.equal(name({ url: '/', host: 'admin.example.com' }), 'admin');
  assert.equal(name({ url: '/other' }), 'default');
  assert.equal(router.match(facts()).rule.arn, 'def');
});

// Property: the compiled RegExp agrees with a direct glob matcher on random patterns and inputs.
function glob(p: string, s: string): boolean {
  if (p === '') return s === '';
  if (p[0] === '*') return glob(p.slice(1), s) || (s !== '' && glob(p, s.slice(1)));
  if (s === '') return false;
  return (p[0] === '?' || p[0] === s[0]) && glob(p.slice(1), s.slice(1));
}

test('wildcardToRegExp agrees with a reference glob matcher', () => {
  const alphabet = fc.constantFrom('a', 'b', '.', '/', '*', '?', '+', '(', '$', '\\');
  const text = fc.array(fc.constantFrom('a', 'b', '.', '/', '+', '(', '$', '\\'), { maxLength: 8 }).map((a) => a.join(''));
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 6 }).map((a) => a.join('')),
      text,
      (pattern, input) => {
        assert.equal(wildcardToRegExp(pattern, '').test(input), glob(pattern, input), `${pattern} vs ${input}`);
      },
    ),
    { numRuns: 2000 },
  );
});
