import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishedApiUrl } from './published-api-url.js';

test('a server bound to every address publishes its loopback address; a bound address as it is; an advertised URL wins', () => {
  assert.equal(publishedApiUrl({ address: '0.0.0.0', family: 'IPv4', port: 4566 }), 'http://127.0.0.1:4566');
  assert.equal(publishedApiUrl({ address: '::', family: 'IPv6', port: 4566 }), 'http://[::1]:4566');
  assert.equal(publishedApiUrl({ address: '10.0.0.5', family: 'IPv4', port: 4566 }), 'http://10.0.0.5:4566');
  assert.equal(publishedApiUrl({ address: 'fd00::5', family: 'IPv6', port: 80 }), 'http://[fd00::5]:80');
  assert.equal(publishedApiUrl({ address: '0.0.0.0', family: 'IPv4', port: 4566 }, 'http://berth-1.internal:4566/'), 'http://berth-1.internal:4566');
});
