/**
 * One HTTP server per listener port, opened and closed to follow the routing table. Internal
 * load balancers bind 127.0.0.1, internet-facing ones 0.0.0.0, unless the table names an address.
 * A port already taken is reported as a ListenerBindError, never a crash. Connections from
 * addresses the load balancer's security groups do not allow on that port are dropped on accept.
 * Parser errors (smuggling attempts, oversized headers) become ALB 400s and the connection closes.
 *
 * Connections are bounded so that idle sockets cannot exhaust the process's file descriptors (an
 * internet-facing listener binds 0.0.0.0: anyone can open them). Each listener holds at most the
 * load balancer's `berth.listener.max_connections` (a node's workers together: `connectionLimit`);
 * at the limit a new connection evicts the oldest idle one (no request in flight), or is closed at
 * once when every one is busy. When an accept fails for want of descriptors (EMFILE/ENFILE, which
 * would otherwise be an uncaught 'error'), every listener sheds its idle connections and, for a
 * short while, admits a new connection only in exchange for an idle one.
 *
 * HTTPS listeners terminate TLS on an HTTP/2 secure server that also speaks HTTP/1.1 (ALPN `h2`,
 * `http/1.1`): the policy's versions and ciphers, the default certificate for clients without SNI,
 * and an SNICallback that reads the current table, so certificate rotation and policy changes reach
 * the next handshake without reopening the port. Failed handshakes close that connection alone and
 * are reported with a reason. A listener switching between HTTP and HTTPS reopens its port at once;
 * requests in flight on the old server finish (up to the idle timeout).
 *
 * Node's parser refuses a few requests that ALB frames and forwards (an empty target, raw UTF-8 in
 * the target, `Transfer-Encoding: chunked;ext`). When such a refusal starts at a request boundary
 * we know (the connection's first byte, or the byte after a finished exchange), `parser-fallback.ts`
 * frames that request with our own strict framer and serves it like any other.
 */
import http from 'node:http';
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import { anyCidrContains } from '../routing/cidr.js';
import { ListenerBindError, type ApplyResult } from './listener-bind-error.js';
import type { CompiledListener, RoutingTable } from '../routing-table.js';
import { writeRawAlbError } from './alb-response.js';
import { maxHeaderLineBytes, maxHeaderTotalBytes, type ProxyEngine } from './proxy-engine.js';
import { adaptH2Request, type ClientRequest, type ClientResponse } from './h2-bridge.js';
import type { HandshakeFailureReason } from './handshake-failure.js';
import { TlsContexts } from './tls-contexts.js';
import { connectionOf, createTlsServer } from './tls-server.js';
import { serveRefusedRequest, type FallbackHost } from './parser-fallback.js';

export { ListenerBindError, type ApplyResult } from './listener-bind-error.js';

interface Open {
  readonly server: http.Server | http2.Http2SecureServer;
  readonly bindAddress: string;
  readonly protocol: 'HTTP' | 'HTTPS';
  /** The default certificate and policy the TLS server's own context was built from. */
  defaultKey: string | undefined;
  /** HTTP/2 sessions, closed gracefully when the listener closes. */
  readonly sessions: Set<http2.ServerHttp2Session>;
  /** Accepted client connections, oldest first. */
  readonly sockets: Set<Socket>;
  /** Those with a request (or an upgraded stream) in progress. */
  readonly busy: Set<Socket>;
}

/** How long after a descriptor shortage new connections must take an idle one's place. */
const pressureMs = 2000;

/** The parse errors our own framer may be able to serve (see request-head.ts). */
const fallbackCodes = new Set(['HPE_INVALID_URL', 'HPE_INVALID_TRANSFER_ENCODING']);

/**
 * llhttp checks Transfer-Encoding only after it has handed the head over: a request whose last
 * coding is not exactly `chunked` is refused a moment later, so it is held back from the engine.
 */
function nodeRefusesTransferEncoding(req: http.IncomingMessage): boolean {
  const te = req.headers['transfer-encoding'];
  if (te === undefined) return false;
  return te.split(',').at(-1)!.trim().toLowerCase() !== 'chunked';
}

