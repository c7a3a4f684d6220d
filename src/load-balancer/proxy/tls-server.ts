/**
 * The server behind an HTTPS listener: Node's HTTP/2 secure server with HTTP/1.1 allowed (ALPN
 * `h2`, `http/1.1`, as ALB accepts both by default). Its own context (clients without SNI) is the
 * default certificate under the listener's policy; the SNICallback picks from the live table, so a
 * rotation needs no new server. OpenSSL takes versions and ciphers from the server's context, not
 * from the one an SNICallback returns, which is why the policy sits on both.
 */
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CompiledListener } from '../routing-table.js';
import { handshakeFailureReason, type HandshakeFailureReason } from './handshake-failure.js';
import { maxHeaderTotalBytes } from './proxy-engine.js';
import type { ListenerContexts, TlsContexts } from './tls-contexts.js';

/** The accepted TCP connection under a TLS socket (what connection limits count). */
const kConnection = Symbol('berth.connection');
/** The certificate the handshake presented, as the access log's `chosen_cert_arn` says it. */
const kCertificate = Symbol('berth.certificate');
type Tagged = { [kConnection]?: Socket; [kCertificate]?: string };

/**
 * ALB's `chosen_cert_arn` for a request's connection: the presented certificate's ARN, or
 * `session-reused` for a resumed TLS session; undefined on plain HTTP.
 */
export function chosenCertificateArn(socket: object): string | undefined {
  return (socket as Tagged)[kCertificate];
}

/** The accepted connection a request came on (through TLS and Node's HTTP/2 socket proxy alike). */
export function connectionOf(socket: object): Socket {
  return (socket as Tagged)[kConnection] ?? (socket as Socket);
}

export interface TlsServerOptions {
  readonly listener: CompiledListener;
  readonly contexts: ListenerContexts;
  readonly tls: TlsContexts;
  /** The listener as the current table has it (read per handshake). */
  readonly current: () => CompiledListener | undefined;
  readonly idleMs: number;
  readonly onSession: (session: http2.ServerHttp2Session) => void;
  readonly onHandshakeError: (reason: HandshakeFailureReason) => void;
}

export function createTlsServer(o: TlsServerOptions): http2.Http2SecureServer {
  const l = o.listener;
  const server = http2.createSecureServer({
    ...o.contexts.serverOptions,
    allowHTTP1: true,
    // A stalled handshake holds a descriptor; give up on it as ALB does.
    handshakeTimeout: 10_000,
    maxSessionMemory: 64,
    settings: { maxConcurrentStreams: 128, maxHeaderListSize: maxHeaderTotalBytes },
    SNICallback: (servername, cb) => {
      const current = o.current();
      cb(null, current ? o.tls.choose(current, servername) : undefined);
    },
  });
  // The HTTP/1.1 side of an allowHTTP1 server reads these from the server object, as http.Server's do.
  Object.assign(server, {
    maxHeaderSize: maxHeaderTotalBytes,
    keepAliveTimeout: o.idleMs,
    requestTimeout: 0,
    headersTimeout: l.loadBalancer.attributes.idleTimeoutSeconds * 1000,
  });
  server.on('secureConnection', (t: TLSSocket) => {
    (t as TLSSocket & Tagged)[kConnection] = (t as TLSSocket & { _parent?: Socket })._parent ?? t;
    // The choice the SNICallback just made, by the same rule on the same table.
    const current = o.current();
    const servername = typeof t.servername === 'string' ? t.servername : undefined;
    (t as TLSSocket & Tagged)[kCertificate] = t.isSessionReused() ? 'session-reused' : current ? o.tls.chosenArn(current, servername) : undefined;
  });
  server.on('session', (session: http2.ServerHttp2Session) => {
    o.onSession(session);
    // The idle timeout applies to a session with no stream at all, as to an idle HTTP/1.1 connection.
    session.setTimeout(o.idleMs, () => session.close());
  });
  // The TLS layer has already destroyed that socket; other connections never see it.
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => o.onHandshakeError(handshakeFailureReason(err)));
  return server;
}
