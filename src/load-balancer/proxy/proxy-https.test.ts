/**
 * HTTPS listeners over real TLS: curl (HTTP/1.1 and HTTP/2), openssl s_client (certificate per SNI
 * name, protocol versions per policy), node:http2 (multiplexing), certificate rotation under load.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import tls from 'node:tls';
import { SSL_POLICIES, DEFAULT_SSL_POLICY } from '../../domain/elbv2/ssl-policy.js';
import type { ListenerTls, RoutingTable } from '../routing-table.js';
import { listenerCert } from '../../../test/support/test-certs.js';
import { eventually } from '../../../test/support/eventually.js';
import { freePort, raw, startLb, table, target, tg, upstream, type Lb, type Upstream } from './proxy.fixture.js';
import type { HandshakeFailureReason } from './handshake-failure.js';
import { entryFor } from '../node/access-log.js';

function run(cmd: string, args: string[], input = ''): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(input);
  });
}

/** One handshake with openssl s_client: did it succeed, with which protocol, and which certificate (its CN). */
async function sClient(port: number, args: string[]): Promise<{ ok: boolean; protocol: string; cn: string }> {
  const r = await run('openssl', ['s_client', '-brief', '-connect', `127.0.0.1:${port}`, ...args]);
  return {
    ok: /Protocol version: /.test(r.out) && r.code === 0,
    protocol: /Protocol version: (\S+)/.exec(r.out)?.[1] ?? '',
    cn: /Peer certificate: .*CN ?= ?([^\s,/]+)/.exec(r.out)?.[1] ?? '',
  };
}

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** The certificate a fresh handshake gets, by fingerprint. */
function served(port: number, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername ? { servername } : {}) }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

function h2Get(client: http2.ClientHttp2Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = client.request({ ':path': path });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve({ status, body }));
    req.on('error', reject);
  });
}

