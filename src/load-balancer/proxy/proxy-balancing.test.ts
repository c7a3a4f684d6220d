import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { eventually } from '../../../test/support/eventually.js';
import { freePort, get, startLb, table, target, tg, upstream } from './proxy.fixture.js';

test('weighted forward: traffic splits by target-group weight; AWSALBTG keeps a client on its group', async () => {
  const blue = await upstream((_q, res) => res.end('blue'));
  const green = await upstream((_q, res) => res.end('green'));
  const port = await freePort();
  const lb = await startLb(
    table({
      port,
      groups: [tg('blue', [target(blue.port)]), tg('green', [target(green.port)])],
      defaultAction: {
        type: 'forward',
        targetGroups: [
          { targetGroupArn: 'blue', weight: 3 },
          { targetGroupArn: 'green', weight: 1 },
        ],
        stickiness: { enabled: true, durationSeconds: 60 },
      },
    }),
  );
  const counts: Record<string, number> = { blue: 0, green: 0 };
  let greenCookie: string | undefined;
  for (let i = 0; i < 200; i++) {
    const r = await get(lb.url('/'));
    counts[r.body]!++;
    if (r.body === 'green') greenCookie = r.headers['set-cookie']!.find((c) => c.startsWith('AWSALBTG='))!.split(';')[0];
  }
  assert.ok(counts.blue! > 120 && counts.blue! < 180, JSON.stringify(counts));
  for (let i = 0; i < 10; i++) assert.equal((await get(lb.url('/'), { headers: { Cookie: greenCookie! } })).body, 'green');
  await lb.close();
  await blue.close();
  await green.close();
});

test('app_cookie stickiness: once the app sets its cookie, AWSALBAPP-0 pins the client', async () => {
  const mk = (name: string) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === '/login') res.setHeader('Set-Cookie', 'SESSION=abc; Path=/');
    res.end(name);
  };
  const a = await upstream(mk('a'));
  const b = await upstream(mk('b'));
  const lb = await startLb(
    table({
      port: await freePort(),
      groups: [
        tg('tg', [target(a.port), target(b.port)], { stickiness: { enabled: true, type: 'app_cookie', durationSeconds: 60, appCookieName: 'SESSION' } }),
      ],
    }),
  );
  const plain = await get(lb.url('/'));
  assert.equal(plain.headers['set-cookie'], undefined, 'no LB cookie before the app sets one');
  const login = await get(lb.url('/login'));
  const cookies = login.headers['set-cookie']!;
  assert.ok(cookies.includes('SESSION=abc; Path=/'));
  const app = cookies.find((c) => c.startsWith('AWSALBAPP-0='))!.split(';')[0]!;
  for (let i = 0; i < 6; i++) assert.equal((await get(lb.url('/'), { headers: { Cookie: `SESSION=abc; ${app}` } })).body, login.body);
  await lb.close();
  await a.close();
  await b.close();
});

test('least outstanding requests: a busy target gets no new requests while an idle one exists', async () => {
  const release: Array<() => void> = [];
  const slow = await upstream((_q, res) => release.push(() => res.end('slow')));
  const fast = await upstream((_q, res) => res.end('fast'));
  const lb = await startLb(
    table({ port: await freePort(), groups: [tg('tg', [target(slow.port), target(fast.port)], { algorithm: 'least_outstanding_requests' })] }),
  );
  const pending: Promise<unknown>[] = [];
  // Fill the slow target with one request, then everything else must go to the fast one.
  while (release.length === 0) {
    const before = slow.requests.length + fast.requests.length;
    pending.push(get(lb.url('/')));
    // Wait until a target has it, so the next one is sent knowing where this one went.
    await eventually(() => slow.requests.length + fast.requests.length, {
      what: 'the request reaches a target',
      timeoutMs: 5000,
      intervalMs: 5,
      until: (n) => n > before,
    });
  }
  for (let i = 0; i < 10; i++) assert.equal((await get(lb.url('/'))).body, 'fast');
  for (const r of release) r();
  await Promise.all(pending);
  await lb.close();
  await slow.close();
  await fast.close();
});

test('xff modes end to end, and 463 past 30 addresses', async () => {
  const up = await upstream((req, res) => res.end(String(req.headers['x-forwarded-for'] ?? '-')));
  const port = await freePort();
  const groups = [tg('tg', [target(up.port)])];
  const lb = await startLb(table({ port, groups, attributes: { xffHeaderProcessingMode: 'preserve' } }));
  assert.equal((await get(lb.url('/'), { headers: { 'X-Forwarded-For': '9.9.9.9' } })).body, '9.9.9.9');
  await lb.setTable(table({ port, groups, attributes: { xffHeaderProcessingMode: 'remove' } }));
  assert.equal((await get(lb.url('/'), { headers: { 'X-Forwarded-For': '9.9.9.9' } })).body, '-');
  await lb.setTable(table({ port, groups, attributes: { xffClientPortEnabled: true } }));
  assert.match((await get(lb.url('/'))).body, /^127\.0\.0\.1:\d+$/);
  const many = Array.from({ length: 31 }, (_, i) => `10.0.0.${i}`).join(', ');
  const r = await get(lb.url('/'), { headers: { 'X-Forwarded-For': many } });
  assert.equal(r.status, 463);
  assert.equal(r.headers.server, 'awselb/2.0');
  await lb.close();
  await up.close();
});
