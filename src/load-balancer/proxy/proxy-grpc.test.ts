/**
 * gRPC through an HTTPS listener to ProtocolVersion=GRPC target groups, with a real gRPC server and
 * client speaking gRPC's framing on Node's http2 (5-byte length-prefixed messages, `te: trailers`,
 * `grpc-status` in the trailers): unary, server-streaming and bidirectional calls, a status the
 * target sets (5, NOT_FOUND), trailers-only answers, the load balancer's own errors in gRPC's form,
 * ALB's 464 for protocols a group cannot take, and health checks judged by GrpcCode.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { DEFAULT_SSL_POLICY } from '../../domain/elbv2/ssl-policy.js';
import { listenerCert, makeCert } from '../../../test/support/test-certs.js';
import { eventually } from '../../../test/support/eventually.js';
import { HealthProber, probeOnce, type ProbeTarget } from '../health/health-prober.js';
import { compileMatcher } from '../health/matcher.js';
import type { TargetHealthRecord } from '../health/health-state-machine.js';
import { entryFor } from '../node/access-log.js';
import type { RoutingTable } from '../routing-table.js';
import { freePort, startLb, table, target, tg, upstream, type Lb, type Upstream } from './proxy.fixture.js';

/** One gRPC message on the wire: flag 0 (uncompressed), big-endian length, payload. */
function frame(payload: string): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream into gRPC messages as they complete. */
class Deframer {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): string[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32BE(1);
      if (this.buf.length < 5 + len) break;
      out.push(this.buf.subarray(5, 5 + len).toString());
      this.buf = this.buf.subarray(5 + len);
    }
    return out;
  }
}

/** What the flood method has written, and whether its stream has stopped taking more. */
const flood = { total: 16 * 1024 * 1024, written: 0, blocked: false };

/**
 * A gRPC server with a few methods, on Node's core h2 API: h2c (a GRPC target group with
 * Protocol=HTTP), or h2 over TLS with a certificate nobody trusts (Protocol=HTTPS).
 */
function grpcServer(name: string, healthStatus: number, tls?: { key: string; cert: string }): http2.Http2Server | http2.Http2SecureServer {
  const server = tls ? http2.createSecureServer(tls) : http2.createServer();
  server.on('stream', (stream, headers) => {
    const path = headers[':path'];
    // The method, whatever the service: rules route by the service part of the path.
    const method = path?.slice(path.lastIndexOf('/') + 1);
    const ok = { ':status': 200, 'content-type': 'application/grpc' };
    if (method === 'Flood') {
      // Server streaming as fast as the stream takes it: 16 MB in 64 KB messages, waiting on 'drain'.
      stream.resume();
      stream.respond(ok, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      const chunk = frame('x'.repeat(64 * 1024 - 5));
      const pump = (): void => {
        while (flood.written < flood.total) {
          flood.written += chunk.length;
          if (!stream.write(chunk)) {
            flood.blocked = true;
            stream.once('drain', () => {
              flood.blocked = false;
              pump();
            });
            return;
          }
        }
        stream.end();
      };
      pump();
      return;
    }
    if (path === '/AWS.ALB/healthcheck' || method === 'Unimplemented') {
      // What gRPC servers answer for a method they do not have: trailers-only.
      stream.resume();
      stream.respond({ ...ok, 'grpc-status': String(healthStatus), 'x-health-ua': String(headers['user-agent']) }, { endStream: true });
      return;
    }
    const d = new Deframer();
    const got: string[] = [];
    if (method === 'Bidi') {
      // Bidirectional: each message is answered as it arrives, before the client has finished.
      stream.respond(ok, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.on('data', (c: Buffer) => {
        for (const m of d.push(c)) stream.write(frame(`${name}:${m}`));
      });
      stream.on('end', () => stream.end());
      return;
    }
    stream.on('data', (c: Buffer) => got.push(...d.push(c)));
    stream.on('end', () => {
      const msg = got[0] ?? '';
      if (method === 'Unary') {
        stream.respond({ ...ok, 'x-te-seen': String(headers.te) }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'x-target': name }));
        stream.end(frame(`hello ${msg} from ${name}`));
      } else if (method === 'Stream') {
        stream.respond(ok, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        const n = Number(msg);
        for (let i = 0; i < n; i++) stream.write(frame(`${msg}#${i}`));
        stream.end();
      } else if (method === 'Missing') {
        stream.respond(ok, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '5', 'grpc-message': 'no such thing' }));
        stream.end();
      } else {
        stream.respond({ ...ok, 'grpc-status': '12' }, { endStream: true });
      }
    });
  });
  return server;
}

