import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redirectLocation, type RedirectConfig } from './redirect.js';

const req = { protocol: 'http' as const, host: 'www.example.com', listenerPort: 80, url: '/a/b?x=1&y=2' };
const cases: Array<[string, RedirectConfig, typeof req, string, number]> = [
  ['http to https', { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' }, req, 'https://www.example.com:443/a/b?x=1&y=2', 301],
  ['all defaults keep the url', { statusCode: 'HTTP_302' }, req, 'http://www.example.com:80/a/b?x=1&y=2', 302],
  ['new host', { host: 'new.example.com', statusCode: 'HTTP_301' }, req, 'http://new.example.com:80/a/b?x=1&y=2', 301],
  ['host from template', { host: 'm.#{host}', statusCode: 'HTTP_301' }, req, 'http://m.www.example.com:80/a/b?x=1&y=2', 301],
  ['path prefix', { path: '/v2/#{path}', statusCode: 'HTTP_301' }, req, 'http://www.example.com:80/v2/a/b?x=1&y=2', 301],
  ['fixed path', { path: '/landing', statusCode: 'HTTP_301' }, req, 'http://www.example.com:80/landing?x=1&y=2', 301],
  ['path without slash gets one', { path: 'x', statusCode: 'HTTP_301' }, req, 'http://www.example.com:80/x?x=1&y=2', 301],
  ['drop query', { query: '', statusCode: 'HTTP_301' }, req, 'http://www.example.com:80/a/b', 301],
  ['extend query', { query: '#{query}&src=alb', statusCode: 'HTTP_301' }, req, 'http://www.example.com:80/a/b?x=1&y=2&src=alb', 301],
  ['no query stays without ?', { statusCode: 'HTTP_301' }, { ...req, url: '/' }, 'http://www.example.com:80/', 301],
  ['port template', { port: '8#{port}', statusCode: 'HTTP_301' }, req, 'http://www.example.com:880/a/b?x=1&y=2', 301],
  [
    'protocol placeholder keeps https',
    { host: 'x.test', statusCode: 'HTTP_301' },
    { ...req, protocol: 'https' as never, listenerPort: 443 },
    'https://x.test:443/a/b?x=1&y=2',
    301,
  ],
  [
    'every placeholder',
    { protocol: '#{protocol}', host: '#{host}', port: '#{port}', path: '/#{path}', query: '#{query}', statusCode: 'HTTP_302' },
    req,
    'http://www.example.com:80/a/b?x=1&y=2',
    302,
  ],
];
for (const [name, config, r, location, status] of cases) {
  test(`redirect: ${name}`, () => {
    assert.deepEqual(redirectLocation(config, r), { location, status });
  });
}
