import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { firstCheckDelayMs, HealthProber, nextCheckDueAt, probeOnce, type ProbeTarget } from './health-prober.js';
import { compileMatcher } from './matcher.js';
import type { TargetHealthRecord } from './health-state-machine.js';
import { freePort } from '../../platform/free-port.js';
import { eventually } from '../../../test/support/eventually.js';

async function server(handler: http.RequestListener): Promise<{ port: number; close: () => Promise<void>; seen: http.IncomingMessage[] }> {
  const seen: http.IncomingMessage[] = [];
  const s = http.createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    port: (s.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

test('probe: GET path with the ELB user agent, connection closed', async () => {
  const up = await server((_req, res) => res.end('ok'));
  const o = await probeOnce('127.0.0.1', up.port, '/health?x=1', 1000, compileMatcher('200'));
  assert.deepEqual(o, { ok: true });
  const req = up.seen[0]!;
  assert.equal(req.url, '/health?x=1');
  assert.equal(req.method, 'GET');
  assert.equal(req.headers['user-agent'], 'ELB-HealthChecker/2.0');
  assert.equal(req.headers.connection, 'close');
  await up.close();
});

test('probe: code mismatch, timeout and refused', async () => {
  const up = await server((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end(), 1000);
    else {
      res.statusCode = 503;
      res.end();
    }
  });
  assert.deepEqual(await probeOnce('127.0.0.1', up.port, '/', 1000, compileMatcher('200-299')), { ok: false, kind: 'code', status: 503 });
  assert.deepEqual(await probeOnce('127.0.0.1', up.port, '/slow', 100, compileMatcher('200')), { ok: false, kind: 'timeout' });
  assert.deepEqual(await probeOnce('127.0.0.1', await freePort(), '/', 1000, compileMatcher('200')), { ok: false, kind: 'error' });
  await up.close();
});

const settings = {
  enabled: true,
  protocol: 'HTTP' as const,
  path: '/health',
  port: 'traffic-port' as const,
  intervalSeconds: 0.05,
  timeoutSeconds: 0.04,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  matcher: '200',
};

test('prober: initial → healthy → unhealthy (503) → healthy, transitions only on change', async () => {
  let status = 200;
  const up = await server((_req, res) => {
    res.statusCode = status;
    res.end();
  });
  const seen: string[] = [];
  let resolveNext: ((r: TargetHealthRecord) => void) | undefined;
  const prober = new HealthProber({
    clock: systemClock,
    random: seededRandom(1),
    onTransition: (_t, to) => {
      seen.push(`${to.state}${to.reason ? '/' + to.reason : ''}`);
      resolveNext?.(to);
    },
  });
  const next = (): Promise<TargetHealthRecord> => new Promise((r) => (resolveNext = r));
  const target: ProbeTarget = { targetGroupArn: 'tg', id: 'i-1', address: '127.0.0.1', port: up.port, settings };
  prober.setTargets([target]);
  assert.equal(seen[0], 'initial/Elb.InitialHealthChecking');
  let n = next();
  assert.equal((await n).state, 'healthy');
  n = next();
  status = 503;
  const down = await n;
  assert.equal(down.state, 'unhealthy');
  assert.equal(down.description, 'Health checks failed with these codes: [503]');
  n = next();
  status = 200;
  assert.equal((await n).state, 'healthy');
  assert.deepEqual(seen, ['initial/Elb.InitialHealthChecking', 'healthy', 'unhealthy/Target.ResponseCodeMismatch', 'healthy']);
  assert.ok(up.seen.length >= 5, `checks run every interval (${up.seen.length})`);
  // A witness target that stays: once it has been checked three more times, the prober has run
  // its rounds, and the removed target (one check at most already in flight) saw none of them.
  const witness = await server((_req, res) => res.end());
  const witnessTarget: ProbeTarget = { ...target, id: 'i-2', port: witness.port };
  prober.setTargets([witnessTarget]);
  assert.equal(prober.health('tg', target), undefined);
  const count = up.seen.length;
  await eventually(() => witness.seen.length, { what: 'three checks of the witness', timeoutMs: 5000, intervalMs: 10, until: (n) => n >= 3 });
  assert.ok(up.seen.length <= count + 1, 'removed targets are no longer checked');
  prober.stop();
  await up.close();
  await witness.close();
});

test('prober: passive failures mark a target unhealthy before the next check', async () => {
  const up = await server((_req, res) => res.end());
  const states: string[] = [];
  const prober = new HealthProber({ clock: systemClock, random: seededRandom(2), onTransition: (_t, to) => states.push(to.state) });
  const target: ProbeTarget = { targetGroupArn: 'tg', id: 'i-1', address: '127.0.0.1', port: up.port, settings: { ...settings, intervalSeconds: 60 } };
  prober.setTargets([target]);
  prober.reportPassiveFailure('tg', target);
  prober.reportPassiveFailure('tg', target);
  assert.equal(prober.health('tg', target)!.state, 'unhealthy');
  assert.equal(prober.health('tg', target)!.reason, 'Target.FailedHealthChecks');
  prober.stop();
  await up.close();
});

test('prober: a fixed health-check port and disabled checks', async () => {
  const up = await server((_req, res) => res.end());
  const states: string[] = [];
  const prober = new HealthProber({ clock: systemClock, random: seededRandom(3), onTransition: (_t, to) => states.push(to.state) });
  prober.setTargets([
    { targetGroupArn: 'tg', id: 'i-1', address: '127.0.0.1', port: 1, settings: { ...settings, port: up.port } },
    { targetGroupArn: 'tg', id: 'i-2', address: '127.0.0.1', port: 2, settings: { ...settings, enabled: false } },
  ]);
  // Once i-1 is healthy (checked on its fixed port twice), the prober has had its rounds: i-2 was not checked.
  await eventually(() => prober.health('tg', { id: 'i-1', port: 1 })?.state, {
    what: 'i-1 healthy',
    timeoutMs: 5000,
    intervalMs: 10,
    until: (s) => s === 'healthy',
  });
  assert.equal(
    up.seen.every((r) => r.url === '/health'),
    true,
  );
  assert.equal(prober.health('tg', { id: 'i-2', port: 2 })!.state, 'unavailable');
  prober.stop();
  await up.close();
});

test('checks are jittered: the first within the first second, later ones ±5% around the interval', () => {
  assert.equal(firstCheckDelayMs(5, 0), 0);
  assert.equal(firstCheckDelayMs(5, 0.999), 999);
  assert.equal(firstCheckDelayMs(0.5, 0.5), 250, 'an interval under a second bounds the offset');
  assert.equal(nextCheckDueAt(10_000, 30, 0.05, 0.5), 40_000);
  assert.equal(nextCheckDueAt(10_000, 30, 0.05, 0), 38_500);
  assert.equal(nextCheckDueAt(10_000, 30, 0.05, 1), 41_500);
  // Spread: 1,000 targets' first checks land across the second, not in one instant.
  const offsets = new Set(Array.from({ length: 1000 }, (_, i) => Math.floor(firstCheckDelayMs(5, i / 1000) / 100)));
  assert.equal(offsets.size, 10);
});