interface Call {
  status: number;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  messages: string[];
  /** grpc-status from the trailers, or from the headers of a trailers-only answer. */
  grpcStatus: string | undefined;
  grpcMessage: string | undefined;
}

function call(client: http2.ClientHttp2Session, path: string, messages: string[], headers: http2.OutgoingHttpHeaders = {}): Promise<Call> {
  return new Promise((resolve, reject) => {
    const req = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    const d = new Deframer();
    const out: Call = { status: 0, headers: {}, trailers: {}, messages: [], grpcStatus: undefined, grpcMessage: undefined };
    req.on('response', (h) => {
      out.status = Number(h[':status']);
      out.headers = h;
    });
    req.on('trailers', (t) => (out.trailers = t));
    req.on('data', (c: Buffer) => out.messages.push(...d.push(c)));
    req.on('end', () => {
      const src = out.trailers['grpc-status'] !== undefined ? out.trailers : out.headers;
      out.grpcStatus = src['grpc-status'] as string | undefined;
      out.grpcMessage = src['grpc-message'] as string | undefined;
      resolve(out);
    });
    req.on('error', reject);
    for (const m of messages) req.write(frame(m));
    req.end();
  });
}

function listen(server: http2.Http2Server | http2.Http2SecureServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('proxy: gRPC (ProtocolVersion=GRPC)', () => {
  const a = grpcServer('a', 12);
  const sick = grpcServer('sick', 14);
  const targetCert = makeCert(['grpc.internal']);
  const secure = grpcServer('secure', 12, { key: targetCert.privateKeyPem, cert: targetCert.certificatePem });
  let securePort: number;
  let aPort: number;
  let sickPort: number;
  let plain: Upstream;
  let lb: Lb;
  let client: http2.ClientHttp2Session;
  let tableWith: (aState: 'healthy' | 'draining') => RoutingTable;
  const grpcCheck = { ...tg('x', []).healthCheck, path: '/AWS.ALB/healthcheck', matcher: '12', version: 'GRPC' as const };

  before(async () => {
    aPort = await listen(a);
    securePort = await listen(secure);
    sickPort = await listen(sick);
    plain = await upstream((_q, s) => s.end('plain'));
    const port = await freePort();
    const deadPort = await freePort();
    const forward = (arn: string) => ({ type: 'forward' as const, targetGroups: [{ targetGroupArn: arn, weight: 1 }] });
    tableWith = (aState) =>
      table({
        port,
        tls: { sslPolicy: DEFAULT_SSL_POLICY, defaultCertificate: listenerCert('arn:cert/grpc', ['grpc.example.com']), certificates: [] },
        groups: [
          tg('grpc', [target(aPort, aState)], { protocolVersion: 'GRPC', healthCheck: grpcCheck, deregistrationDelaySeconds: 30 }),
          tg('empty', [], { protocolVersion: 'GRPC', healthCheck: grpcCheck }),
          tg('http1', [target(plain.port)]),
          tg('dead', [target(deadPort)], { protocolVersion: 'GRPC', healthCheck: grpcCheck }),
          tg('h2', [target(sickPort)], { protocolVersion: 'HTTP2' }),
          tg('secure', [target(securePort)], { protocol: 'HTTPS', protocolVersion: 'GRPC', healthCheck: { ...grpcCheck, protocol: 'HTTPS' } }),
        ],
        rules: [
          { arn: 'r-empty', priority: 1, conditions: [{ field: 'path-pattern', values: ['/empty.*'] }], action: forward('empty') },
          { arn: 'r-http1', priority: 2, conditions: [{ field: 'path-pattern', values: ['/plain*'] }], action: forward('http1') },
          { arn: 'r-dead', priority: 3, conditions: [{ field: 'path-pattern', values: ['/dead.*'] }], action: forward('dead') },
          { arn: 'r-h2', priority: 5, conditions: [{ field: 'path-pattern', values: ['/h2.*'] }], action: forward('h2') },
          { arn: 'r-secure', priority: 4, conditions: [{ field: 'path-pattern', values: ['/secure.*'] }], action: forward('secure') },
          {
            arn: 'r-fixed',
            priority: 6,
            conditions: [{ field: 'path-pattern', values: ['/fixed.*'] }],
            action: { type: 'fixed-response', fixedResponse: { statusCode: '503', contentType: 'application/json', messageBody: '{"down":true}' } },
          },
        ],
      });
    lb = await startLb(tableWith('healthy'));
    client = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, servername: 'grpc.example.com' });
  });
  after(async () => {
    client.close();
    await lb.close();
    a.close();
    secure.close();
    sick.close();
    await plain.close();
  });

  test('a unary call: the message, te: trailers to the target, grpc-status and custom trailers back', async () => {
    const r = await call(client, '/test.Echo/Unary', ['world']);
    assert.equal(r.status, 200);
    assert.deepEqual(r.messages, ['hello world from a']);
    assert.equal(r.grpcStatus, '0');
    assert.equal(r.trailers['x-target'], 'a', 'trailers relayed as the target sent them');
    assert.equal(r.headers['x-te-seen'], 'trailers', 'the target saw te: trailers');
    assert.equal(r.headers['content-type'], 'application/grpc');
  });

  test('the access log says grpcs, with the SNI name and the certificate presented', async () => {
    const original = lb.metrics.requestFinished.bind(lb.metrics);
    const seen: ReturnType<typeof entryFor>[] = [];
    // Read as the node's access log does: synchronously, while the request's socket is live.
    lb.metrics.requestFinished = (o) => {
      seen.push(entryFor(o, lb.engine.table(), Date.now()));
      original(o);
    };
    try {
      await call(client, '/test.Echo/Unary', ['logged']);
      const e = await eventually(() => seen[0], { what: 'the call logged', timeoutMs: 5000, intervalMs: 10 });
      assert.equal(e.type, 'grpcs');
      assert.equal(e.elbStatusCode, 200);
      assert.equal(e.chosenCertArn, 'arn:cert/grpc');
      assert.equal(e.domainName, 'grpc.example.com');
      assert.equal(e.targetGroupArn, 'grpc');
    } finally {
      lb.metrics.requestFinished = original;
    }
  });

  test('Protocol=HTTPS: the call is re-encrypted to the target (h2 over TLS, certificate unverified), and checked over TLS', async () => {
    const r = await call(client, '/secure.Echo/Unary', ['tls']);
    assert.deepEqual(r.messages, ['hello tls from secure']);
    assert.equal(r.grpcStatus, '0');
    const twelve = compileMatcher('12', 'grpc');
    assert.deepEqual(await probeOnce('127.0.0.1', securePort, '/AWS.ALB/healthcheck', 2000, twelve, { protocol: 'HTTPS', version: 'GRPC' }), { ok: true });
    assert.equal((await probeOnce('127.0.0.1', securePort, '/AWS.ALB/healthcheck', 2000, twelve, { version: 'GRPC' })).ok, false, 'h2c does not reach it');
  });

  test('a gRPC call to an HTTP2 group takes the same stream path: its trailers arrive', async () => {
    const r = await call(client, '/h2.Echo/Unary', ['h2']);
    assert.deepEqual(r.messages, ['hello h2 from sick']);
    assert.equal(r.grpcStatus, '0');
    assert.equal(r.trailers['x-target'], 'sick');
  });

  test('server streaming: every message, in order, then the trailers', async () => {
    const r = await call(client, '/test.Echo/Stream', ['50']);
    assert.equal(r.messages.length, 50);
    assert.equal(r.messages[0], '50#0');
    assert.equal(r.messages[49], '50#49');
    assert.equal(r.grpcStatus, '0');
  });

  test('backpressure: a client that does not read holds the target back; then everything arrives', async () => {
    const req = client.request({ ':method': 'POST', ':path': '/test.Echo/Flood', 'content-type': 'application/grpc', te: 'trailers' });
    req.end(frame(''));
    // Nothing reads the answer: the target's writes must block, with little of the 16 MB taken.
    await eventually(() => (flood.blocked && flood.written > 0 ? flood.written : undefined), { what: 'the target blocked', timeoutMs: 5000, intervalMs: 20 });
    const atBlock = flood.written;
    assert.ok(atBlock < 4 * 1024 * 1024, `the load balancer did not swallow the stream (${atBlock} bytes taken)`);
    let bytes = 0;
    let trailers: http2.IncomingHttpHeaders = {};
    req.once('trailers', (t) => (trailers = t));
    const ended = new Promise((r) => req.once('end', r));
    req.on('data', (c: Buffer) => (bytes += c.length));
    await eventually(() => (bytes > 0 ? true : undefined), { what: `data flowing (blocked at ${atBlock})`, timeoutMs: 5000, intervalMs: 20 });
    await eventually(() => (flood.written >= flood.total ? true : undefined), {
      what: `the target written all (${flood.written}, read ${bytes})`,
      timeoutMs: 10000,
      intervalMs: 20,
    });
    await ended;
    assert.equal(trailers['grpc-status'], '0');
    assert.equal(bytes, flood.total);
  });

  test('draining: a call in flight on a deregistered target goes on to its end; new calls are not sent there', async () => {
    const req = client.request({ ':method': 'POST', ':path': '/test.Echo/Bidi', 'content-type': 'application/grpc', te: 'trailers' });
    const d = new Deframer();
    let waiting: ((m: string) => void) | undefined;
    req.on('data', (c: Buffer) => {
      for (const m of d.push(c)) waiting?.(m);
    });
    const say = (m: string): Promise<string> => {
      const answer = new Promise<string>((r) => (waiting = r));
      req.write(frame(m));
      return answer;
    };
    try {
      assert.equal(await say('before'), 'a:before');
      assert.equal(lb.engine.pools.inFlight('127.0.0.1', aPort), 1);
      await lb.setTable(tableWith('draining'));
      assert.equal(await say('while draining'), 'a:while draining', 'the call in flight still streams');
      const fresh = await call(client, '/test.Echo/Unary', ['new']);
      assert.equal(fresh.grpcStatus, '14', 'no new call reaches the draining target (no other one: 503 as UNAVAILABLE)');
      const trailers = new Promise<http2.IncomingHttpHeaders>((r) => req.once('trailers', r));
      req.end();
      assert.equal((await trailers)['grpc-status'], '0');
      await eventually(() => (lb.engine.pools.has('127.0.0.1', aPort) ? undefined : true), {
        what: 'the drained pool closed',
        timeoutMs: 5000,
        intervalMs: 20,
      });
    } finally {
      await lb.setTable(tableWith('healthy'));
    }
  });

  test('bidirectional streaming: each answer arrives before the client has finished sending', async () => {
    const req = client.request({ ':method': 'POST', ':path': '/test.Echo/Bidi', 'content-type': 'application/grpc', te: 'trailers' });
    const d = new Deframer();
    const got: string[] = [];
    let waiting: ((m: string) => void) | undefined;
    req.on('data', (c: Buffer) => {
      for (const m of d.push(c)) {
        got.push(m);
        waiting?.(m);
      }
    });
    const next = (): Promise<string> => new Promise((r) => (waiting = r));
    for (const m of ['one', 'two', 'three']) {
      const answer = next();
      req.write(frame(m));
      assert.equal(await answer, `a:${m}`);
    }
    const trailers = new Promise<http2.IncomingHttpHeaders>((r) => req.once('trailers', r));
    req.end();
    assert.equal((await trailers)['grpc-status'], '0');
    assert.deepEqual(got, ['a:one', 'a:two', 'a:three']);
  });

  test('a status the target sets (5, NOT_FOUND) reaches the client with its message; a trailers-only answer stays one', async () => {
    const r = await call(client, '/test.Echo/Missing', ['x']);
    assert.equal(r.status, 200);
    assert.equal(r.grpcStatus, '5');
    assert.equal(r.grpcMessage, 'no such thing');
    assert.equal(lb.metrics.count('target', 200) > 0, true);
    const only = await call(client, '/test.Echo/Unimplemented', []);
    assert.equal(only.headers['grpc-status'], '12', 'grpc-status in the one HEADERS frame');
    assert.deepEqual(only.trailers, {});
  });

  test("the load balancer's own errors reach a gRPC client as trailers-only answers with grpc-status", async () => {
    const none = await call(client, '/empty.Svc/Call', ['x']);
    assert.equal(none.status, 200);
    assert.equal(none.headers.server, 'awselb/2.0');
    assert.equal(none.grpcStatus, '14', 'no target (ALB 503) is UNAVAILABLE');
    assert.equal(none.grpcMessage, '503 Service Temporarily Unavailable');
    assert.equal(lb.metrics.count('elb', 503) > 0, true, 'counted as the ELB 503 it is');
    const dead = await call(client, '/dead.Svc/Call', ['x']);
    assert.equal(dead.grpcStatus, '14', 'a refused connection (ALB 502) is UNAVAILABLE');
    assert.equal(dead.grpcMessage, '502 Bad Gateway');
    assert.ok(lb.passive.length > 0, 'the refusal counted against the target at once');
    // A gRPC call cannot go to an HTTP/1.1 group (no trailers there): ALB's 464, in gRPC's form.
    const http1 = await call(client, '/plain.Svc/Call', ['x']);
    assert.equal(http1.grpcStatus, '2');
    assert.equal(http1.grpcMessage, '464');
    assert.equal(plain.requests.length, 0);
  });

  test('a fixed-response action answers a gRPC call as configured, not in gRPC form (docs/differences.md)', async () => {
    const req = client.request({ ':method': 'POST', ':path': '/fixed.Svc/Call', 'content-type': 'application/grpc', te: 'trailers' });
    req.end(frame('x'));
    const head = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    assert.equal(head[':status'], 503);
    assert.equal(head['content-type'], 'application/json; charset=utf-8');
    assert.equal(head['grpc-status'], undefined, 'no gRPC status made up');
    assert.equal(Buffer.concat(chunks).toString(), '{"down":true}');
  });

  test("ALB's 464 for what a GRPC group cannot take: HTTP/1.1, and HTTP/2 that is not a POST", async () => {
    const h1 = await new Promise<number>((resolve, reject) => {
      https
        .request(`https://127.0.0.1:${lb.port}/test.Echo/Unary`, { method: 'POST', rejectUnauthorized: false, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject)
        .end();
    });
    assert.equal(h1, 464);
    const getReq = client.request({ ':path': '/test.Echo/Unary' });
    const status = await new Promise<number>((r) => getReq.on('response', (h) => r(Number(h[':status']))));
    getReq.resume();
    assert.equal(status, 464);
    // An HTTP/2 POST that is not gRPC is forwarded (ALB: "success if a POST request").
    const post = await call(client, '/test.Echo/Unary', ['plain-post'], { 'content-type': 'application/octet-stream' });
    assert.deepEqual(post.messages, ['hello plain-post from a']);
  });

  test('health checks are gRPC calls judged by GrpcCode: 12 passes the default matcher, 14 does not', async () => {
    const twelve = compileMatcher('12', 'grpc');
    assert.deepEqual(await probeOnce('127.0.0.1', aPort, '/AWS.ALB/healthcheck', 2000, twelve, { version: 'GRPC' }), { ok: true });
    assert.deepEqual(await probeOnce('127.0.0.1', sickPort, '/AWS.ALB/healthcheck', 2000, twelve, { version: 'GRPC' }), {
      ok: false,
      kind: 'code',
      status: 14,
    });
    // A server that is not gRPC (no grpc-status) fails the check.
    assert.deepEqual(await probeOnce('127.0.0.1', plain.port, '/AWS.ALB/healthcheck', 2000, twelve, { version: 'GRPC' }), { ok: false, kind: 'error' });

    const seen = new Map<number, TargetHealthRecord>();
    const prober = new HealthProber({ clock: systemClock, random: seededRandom(3), onTransition: (t, to) => seen.set(t.port, to) });
    const settings = { ...grpcCheck, intervalSeconds: 0.05, timeoutSeconds: 0.5, healthyThreshold: 2, unhealthyThreshold: 2 };
    const probe = (port: number, id: string): ProbeTarget => ({ targetGroupArn: 'grpc', id, address: '127.0.0.1', port, settings });
    prober.setTargets([probe(aPort, 'i-a'), probe(sickPort, 'i-sick')]);
    try {
      const inState = (port: number, state: string) => () => {
        const r = seen.get(port);
        return r?.state === state ? r : undefined;
      };
      const sickState = await eventually(inState(sickPort, 'unhealthy'), { what: 'the sick target unhealthy', timeoutMs: 5000, intervalMs: 20 });
      assert.equal(sickState.reason, 'Target.ResponseCodeMismatch');
      assert.equal(sickState.description, 'Health checks failed with these codes: [14]');
      await eventually(inState(aPort, 'healthy'), { what: 'the good target healthy', timeoutMs: 5000, intervalMs: 20 });
    } finally {
      prober.stop();
    }
  });
});
