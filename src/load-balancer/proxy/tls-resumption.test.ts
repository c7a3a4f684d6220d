/**
 * TLS session resumption on HTTPS listeners, as nginx has it by default (tickets on): a client
 * resumes on the same listener, and, with shared ticket keys, on another listener server holding
 * the same port's table (what two workers of one node are), under SNI contexts too.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { DEFAULT_SSL_POLICY } from '../../domain/elbv2/ssl-policy.js';
import { listenerCert } from '../../../test/support/test-certs.js';
import { freePort, startLb, table, target, tg, upstream } from './proxy.fixture.js';

/** One handshake (TLS 1.3, the ticket read with the response); whether it resumed, and the session to offer next. */
function handshake(port: number, servername: string, session?: Buffer): Promise<{ reused: boolean; session: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    let latest: Buffer | undefined;
    const s = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...(session ? { session } : {}) });
    s.on('session', (b: Buffer) => (latest = b));
    s.once('secureConnect', () => s.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`));
    s.on('data', () => {});
    s.once('end', () => resolve({ reused: s.isSessionReused(), session: latest }));
    s.once('error', reject);
  });
}

describe('proxy: TLS session resumption', () => {
  test('a ticket resumes on the listener that issued it, and on another server sharing the ticket keys', async () => {
    const app = await upstream();
    const ticketKeys = randomBytes(48);
    const tlsSpec = {
      sslPolicy: DEFAULT_SSL_POLICY,
      defaultCertificate: listenerCert('arn:cert/default', ['www.example.com']),
      certificates: [listenerCert('arn:cert/api', ['api.example.com'])],
    };
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await startLb(table({ port: portA, tls: tlsSpec, groups: [tg('app', [target(app.port)])] }), { ticketKeys });
    const b = await startLb(table({ port: portB, tls: tlsSpec, groups: [tg('app', [target(app.port)])] }), { ticketKeys });
    const other = await startLb(table({ port: await freePort(), tls: tlsSpec, groups: [tg('app', [target(app.port)])] }));
    try {
      for (const name of ['www.example.com', 'api.example.com']) {
        const first = await handshake(portA, name);
        assert.equal(first.reused, false, `${name}: a first handshake is a full one`);
        assert.ok(first.session, `${name}: the listener issued a ticket`);
        assert.equal((await handshake(portA, name, first.session)).reused, true, `${name}: resumed on the same listener`);
        assert.equal((await handshake(portB, name, first.session)).reused, true, `${name}: resumed on a server sharing the keys`);
        assert.equal((await handshake(other.port, name, first.session)).reused, false, `${name}: not on a server with its own keys`);
      }
    } finally {
      await a.close();
      await b.close();
      await other.close();
      await app.close();
    }
  });
});
