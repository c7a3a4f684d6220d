import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../platform/random.js';
import { forwardHeaders, responseHeaders, responseHeadersOf, type ForwardContext } from './forward-headers.js';

const ctx: ForwardContext = {
  clientAddress: '::ffff:127.0.0.9',
  clientPort: 5555,
  listenerPort: 8080,
  protocol: 'http',
  xffMode: 'append',
  xffClientPort: false,
  preserveHost: false,
  dropInvalidHeaderFields: false,
  method: 'GET',
  now: 1_700_000_000_000,
  random: seededRandom(1),
};
const get = (h: string[], name: string): string[] => h.filter((_, i) => i % 2 === 1 && h[i - 1]!.toLowerCase() === name.toLowerCase());

test('hop-by-hop headers and the ones Connection names are removed', () => {
  const h = forwardHeaders(
    ['Host', 'a.test', 'Connection', 'keep-alive, X-Secret', 'Keep-Alive', '5', 'X-Secret', '1', 'TE', 'trailers', 'Upgrade', 'h2c', 'X-Keep', 'yes'],
    ctx,
  );
  for (const n of ['connection', 'keep-alive', 'x-secret', 'te', 'upgrade']) assert.deepEqual(get(h, n), [], n);
  assert.deepEqual(get(h, 'x-keep'), ['yes']);
});

test('X-Forwarded-For: append joins copies and adds the client IP without ::ffff:', () => {
  const h = forwardHeaders(['X-Forwarded-For', '1.1.1.1', 'x-forwarded-for', '2.2.2.2'], ctx);
  assert.deepEqual(get(h, 'x-forwarded-for'), ['1.1.1.1, 2.2.2.2, 127.0.0.9']);
  assert.deepEqual(get(forwardHeaders([], ctx), 'x-forwarded-for'), ['127.0.0.9']);
});

test('X-Forwarded-For: client port, preserve and remove modes', () => {
  assert.deepEqual(get(forwardHeaders([], { ...ctx, xffClientPort: true }), 'x-forwarded-for'), ['127.0.0.9:5555']);
  assert.deepEqual(get(forwardHeaders([], { ...ctx, clientAddress: '::1', xffClientPort: true }), 'x-forwarded-for'), ['[::1]:5555']);
  assert.deepEqual(get(forwardHeaders(['X-Forwarded-For', '1.1.1.1'], { ...ctx, xffMode: 'preserve' }), 'x-forwarded-for'), ['1.1.1.1']);
  assert.deepEqual(get(forwardHeaders([], { ...ctx, xffMode: 'preserve' }), 'x-forwarded-for'), []);
  assert.deepEqual(get(forwardHeaders(['X-Forwarded-For', '1.1.1.1'], { ...ctx, xffMode: 'remove' }), 'x-forwarded-for'), []);
});

test('proto and port are set by the load balancer, never taken from the client', () => {
  const h = forwardHeaders(['X-Forwarded-Proto', 'https', 'X-Forwarded-Port', '443'], ctx);
  assert.deepEqual(get(h, 'x-forwarded-proto'), ['http']);
  assert.deepEqual(get(h, 'x-forwarded-port'), ['8080']);
});

test('trace id is added, or kept with Self', () => {
  assert.match(get(forwardHeaders([], ctx), 'x-amzn-trace-id')[0]!, /^Root=1-6553f100-[0-9a-f]{24}$/);
  assert.match(get(forwardHeaders(['X-Amzn-Trace-Id', 'Root=1-1-abc'], ctx), 'x-amzn-trace-id')[0]!, /^Self=1-6553f100-[0-9a-f]{24};Root=1-1-abc$/);
});

test('host gets the listener port unless preserved or default', () => {
  assert.deepEqual(get(forwardHeaders(['Host', 'a.test'], ctx), 'host'), ['a.test:8080']);
  assert.deepEqual(get(forwardHeaders(['Host', 'a.test:9'], ctx), 'host'), ['a.test:9']);
  assert.deepEqual(get(forwardHeaders(['Host', 'a.test'], { ...ctx, preserveHost: true }), 'host'), ['a.test']);
  assert.deepEqual(get(forwardHeaders(['Host', 'a.test'], { ...ctx, listenerPort: 80 }), 'host'), ['a.test']);
});

test('body framing: chunked is re-framed by the client (header dropped, no length added), bodyless POST gets Content-Length 0', () => {
  const chunked = forwardHeaders(['Transfer-Encoding', 'chunked', 'Expect', '100-continue'], { ...ctx, method: 'POST' });
  assert.deepEqual(get(chunked, 'transfer-encoding'), []);
  assert.deepEqual(get(chunked, 'content-length'), []);
  assert.deepEqual(get(chunked, 'expect'), []);
  assert.deepEqual(get(forwardHeaders([], { ...ctx, method: 'POST' }), 'content-length'), ['0']);
  assert.deepEqual(get(forwardHeaders([], ctx), 'content-length'), []);
});

test('upgrade handshakes keep Connection: Upgrade; ambiguous requests close the target connection', () => {
  const h = forwardHeaders(['Connection', 'Upgrade', 'Upgrade', 'websocket'], { ...ctx, upgrade: 'websocket' });
  assert.deepEqual(get(h, 'connection'), ['Upgrade']);
  assert.deepEqual(get(h, 'upgrade'), ['websocket']);
  assert.deepEqual(get(forwardHeaders([], { ...ctx, closeTarget: true }), 'connection'), ['close']);
});

test('drop_invalid_header_fields removes names outside [-A-Za-z0-9]', () => {
  const h = forwardHeaders(['X_Under', '1', 'X-Ok', '2'], { ...ctx, dropInvalidHeaderFields: true });
  assert.deepEqual(get(h, 'x_under'), []);
  assert.deepEqual(get(h, 'x-ok'), ['2']);
});

test('response headers lose hop-by-hop ones and gain sticky cookies', () => {
  const h = responseHeaders(
    ['Content-Type', 'text/plain', 'Transfer-Encoding', 'chunked', 'Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Set-Cookie', 'a=1'],
    ['AWSALB=x'],
  );
  assert.deepEqual(h, ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'AWSALB=x']);
});

test('responseHeadersOf (raw Buffers, one pass) drops what responseHeaders drops and picks out Set-Cookie', () => {
  const cases: string[][] = [
    ['Content-Type', 'text/plain', 'Content-Length', '64'],
    ['Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'TE', 'trailers', 'Trailer', 'X', 'Upgrade', 'h2c'],
    ['Proxy-Connection', 'x', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'Date', 'now', 'Etag', '"1"'],
    ['Connection', 'close, X-Secret', 'x-secret', 'drop me', 'X-Kept', 'yes', 'Connection', 'Etag'],
  ];
  for (const flat of cases) {
    const { headers, setCookie } = responseHeadersOf(flat.map((s) => Buffer.from(s, 'latin1')));
    assert.deepEqual(headers, responseHeaders(flat, undefined), flat.join(' '));
    const cookies = flat.filter((_v, i) => i % 2 === 1 && flat[i - 1]?.toLowerCase() === 'set-cookie');
    assert.deepEqual(setCookie ?? [], cookies);
  }
});