export interface ListenerServerOptions {
  /** Client connections idle longer than this are closed (ms); the ALB default is 60 s. */
  readonly clientKeepAliveMs?: number;
  /** Called for each connection dropped by the security-group check. */
  readonly onDenied?: (port: number, address: string | undefined) => void;
  /** Called for each accepted client connection (metrics count open ones until the socket closes). */
  readonly onConnection?: (port: number, socket: Socket) => void;
  /**
   * Called when connections are shed: `limit` (a listener at its maximum refused a new one),
   * `fd-pressure` (an accept failed for want of file descriptors), with how many were closed.
   */
  readonly onShed?: (port: number, reason: 'limit' | 'fd-pressure', closed: number) => void;
  /**
   * Client connections all listeners together hold at most (the descriptor budget; read on each
   * new connection, so it may follow a limit that changes). Default: no global bound.
   */
  readonly maxClientConnections?: () => number;
  /** The clock for the pressure window (default Date.now). */
  readonly now?: () => number;
  /** Called for each failed TLS handshake on an HTTPS listener. */
  readonly onTlsHandshakeError?: (port: number, reason: HandshakeFailureReason) => void;
  /**
   * TLS session ticket keys (48 bytes) shared by every listener context. Workers of one node that
   * share a port must share these, or a ticket issued by one worker cannot resume on another.
   * Default: Node's own random keys per context (resumption still works within one process).
   */
  readonly ticketKeys?: Buffer;
  /**
   * This process's limit on a listener, given the node's (`berth.listener.max_connections`, per
   * listener per node). Read on each new connection. A worker of a node with several takes what the
   * other workers leave (workers/connection-share.ts). Default: the node's limit (one process).
   */
  readonly connectionLimit?: (port: number, nodeLimit: number) => number;
}

const streamsPerConnection = new WeakMap<Socket, number>();

function isSecure(server: http.Server | http2.Http2SecureServer): server is http2.Http2SecureServer {
  return !(server instanceof http.Server);
}

export class ListenerServer {
  private readonly open = new Map<number, Open>();
  private pressureUntil = 0;
  readonly tls: TlsContexts;
  /** Per socket, the byte count at which Node's parser last stood between two requests. */
  private readonly boundary = new WeakMap<Socket, number>();
  /** Requests held back from the engine because Node is about to refuse their framing. */
  private readonly heldBack = new WeakMap<Socket, http.IncomingMessage>();
  /** Sockets handed back to the HTTP server after a fallback exchange (already counted). */
  private readonly returning = new WeakSet<Socket>();

  constructor(
    private readonly engine: ProxyEngine,
    private readonly options: ListenerServerOptions = {},
  ) {
    this.tls = new TlsContexts(options.ticketKeys);
  }

  /** Level-triggered: afterwards exactly the table's listeners are open (minus failures). */
  async apply(table: RoutingTable): Promise<ApplyResult> {
    const opened: number[] = [];
    const closed: number[] = [];
    const failed: ListenerBindError[] = [];
    for (const [port, o] of [...this.open]) {
      const l = table.listeners.get(port);
      if (l && l.bindAddress === o.bindAddress && l.protocol === o.protocol) {
        this.followTls(l, o);
        continue;
      }
      if (l && l.bindAddress === o.bindAddress) {
        // HTTP <-> HTTPS (ModifyListener): the port reopens at once, requests in flight on the old server finish.
        void this.closeOne(port, l.loadBalancer.attributes.idleTimeoutSeconds * 1000);
      } else await this.closeOne(port);
      closed.push(port);
    }
    for (const l of table.listeners.values()) {
      if (this.open.has(l.port)) continue;
      try {
        await this.openOne(l);
        opened.push(l.port);
      } catch (e) {
        failed.push(e as ListenerBindError);
      }
    }
    this.tls.sweep(table);
    return { opened, closed, failed };
  }

  /** A kept HTTPS listener: a new default certificate or policy replaces the server's own context. */
  private followTls(l: CompiledListener, o: Open): void {
    const ctx = this.tls.forListener(l);
    if (!ctx || ctx.defaultKey === o.defaultKey || !isSecure(o.server)) return;
    o.server.setSecureContext(ctx.serverOptions);
    o.defaultKey = ctx.defaultKey;
  }

  private createServer(
    l: CompiledListener,
    sessions: Set<http2.ServerHttp2Session>,
  ): { server: http.Server | http2.Http2SecureServer; defaultKey: string | undefined } {
    const idleMs = this.options.clientKeepAliveMs ?? l.loadBalancer.attributes.idleTimeoutSeconds * 1000;
    const ctx = this.tls.forListener(l);
    if (!ctx) {
      const server = http.createServer({
        maxHeaderSize: maxHeaderTotalBytes,
        requireHostHeader: false,
        insecureHTTPParser: false,
        keepAliveTimeout: idleMs,
        // The proxy enforces its own idle timeout per request.
        requestTimeout: 0,
        headersTimeout: l.loadBalancer.attributes.idleTimeoutSeconds * 1000,
      });
      return { server, defaultKey: undefined };
    }
    const server = createTlsServer({
      listener: l,
      contexts: ctx,
      tls: this.tls,
      current: () => this.engine.table().listeners.get(l.port),
      idleMs,
      onSession: (session) => {
        sessions.add(session);
        session.once('close', () => sessions.delete(session));
      },
      onHandshakeError: (reason) => this.options.onTlsHandshakeError?.(l.port, reason),
    });
    return { server, defaultKey: ctx.defaultKey };
  }

