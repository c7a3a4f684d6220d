import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../../../test/support/eventually.js';
import { H1Pool } from './h1-pool.js';
import type { ResponseHandler } from './target-connection.js';

interface Answer {
  status: number;
  body: string;
  reused: boolean | undefined;
}

/** One request through the pool, as the engine's ForwardAttempt would make it. */
function request(pool: H1Pool, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let body = '';
    let reused: boolean | undefined;
    const handler: ResponseHandler = {
      onConnect: (_abort, r) => (reused = r),
      onHeaders: (s) => ((status = s), true),
      onData: (c) => ((body += c.toString('latin1')), true),
      onComplete: () => resolve({ status, body, reused }),
      onError: reject,
    };
    pool.dispatch({ method: 'GET', path, headers: ['Host', 'a'], body: null, timeoutMs: 5000 }, handler);
  });
}

async function target(handler: http.RequestListener): Promise<{ port: number; server: http.Server; open: () => number; peak: () => number }> {
  const server = http.createServer(handler);
  let open = 0;
  let peak = 0;
  server.on('connection', (s) => {
    peak = Math.max(peak, ++open);
    s.on('close', () => open--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, open: () => open, peak: () => peak };
}

test('requests beyond the connection limit wait for a free connection, and all are answered', async () => {
  // Each answer a turn of the event loop late, so that all six are in the pool at once.
  const t = await target((req, res) => setImmediate(() => res.end(`ok ${req.url}`)));
  const pool = new H1Pool('127.0.0.1', t.port, { connections: 2, connectTimeoutMs: 2000, idleTimeoutMs: 4000 });
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => request(pool, `/${i}`)));
  assert.deepEqual(
    answers.map((a) => a.body),
    ['/0', '/1', '/2', '/3', '/4', '/5'].map((p) => `ok ${p}`),
  );
  assert.ok(t.peak() <= 2, `peak ${t.peak()} connections`);
  assert.ok(
    answers.some((a) => a.reused === true),
    'queued requests went out on kept-alive connections',
  );
  await pool.destroy(new Error('done'));
  t.server.close();
});

test('an idle connection is closed after the idle timeout, and the next request opens a fresh one', async () => {
  const t = await target((_q, res) => res.end('ok'));
  const pool = new H1Pool('127.0.0.1', t.port, { connections: 4, connectTimeoutMs: 2000, idleTimeoutMs: 300 });
  assert.equal((await request(pool)).reused, false);
  assert.equal((await request(pool)).reused, true);
  await eventually(() => t.open(), { what: 'the idle connection closed by the pool', timeoutMs: 5000, intervalMs: 20, until: (n) => n === 0 });
  assert.equal(pool.size, 0);
  const after = await request(pool);
  assert.deepEqual([after.status, after.reused], [200, false]);
  await pool.close();
  t.server.close();
});

test('close() lets an in-flight request finish, then closes its connection', async () => {
  let release: (() => void) | undefined;
  const t = await target((_q, res) => {
    release = () => res.end('late');
  });
  const pool = new H1Pool('127.0.0.1', t.port, { connections: 4, connectTimeoutMs: 2000, idleTimeoutMs: 4000 });
  const inFlight = request(pool);
  await eventually(() => release, { what: 'the request at the target', timeoutMs: 5000, intervalMs: 10 });
  const closed = pool.close();
  release?.();
  assert.equal((await inFlight).body, 'late');
  await closed;
  await eventually(() => t.open(), { what: 'the connection closed', timeoutMs: 5000, intervalMs: 10, until: (n) => n === 0 });
  t.server.close();
});
