import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerUrls, ServerFailover, ServerUnavailable } from './server-failover.js';

test('parseServerUrls splits, trims and checks each URL', () => {
  assert.deepEqual(parseServerUrls('http://a:1/, http://b:2'), ['http://a:1', 'http://b:2']);
  assert.throws(() => parseServerUrls(' , '), /at least one/);
  assert.throws(() => parseServerUrls('http://a:1,nope'), /not a URL/);
  assert.throws(() => parseServerUrls('ftp://a'), /not an http/);
});

test('a call moves on past unavailable servers and sticks to the one that answered', async () => {
  const f = new ServerFailover(['a', 'b', 'c']);
  const tried: string[] = [];
  const out = await f.call(async (u) => {
    tried.push(u);
    if (u !== 'c') throw new ServerUnavailable(u, new Error('ECONNREFUSED'));
    return u;
  });
  assert.equal(out, 'c');
  assert.deepEqual(tried, ['a', 'b', 'c']);
  assert.equal(f.current(), 'c');
});

test("a server's own answer (not unavailability) is thrown without trying the others", async () => {
  const f = new ServerFailover(['a', 'b']);
  const tried: string[] = [];
  await assert.rejects(
    f.call(async (u) => {
      tried.push(u);
      throw new Error('ValidationException');
    }),
    /ValidationException/,
  );
  assert.deepEqual(tried, ['a']);
});

test('when every server is unavailable, each is tried once and the last failure is thrown', async () => {
  const f = new ServerFailover(['a', 'b']);
  let calls = 0;
  await assert.rejects(
    f.call(async (u) => {
      calls++;
      throw new ServerUnavailable(u, new Error('down'));
    }),
    (err: unknown) => err instanceof ServerUnavailable && err.url === 'b',
  );
  assert.equal(calls, 2);
});
