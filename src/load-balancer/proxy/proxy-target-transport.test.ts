/**
 * How the node speaks to targets: HTTPS target groups re-encrypt (target certificates unverified,
 * as on ALB) and are health-checked over TLS; ProtocolVersion HTTP2 speaks h2 (over TLS by ALPN,
 * or prior-knowledge h2c), and its health checks too.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import http2 from 'node:http2';
import https from 'node:https';
import { makeCert } from '../../../test/support/test-certs.js';
import { probeOnce } from '../health/health-prober.js';
import { compileMatcher } from '../health/matcher.js';
import { freePort, get, startLb, table, target, tg, type Lb } from './proxy.fixture.js';

type Seen = { version: string; proto: string | undefined; path: string | undefined };

function listen(server: https.Server | http2.Http2SecureServer | http2.Http2Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('proxy: target transports', () => {
  const cert = makeCert(['target.internal']);
  const seen: Record<string, Seen[]> = { https: [], h2: [], h2c: [] };
  const answer =
    (name: string) => (req: { httpVersion: string; headers: Record<string, string | string[] | undefined>; url?: string }, res: { end(s: string): void }) => {
      seen[name]!.push({ version: req.httpVersion, proto: req.headers['x-forwarded-proto'] as string | undefined, path: req.url });
      res.end(name);
    };
  const httpsTarget = https.createServer({ key: cert.privateKeyPem, cert: cert.certificatePem }, answer('https'));
  const h2Target = http2.createSecureServer({ key: cert.privateKeyPem, cert: cert.certificatePem }, answer('h2'));
  const h2cTarget = http2.createServer(answer('h2c'));
  let ports: { https: number; h2: number; h2c: number };
  let lb: Lb;

  before(async () => {
    ports = { https: await listen(httpsTarget), h2: await listen(h2Target), h2c: await listen(h2cTarget) };
    const port = await freePort();
    lb = await startLb(
      table({
        port,
        groups: [
          tg('https', [target(ports.https)], { protocol: 'HTTPS' }),
          tg('h2', [target(ports.h2)], { protocol: 'HTTPS', protocolVersion: 'HTTP2' }),
          tg('h2c', [target(ports.h2c)], { protocolVersion: 'HTTP2' }),
        ],
        rules: [
          {
            arn: 'r-h2',
            priority: 1,
            conditions: [{ field: 'path-pattern', values: ['/h2/*'] }],
            action: { type: 'forward', targetGroups: [{ targetGroupArn: 'h2', weight: 1 }] },
          },
          {
            arn: 'r-h2c',
            priority: 2,
            conditions: [{ field: 'path-pattern', values: ['/h2c/*'] }],
            action: { type: 'forward', targetGroups: [{ targetGroupArn: 'h2c', weight: 1 }] },
          },
        ],
      }),
    );
  });
  after(async () => {
    await lb.close();
    for (const s of [httpsTarget, h2Target, h2cTarget]) s.close();
  });

  test('Protocol=HTTPS re-encrypts to a target with a certificate nobody trusts', async () => {
    const r = await get(lb.url('/secure'));
    assert.equal(r.status, 200);
    assert.equal(r.body, 'https');
    assert.deepEqual(seen.https!.at(-1), { version: '1.1', proto: 'http', path: '/secure' });
  });

  test('ProtocolVersion=HTTP2 speaks h2 to the target, over TLS and as h2c', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await get(lb.url(`/h2/${i}`))).body, 'h2');
      assert.equal((await get(lb.url(`/h2c/${i}`))).body, 'h2c');
    }
    assert.deepEqual(
      seen.h2!.map((s) => s.version),
      ['2.0', '2.0', '2.0'],
    );
    assert.deepEqual(
      seen.h2c!.map((s) => s.version),
      ['2.0', '2.0', '2.0'],
    );
    assert.equal(seen.h2!.at(-1)!.path, '/h2/2');
  });

  test('health checks over TLS, over h2 and over h2c', async () => {
    const ok = compileMatcher('200');
    assert.deepEqual(await probeOnce('127.0.0.1', ports.https, '/health', 2000, ok, { protocol: 'HTTPS' }), { ok: true });
    assert.deepEqual(await probeOnce('127.0.0.1', ports.h2, '/health', 2000, ok, { protocol: 'HTTPS', version: 'HTTP2' }), { ok: true });
    assert.deepEqual(await probeOnce('127.0.0.1', ports.h2c, '/health', 2000, ok, { version: 'HTTP2' }), { ok: true });
    // An HTTP/1.1 check against the TLS target fails, so the checks above did use TLS.
    assert.equal((await probeOnce('127.0.0.1', ports.https, '/health', 2000, ok)).ok, false);
  });
});