describe('proxy: HTTPS listeners', () => {
  const defaultCert = listenerCert('arn:cert/default', ['www.example.com']);
  const apiCert = listenerCert('arn:cert/api', ['api.example.com']);
  const wildCert = listenerCert('arn:cert/wild', ['*.example.com']);
  const tlsOf = (over: Partial<ListenerTls> = {}): ListenerTls => ({
    sslPolicy: DEFAULT_SSL_POLICY,
    defaultCertificate: defaultCert,
    certificates: [apiCert, wildCert],
    ...over,
  });
  let app: Upstream;
  let lb: Lb;
  let port: number;
  const handshakeErrors: HandshakeFailureReason[] = [];
  const httpsTable = (over: Partial<ListenerTls> = {}, rules = true): RoutingTable =>
    table({
      port,
      tls: tlsOf(over),
      groups: [tg('app', [target(app.port)])],
      rules: rules
        ? [
            {
              arn: 'r-redirect',
              priority: 10,
              conditions: [{ field: 'path-pattern', values: ['/moved'] }],
              action: { type: 'redirect', redirect: { protocol: '#{protocol}', path: '/new', statusCode: 'HTTP_302' } },
            },
          ]
        : [],
    });

  before(async () => {
    app = await upstream((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('slow done'), 400);
        return;
      }
      if (req.url === '/die') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('partial');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(JSON.stringify({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() })));
    });
    port = await freePort();
    lb = await startLb(httpsTable(), { onTlsHandshakeError: (_p, reason) => handshakeErrors.push(reason) });
  });
  after(async () => {
    await lb.close();
    await app.close();
  });

  test('curl over HTTP/1.1 and HTTP/2: forwarded to the HTTP/1.1 target with X-Forwarded-Proto https', async () => {
    for (const flag of ['--http1.1', '--http2']) {
      const r = await run('curl', ['-sk', flag, '-w', '\n%{http_version}', '-H', 'X-Forwarded-Proto: spoofed', `https://127.0.0.1:${port}/echo?a=1`]);
      const [body, version] = r.out.split('\n');
      assert.equal(version, flag === '--http2' ? '2' : '1.1');
      const seen = JSON.parse(body!);
      assert.equal(seen.url, '/echo?a=1');
      assert.equal(seen.headers['x-forwarded-proto'], 'https');
      assert.equal(seen.headers['x-forwarded-port'], String(port));
      assert.equal(seen.headers.host, `127.0.0.1:${port}`);
    }
  });

  test('an HTTP/2 request body reaches the target (no length given: sent chunked)', async () => {
    const r = await run(
      'curl',
      ['-sk', '--http2', '--data-binary', '@-', '-H', 'Content-Type: text/plain', '-H', 'Transfer-Encoding: chunked', `https://127.0.0.1:${port}/upload`],
      'x'.repeat(100_000),
    );
    assert.equal(JSON.parse(r.out).body.length, 100_000);
  });

  test('openssl s_client: exact SNI name, then wildcard, then the default certificate; no SNI gets the default', async () => {
    assert.equal((await sClient(port, ['-servername', 'api.example.com'])).cn, 'api.example.com');
    assert.equal((await sClient(port, ['-servername', 'shop.example.com'])).cn, '*.example.com');
    assert.equal((await sClient(port, ['-servername', 'a.b.example.com'])).cn, 'www.example.com');
    assert.equal((await sClient(port, ['-servername', 'nobody.test'])).cn, 'www.example.com');
    assert.equal((await sClient(port, ['-noservername'])).cn, 'www.example.com');
  });

  test('each SSL policy accepts exactly its protocol versions', async () => {
    const flags = { TLSv1: '-tls1', 'TLSv1.1': '-tls1_1', 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' } as const;
    try {
      for (const policy of SSL_POLICIES) {
        await lb.setTable(httpsTable({ sslPolicy: policy.name }));
        for (const [version, flag] of Object.entries(flags)) {
          const r = await sClient(port, [flag, '-cipher', 'DEFAULT@SECLEVEL=0', '-servername', 'www.example.com']);
          assert.equal(r.ok, policy.protocols.includes(version as keyof typeof flags), `${policy.name} ${version}: ${r.protocol}`);
          if (r.ok) assert.equal(r.protocol, version);
        }
      }
    } finally {
      await lb.setTable(httpsTable());
    }
  });

  test('failed handshakes close that connection, are counted by reason, and leave other connections alone', async () => {
    const client = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    try {
      assert.equal((await h2Get(client, '/before')).status, 200);
      handshakeErrors.length = 0;
      const plain = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal(plain.closed, true);
      assert.equal((await sClient(port, ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'])).ok, false);
      assert.equal((await sClient(port, ['-tls1_2', '-cipher', 'AES128-SHA'])).ok, false);
      await eventually(() => (handshakeErrors.length >= 3 ? true : undefined), { what: 'three handshake failures reported', timeoutMs: 5000, intervalMs: 20 });
      assert.deepEqual([...handshakeErrors].sort(), ['http_request', 'no_shared_cipher', 'protocol_version']);
      assert.equal((await h2Get(client, '/after')).status, 200);
    } finally {
      client.close();
    }
  });

  test("the redirect action's #{protocol} is https on a TLS listener", async () => {
    const r = await run('curl', [
      '-sk',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{redirect_url}',
      '-H',
      'Host: www.example.com',
      `https://127.0.0.1:${port}/moved?q=1`,
    ]);
    assert.equal(r.out, `302 https://www.example.com:${port}/new?q=1`);
  });

  test('WebSockets keep working over HTTP/1.1 on a TLS listener', async () => {
    let targetSide: import('node:net').Socket | undefined;
    app.server.once('upgrade', (req: http.IncomingMessage, socket: import('node:net').Socket) => {
      targetSide = socket;
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Proto: ${String(req.headers['x-forwarded-proto'])}\r\n\r\n`,
      );
      socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
    });
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], servername: 'www.example.com' });
    try {
      let got = '';
      s.setEncoding('latin1');
      s.on('data', (c: string) => (got += c));
      await new Promise<void>((r) => s.once('secureConnect', () => r()));
      s.write(
        'GET /ws HTTP/1.1\r\nHost: www.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      await eventually(() => (got.includes('\r\n\r\n') ? true : undefined), { what: 'the 101', timeoutMs: 5000, intervalMs: 10 });
      assert.match(got, /^HTTP\/1.1 101 /);
      assert.match(got, /X-Proto: https/);
      s.write('ping');
      await eventually(() => (got.endsWith('echo:ping') ? true : undefined), { what: 'the echo through the relay', timeoutMs: 5000, intervalMs: 10 });
      s.destroy();
      // The relay ends the target's side when the client goes.
      await eventually(() => (targetSide?.destroyed || targetSide?.readableEnded ? true : undefined), {
        what: 'the target side closed',
        timeoutMs: 5000,
        intervalMs: 10,
      });
    } finally {
      s.destroy();
      targetSide?.destroy();
    }
  });

  test('access log entries say https / h2 with the cipher, protocol, SNI name and chosen certificate', async () => {
    const client = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    try {
      const seen: ReturnType<typeof entryFor>[] = [];
      const original = lb.metrics.requestFinished.bind(lb.metrics);
      // Read the entry as the node's access log does: synchronously, while the request's socket is live.
      lb.metrics.requestFinished = (o) => {
        seen.push(entryFor(o, lb.engine.table(), Date.now()));
        original(o);
      };
      try {
        await h2Get(client, '/logged-h2');
        await run('curl', ['-sk', '--http1.1', '--tls-max', '1.2', '-o', '/dev/null', `https://127.0.0.1:${port}/logged-h1`]);
        await eventually(() => (seen.length >= 2 ? true : undefined), { what: 'two requests finished', timeoutMs: 5000, intervalMs: 10 });
        await run('curl', ['-sk', '--resolve', `api.example.com:${port}:127.0.0.1`, '-o', '/dev/null', `https://api.example.com:${port}/logged-sni`]);
        await eventually(() => (seen.length >= 3 ? true : undefined), { what: 'the SNI request finished', timeoutMs: 5000, intervalMs: 10 });
      } finally {
        lb.metrics.requestFinished = original;
      }
      const [h2, h1, sni] = seen;
      assert.equal(h2?.type, 'h2');
      assert.equal(h2?.sslProtocol, 'TLSv1.3');
      assert.match(h2?.sslCipher ?? '', /^TLS_AES_128_GCM_SHA256$/);
      assert.match(h2?.request ?? '', /^GET https:\/\/127\.0\.0\.1:\d+\/logged-h2 HTTP\/2\.0$/);
      assert.equal(h1?.type, 'https');
      assert.equal(h1?.sslProtocol, 'TLSv1.2');
      assert.equal(h1?.sslCipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
      // ALB's chosen_cert_arn and domain_name: no SNI gets the default certificate, a name its own.
      assert.equal(h2?.chosenCertArn, 'arn:cert/default');
      assert.equal(h2?.domainName, '-');
      assert.equal(sni?.chosenCertArn, 'arn:cert/api');
      assert.equal(sni?.domainName, 'api.example.com');
    } finally {
      client.close();
    }
  });

  test('HTTP/2: 100 concurrent streams over one connection are all answered', async () => {
    const client = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    try {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => h2Get(client, `/stream/${i}`)));
      assert.equal(results.filter((r) => r.status === 200).length, 100);
      results.forEach((r, i) => assert.equal(JSON.parse(r.body).url, `/stream/${i}`));
    } finally {
      client.close();
    }
  });

  test('a target dying mid-stream costs that stream alone', async () => {
    const client = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    try {
      const others = Array.from({ length: 20 }, (_, i) => h2Get(client, `/ok/${i}`));
      const dying = h2Get(client, '/die').then(
        (r) => (r.body === 'partial' ? 'truncated' : 'complete'),
        () => 'reset',
      );
      assert.notEqual(await dying, 'complete');
      assert.equal(
        (await Promise.all(others)).every((r) => r.status === 200),
        true,
      );
      assert.equal((await h2Get(client, '/after-death')).status, 200);
    } finally {
      client.close();
    }
  });

  test('certificate rotation under load: new handshakes get the new certificate, zero failed requests', async () => {
    let failures = 0;
    let done = 0;
    let stop = false;
    const keepAlive = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const once = (agent: https.Agent | false): Promise<void> =>
      new Promise((resolve) => {
        const req = https.get({ host: '127.0.0.1', port, path: '/load', agent, rejectUnauthorized: false, servername: 'www.example.com' }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) done++;
            else failures++;
            resolve();
          });
        });
        req.on('error', () => {
          failures++;
          resolve();
        });
      });
    const loops = ([keepAlive, keepAlive, false, false] as (https.Agent | false)[]).map(async (agent) => {
      while (!stop) await once(agent);
    });
    const h2client = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    const h2loop = (async () => {
      while (!stop) {
        const r = await h2Get(h2client, '/load-h2').catch(() => ({ status: 0 }));
        if (r.status === 200) done++;
        else failures++;
      }
    })();
    try {
      for (let i = 0; i < 4; i++) {
        const fresh = listenerCert('arn:cert/default', ['www.example.com']);
        await lb.setTable(httpsTable({ defaultCertificate: fresh }));
        // Within the swap: the next handshake already gets the new certificate, with and without SNI.
        assert.equal(await served(port, 'www.example.com'), fingerprint(fresh.certificatePem));
        assert.equal(await served(port), fingerprint(fresh.certificatePem));
        const before = done;
        await eventually(() => (done > before + 20 ? true : undefined), { what: 'requests flowing after a rotation', timeoutMs: 10_000, intervalMs: 20 });
      }
    } finally {
      stop = true;
      await Promise.all([...loops, h2loop]);
      h2client.close();
      keepAlive.destroy();
      await lb.setTable(httpsTable());
    }
    assert.equal(failures, 0);
    assert.ok(done > 80, `only ${done} requests`);
  });

  test('ModifyListener HTTP -> HTTPS -> HTTP: the port reopens at once and requests in flight finish', async () => {
    const httpTable = table({ port, groups: [tg('app', [target(app.port)])] });
    const slowSeen = (n: number) =>
      eventually(() => (app.requests.filter((r) => r.url === '/slow').length >= n ? true : undefined), {
        what: 'the slow request reached the target',
        timeoutMs: 5000,
        intervalMs: 10,
      });
    const slowBefore = app.requests.filter((r) => r.url === '/slow').length;
    try {
      const inFlight = run('curl', ['-sk', `https://127.0.0.1:${port}/slow`]);
      await slowSeen(slowBefore + 1);
      await lb.setTable(httpTable);
      const plain = await new Promise<number>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/x', agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      assert.equal(plain, 200);
      assert.equal((await inFlight).out, 'slow done');
      const slowPlain = run('curl', ['-s', `http://127.0.0.1:${port}/slow`]);
      await slowSeen(slowBefore + 2);
      await lb.setTable(httpsTable());
      assert.equal((await run('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1:${port}/x`])).out, '200');
      assert.equal((await slowPlain).out, 'slow done');
    } finally {
      await lb.setTable(httpsTable());
    }
  });
});
