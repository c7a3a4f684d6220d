import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { freePort, get, startLb, table, target, tg, upstream } from './proxy.fixture.js';
import { ListenerServer } from './listener-server.js';
import { eventually } from '../../../test/support/eventually.js';

/** Waits until the target has the request (it is in flight), instead of guessing how long that takes. */
const reached = (up: { requests: unknown[] }, n = 1) =>
  eventually(() => up.requests.length, { what: `${n} request(s) at the target`, timeoutMs: 5000, intervalMs: 5, until: (len) => len >= n });

describe('proxy: draining, stickiness, websockets, listeners', () => {
  test('draining: a slow in-flight request finishes while new requests go elsewhere', async () => {
    const old = await upstream((req, res) => (req.url === '/slow' ? setTimeout(() => res.end('old-slow'), 600) : res.end('old')));
    const fresh = await upstream((_q, res) => res.end('new'));
    const port = await freePort();
    const lb = await startLb(table({ port, groups: [tg('tg', [target(old.port)])] }));
    const slow = get(lb.url('/slow'));
    await reached(old);
    await lb.setTable(table({ port, groups: [tg('tg', [target(old.port, 'draining'), target(fresh.port)], { deregistrationDelaySeconds: 5 })] }));
    for (let i = 0; i < 5; i++) assert.equal((await get(lb.url('/'))).body, 'new');
    assert.equal(lb.engine.pools.inFlight('127.0.0.1', old.port), 1);
    assert.equal((await slow).body, 'old-slow');
    assert.equal(lb.engine.pools.has('127.0.0.1', old.port), false, 'pool closed once the last request finished');
    await lb.close();
    await old.close();
    await fresh.close();
  });

  test('draining: the deregistration delay cuts off what is still in flight', async () => {
    const old = await upstream((_q, res) => setTimeout(() => res.end('too late'), 3000));
    const port = await freePort();
    const lb = await startLb(table({ port, groups: [tg('tg', [target(old.port)])] }));
    const slow = get(lb.url('/')).then(
      (r) => r.status,
      () => 'cut',
    );
    await reached(old);
    const t0 = Date.now();
    await lb.setTable(table({ port, groups: [tg('tg', [target(old.port, 'draining')], { deregistrationDelaySeconds: 0.3 })] }));
    const outcome = await slow;
    assert.ok(outcome === 502 || outcome === 'cut', String(outcome));
    assert.ok(Date.now() - t0 < 2000);
    await lb.close();
    await old.close();
  });

  test('lb_cookie stickiness: AWSALB pins a client, and is reset when its target goes away', async () => {
    const a = await upstream((_q, res) => res.end('a'));
    const b = await upstream((_q, res) => res.end('b'));
    const port = await freePort();
    const sticky = { stickiness: { enabled: true, type: 'lb_cookie' as const, durationSeconds: 60 } };
    const lb = await startLb(table({ port, groups: [tg('tg', [target(a.port), target(b.port)], sticky)] }));
    const first = await get(lb.url('/'));
    const cookies = first.headers['set-cookie']!;
    assert.match(cookies[0]!, /^AWSALB=[^;]+; Expires=.+ GMT; Path=\/$/);
    assert.match(cookies[1]!, /^AWSALBCORS=.+; SameSite=None; Secure$/);
    const cookie = cookies[0]!.split(';')[0]!;
    for (let i = 0; i < 6; i++) assert.equal((await get(lb.url('/'), { headers: { Cookie: cookie } })).body, first.body);
    const other = first.body === 'a' ? b : a;
    const pinned = first.body === 'a' ? a : b;
    await lb.setTable(table({ port, groups: [tg('tg', [target(pinned.port, 'unhealthy'), target(other.port)], sticky)] }));
    const moved = await get(lb.url('/'), { headers: { Cookie: cookie } });
    assert.notEqual(moved.body, first.body);
    assert.notEqual(moved.headers['set-cookie']![0]!.split(';')[0], cookie);
    await lb.close();
    await a.close();
    await b.close();
  });

  test('WebSocket echo through the proxy, with forwarded headers on the handshake', async () => {
    const up = await upstream();
    const wss = new WebSocketServer({ server: up.server });
    let handshakeXff: string | undefined;
    wss.on('connection', (ws, req) => {
      handshakeXff = req.headers['x-forwarded-for'] as string;
      ws.on('message', (m) => ws.send(`echo:${m.toString()}`));
    });
    const lb = await startLb(table({ port: await freePort(), groups: [tg('tg', [target(up.port)])] }));
    const ws = new WebSocket(`ws://127.0.0.1:${lb.port}/chat`);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const replies: string[] = [];
    ws.on('message', (m) => replies.push(m.toString()));
    for (const m of ['one', 'two', 'x'.repeat(100_000)]) ws.send(m);
    await new Promise<void>((r) => {
      const i = setInterval(() => {
        if (replies.length === 3) {
          clearInterval(i);
          r();
        }
      }, 10);
    });
    assert.deepEqual(replies.slice(0, 2), ['echo:one', 'echo:two']);
    assert.equal(replies[2]!.length, 100_005);
    assert.equal(handshakeXff, '127.0.0.1');
    ws.close();
    wss.close();
    await lb.close();
    await up.close();
  });

  test('WebSocket to a group without targets gets an ALB 503', async () => {
    const lb = await startLb(table({ port: await freePort(), groups: [tg('tg', [])] }));
    const ws = new WebSocket(`ws://127.0.0.1:${lb.port}/`);
    const status = await new Promise<number>((r) => ws.once('unexpected-response', (_req, res) => r(res.statusCode!)));
    assert.equal(status, 503);
    await lb.close();
  });

  test('security groups: a client outside the allowed CIDRs is dropped at accept', async () => {
    const up = await upstream();
    const port = await freePort();
    const lb = await startLb(table({ port, groups: [tg('tg', [target(up.port)])], ingress: [{ cidr: '10.0.0.0/8', fromPort: 0, toPort: 65535 }] }));
    await assert.rejects(get(lb.url('/')));
    assert.equal(up.requests.length, 0);
    await lb.setTable(table({ port, groups: [tg('tg', [target(up.port)])], ingress: [{ cidr: '127.0.0.0/8', fromPort: port, toPort: port }] }));
    assert.equal((await get(lb.url('/'))).status, 200);
    await lb.setTable(table({ port, groups: [tg('tg', [target(up.port)])], ingress: [{ cidr: '127.0.0.0/8', fromPort: port + 1, toPort: port + 1 }] }));
    await assert.rejects(get(lb.url('/')), 'a rule for another port does not open this one');
    await lb.close();
    await up.close();
  });

  test('a taken port is a ListenerBindError, not a crash; the listener opens once the port frees', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    const lb = await startLb(table({ port: await freePort(), groups: [tg('tg', [])] }));
    const servers = new ListenerServer(lb.engine);
    const t = table({ port, groups: [tg('tg', [])] });
    const result = await servers.apply(t);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]!.name, 'ListenerBindError');
    assert.equal(result.failed[0]!.code, 'EADDRINUSE');
    assert.equal(result.failed[0]!.port, port);
    await new Promise((r) => blocker.close(r));
    assert.deepEqual((await servers.apply(t)).opened, [port]);
    assert.deepEqual((await servers.apply(table({ port: await freePort(), groups: [tg('tg', [])] }))).closed, [port]);
    await servers.close();
    await lb.close();
  });
});
