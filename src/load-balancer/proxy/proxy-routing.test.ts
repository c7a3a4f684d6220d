import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, get, startLb, table, target, tg, upstream, type Lb, type Upstream } from './proxy.fixture.js';

describe('proxy: routing and headers', () => {
  let api: Upstream;
  let web: Upstream;
  let lb: Lb;
  before(async () => {
    const echo = (name: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('X-Served-By', name);
        res.end(JSON.stringify({ name, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
      });
    };
    api = await upstream(echo('api'));
    web = await upstream(echo('web'));
    const port = await freePort();
    lb = await startLb(
      table({
        port,
        groups: [tg('web', [target(web.port)]), tg('api', [target(api.port)])],
        rules: [
          {
            arn: 'r-api',
            priority: 10,
            conditions: [{ field: 'path-pattern', values: ['/api/*'] }],
            action: { type: 'forward', targetGroups: [{ targetGroupArn: 'api', weight: 1 }] },
          },
          {
            arn: 'r-host',
            priority: 20,
            conditions: [{ field: 'host-header', values: ['api.example.com'] }],
            action: { type: 'forward', targetGroups: [{ targetGroupArn: 'api', weight: 1 }] },
          },
          {
            arn: 'r-fixed',
            priority: 30,
            conditions: [{ field: 'path-pattern', values: ['/ping'] }],
            action: { type: 'fixed-response', fixedResponse: { statusCode: '200', contentType: 'application/json', messageBody: '{"pong":true}' } },
          },
          {
            arn: 'r-redirect',
            priority: 40,
            conditions: [{ field: 'path-pattern', values: ['/old/*'] }],
            action: { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
          },
        ],
      }),
    );
  });
  after(async () => {
    await lb.close();
    await api.close();
    await web.close();
  });

  test('path rule, host rule and default', async () => {
    assert.equal(JSON.parse((await get(lb.url('/api/users?x=1'))).body).name, 'api');
    assert.equal(JSON.parse((await get(lb.url('/'), { headers: { Host: 'API.example.com:8080' } })).body).name, 'api');
    assert.equal(JSON.parse((await get(lb.url('/index.html'))).body).name, 'web');
  });

  test('the path and query are sent on unchanged', async () => {
    assert.equal(JSON.parse((await get(lb.url('/api/a%20b/c?q=1&r=%2F'))).body).url, '/api/a%20b/c?q=1&r=%2F');
  });

  test('forwarded headers reach the target; hop-by-hop do not', async () => {
    const r = await get(lb.url('/x'), { headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Custom': 'kept', 'Keep-Alive': 'timeout=9' } });
    const h = JSON.parse(r.body).headers;
    assert.equal(h['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-port'], String(lb.port));
    assert.match(h['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(h['x-custom'], 'kept');
    assert.equal(h['keep-alive'], undefined);
    assert.equal(r.headers['x-served-by'], 'web');
  });

  test('request bodies stream to the target (POST, chunked and sized)', async () => {
    const big = 'x'.repeat(300_000);
    assert.equal(
      JSON.parse((await get(lb.url('/api/upload'), { method: 'POST', body: big, headers: { 'Content-Length': String(big.length) } })).body).body.length,
      big.length,
    );
    assert.equal(
      JSON.parse((await get(lb.url('/api/upload'), { method: 'POST', body: 'hello', headers: { 'Transfer-Encoding': 'chunked' } })).body).body,
      'hello',
    );
  });

  test('fixed-response and redirect actions', async () => {
    const f = await get(lb.url('/ping'));
    assert.equal(f.status, 200);
    assert.equal(f.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(f.body, '{"pong":true}');
    const r = await get(lb.url('/old/page?a=1'), { headers: { Host: 'www.example.com' } });
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, 'https://www.example.com:443/old/page?a=1');
    assert.equal(r.headers.server, 'awselb/2.0');
  });

  test('TRACE gets 405 from the load balancer', async () => {
    const r = await get(lb.url('/'), { method: 'TRACE' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.server, 'awselb/2.0');
  });

  test('metrics count target responses', async () => {
    const before = lb.metrics.count('target', 200);
    await get(lb.url('/'));
    assert.equal(lb.metrics.count('target', 200), before + 1);
  });
});