  /** The port actually bound (differs from the listener port only in tests binding port 0). */
  address(port: number): { address: string; port: number } | undefined {
    const a = this.open.get(port)?.server.address();
    return a && typeof a === 'object' ? { address: a.address, port: a.port } : undefined;
  }

  private openOne(l: CompiledListener): Promise<void> {
    const port = l.port;
    const sessions = new Set<http2.ServerHttp2Session>();
    const { server, defaultKey } = this.createServer(l, sessions);
    const sockets = new Set<Socket>();
    const busy = new Set<Socket>();
    const serve = (req: ClientRequest, res: ClientResponse): void => {
      const socket = connectionOf(req.socket);
      // One HTTP/1.1 request at a time per connection; HTTP/2 multiplexes, so count its streams.
      streamsPerConnection.set(socket, (streamsPerConnection.get(socket) ?? 0) + 1);
      busy.add(socket);
      res.once('close', () => {
        const left = (streamsPerConnection.get(socket) ?? 1) - 1;
        streamsPerConnection.set(socket, left);
        if (left === 0) busy.delete(socket);
      });
      if (req instanceof http2.Http2ServerRequest) adaptH2Request(req);
      else {
        // A finished HTTP/1.1 exchange is a request boundary: a refusal starting here is ours to frame.
        res.once('finish', () => {
          if (req.complete) this.boundary.set(socket, socket.bytesRead);
        });
      }
      this.engine.handleRequest(req, res, port);
    };
    const fallback: FallbackHost = {
      serve,
      upgrade: (req, socket, head) => {
        busy.add(socket);
        this.engine.handleUpgrade(req, socket, head, port);
      },
      refuse: (socket, status) => this.refuse(socket, port, status),
      giveBack: (socket, rest) => {
        this.boundary.set(socket, socket.bytesRead - rest.length);
        this.returning.add(socket);
        if (rest.length > 0) socket.unshift(rest);
        server.emit('connection', socket);
        socket.resume();
      },
    };
    server.on('connection', (socket: Socket) => {
      if (this.returning.delete(socket)) return;
      const current = this.engine.table().listeners.get(port);
      if (current?.allowed && !anyCidrContains(current.allowed, socket.remoteAddress)) {
        this.options.onDenied?.(port, socket.remoteAddress);
        socket.destroy();
        return;
      }
      const nodeLimit = current?.loadBalancer.attributes.maxConnectionsPerListener ?? l.loadBalancer.attributes.maxConnectionsPerListener;
      const limit = this.options.connectionLimit?.(port, nodeLimit) ?? nodeLimit;
      // Over the listener's own limit, room comes from its own idle connections; over the
      // process's descriptor budget (or just after running out), from any listener's.
      const own = sockets.size >= limit;
      const global = this.total() >= (this.options.maxClientConnections?.() ?? Infinity) || this.now() < this.pressureUntil;
      if (own || global) {
        const room = own ? evictIdle(sockets, busy) : this.evictAnyIdle();
        // One connection closed either way: an idle one, or this one when every one is busy.
        this.options.onShed?.(port, own ? 'limit' : 'fd-pressure', 1);
        if (!room) {
          socket.destroy();
          return;
        }
      }
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        busy.delete(socket);
      });
      this.options.onConnection?.(port, socket);
    });
    server.on('request', (req: ClientRequest, res: ClientResponse) => {
      if (req instanceof http2.Http2ServerRequest || !nodeRefusesTransferEncoding(req)) {
        serve(req, res);
        return;
      }
      // The refusal comes within the same parse; should it not, the request is served after all.
      this.heldBack.set(req.socket, req);
      setImmediate(() => {
        if (this.heldBack.get(req.socket) !== req) return;
        this.heldBack.delete(req.socket);
        serve(req, res);
      });
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      busy.add(connectionOf(socket));
      this.engine.handleUpgrade(req, socket, head, port);
    });
    server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
      if (err.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const held = this.heldBack.get(socket);
      this.heldBack.delete(socket);
      // A parse error after a response already started (bad chunk mid-body) cannot be answered.
      const inProgress = (socket as unknown as { _httpMessage?: http.ServerResponse })._httpMessage;
      if (inProgress?.headersSent) {
        socket.destroy();
        return;
      }
      // Ours to frame only if the refused packet starts where Node's parser stood between requests
      // (and no request of this packet went to the engine already).
      const packet = err.rawPacket;
      const atBoundary = packet !== undefined && socket.bytesRead - packet.length === (this.boundary.get(socket) ?? 0);
      if (fallbackCodes.has(err.code ?? '') && atBoundary && (inProgress === undefined || inProgress === null || held !== undefined)) {
        const idle = this.engine.table().listeners.get(port)?.loadBalancer.attributes.idleTimeoutSeconds ?? l.loadBalancer.attributes.idleTimeoutSeconds;
        serveRefusedRequest(socket, packet, fallback, { maxLineBytes: maxHeaderLineBytes, maxHeadBytes: maxHeaderTotalBytes, headersTimeoutMs: idle * 1000 });
        return;
      }
      this.refuse(socket, port, err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400);
    });
    return new Promise((resolve, reject) => {
      const fail = (err: NodeJS.ErrnoException): void => {
        reject(new ListenerBindError(port, l.bindAddress, err.code ?? 'UNKNOWN', `cannot listen on ${l.bindAddress}:${port}: ${err.code ?? err.message}`));
      };
      server.once('error', fail);
      server.listen(port, l.bindAddress, () => {
        server.off('error', fail);
        // After listen, errors come from accept; unhandled they would end the process.
        server.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'EMFILE' || err.code === 'ENFILE') this.shedForDescriptors(port);
        });
        this.open.set(port, { server, bindAddress: l.bindAddress, protocol: l.protocol, defaultKey, sessions, sockets, busy });
        resolve();
      });
    });
  }

  /** ALB's error written raw, then close; counted like any ELB answer (no request object, so no access-log line). */
  private refuse(socket: Socket, port: number, status: number): void {
    writeRawAlbError(socket, status);
    this.engine.finish(port, undefined, undefined, status, 'elb', this.engine.now());
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Out of descriptors: close every idle client connection on every listener, and hold the count for a while. */
  private shedForDescriptors(port: number): void {
    this.pressureUntil = this.now() + pressureMs;
    let closed = 0;
    for (const o of this.open.values()) {
      for (const s of [...o.sockets]) {
        if (o.busy.has(s)) continue;
        s.destroy();
        closed++;
      }
    }
    this.options.onShed?.(port, 'fd-pressure', closed);
  }

  private total(): number {
    let n = 0;
    for (const o of this.open.values()) n += o.sockets.size;
    return n;
  }

  /** The oldest idle connection of the listener holding the most. */
  private evictAnyIdle(): boolean {
    const byLoad = [...this.open.values()].sort((a, b) => b.sockets.size - a.sockets.size);
    return byLoad.some((o) => evictIdle(o.sockets, o.busy));
  }

  /** Open client connections on a listener (tests, metrics). */
  connections(port: number): number {
    return this.open.get(port)?.sockets.size ?? 0;
  }

  /** Open client connections per listener port (what a worker tells the node's other workers). */
  connectionCounts(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [port, o] of this.open) out.set(port, o.sockets.size);
    return out;
  }

  /** Stops accepting at once; idle connections close now, busy ones when done or after `graceMs`. */
  private closeOne(port: number, graceMs = 1000): Promise<void> {
    const o = this.open.get(port);
    if (!o) return Promise.resolve();
    this.open.delete(port);
    return new Promise((resolve) => {
      o.server.close(() => resolve());
      // GOAWAY: HTTP/2 clients open no new stream here; streams in flight finish.
      for (const s of o.sessions) s.close();
      for (const s of o.sockets) if (!o.busy.has(s)) s.destroy();
      // A busy connection goes once its requests are answered, not back to keep-alive.
      const busyCheck = setInterval(() => {
        for (const s of o.sockets) if (!o.busy.has(s)) s.destroy();
      }, 100);
      busyCheck.unref();
      // In-flight requests get the grace; then everything goes.
      setTimeout(() => {
        clearInterval(busyCheck);
        for (const s of o.sockets) s.destroy();
      }, graceMs).unref();
      o.server.once('close', () => clearInterval(busyCheck));
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.keys()].map((p) => this.closeOne(p)));
  }
}

/** Closes the oldest connection with nothing in flight; false when every one is busy. */
function evictIdle(sockets: Set<Socket>, busy: Set<Socket>): boolean {
  for (const s of sockets) {
    if (busy.has(s)) continue;
    sockets.delete(s);
    s.destroy();
    return true;
  }
  return false;
}
