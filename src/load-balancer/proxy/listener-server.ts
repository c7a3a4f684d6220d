/**
 * One HTTP server per listener port, opened and closed to follow the routing table. Internal
 * load balancers bind 127.0.0.1, internet-facing ones 0.0.0.0, unless the table names an address.
 * A port already taken is reported as a ListenerBindError, never a crash. Connections from
 * addresses the load balancer's security groups do not allow on that port are dropped on accept.
 * Parser errors (smuggling attempts, oversized headers) become ALB 400s and the connection closes.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { anyCidrContains } from '../routing/cidr.js';
import type { CompiledListener, RoutingTable } from '../routing-table.js';
import { writeRawAlbError } from './alb-response.js';
import { maxHeaderTotalBytes, type ProxyEngine } from './proxy-engine.js';

export class ListenerBindError extends Error {
  override readonly name = 'ListenerBindError';
  constructor(
    readonly port: number,
    readonly address: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApplyResult {
  readonly opened: number[];
  readonly closed: number[];
  readonly failed: ListenerBindError[];
}

interface Open {
  readonly server: http.Server;
  readonly bindAddress: string;
}

export interface ListenerServerOptions {
  /** Client connections idle longer than this are closed (ms); the ALB default is 60 s. */
  readonly clientKeepAliveMs?: number;
  /** Called for each connection dropped by the security-group check. */
  readonly onDenied?: (port: number, address: string | undefined) => void;
  /** Called for each accepted client connection (metrics count open ones until the socket closes). */
  readonly onConnection?: (port: number, socket: Socket) => void;
}

export class ListenerServer {
  private readonly open = new Map<number, Open>();

  constructor(
    private readonly engine: ProxyEngine,
    private readonly options: ListenerServerOptions = {},
  ) {}

  /** Level-triggered: afterwards exactly the table's listeners are open (minus failures). */
  async apply(table: RoutingTable): Promise<ApplyResult> {
    const opened: number[] = [];
    const closed: number[] = [];
    const failed: ListenerBindError[] = [];
    for (const [port, o] of [...this.open]) {
      const l = table.listeners.get(port);
      if (l && l.bindAddress === o.bindAddress) continue;
      await this.closeOne(port);
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
    return { opened, closed, failed };
  }

  /** The port actually bound (differs from the listener port only in tests binding port 0). */
  address(port: number): { address: string; port: number } | undefined {
    const a = this.open.get(port)?.server.address();
    return a && typeof a === 'object' ? { address: a.address, port: a.port } : undefined;
  }

  private openOne(l: CompiledListener): Promise<void> {
    const port = l.port;
    const server = http.createServer({
      maxHeaderSize: maxHeaderTotalBytes,
      requireHostHeader: false,
      insecureHTTPParser: false,
      keepAliveTimeout: this.options.clientKeepAliveMs ?? l.loadBalancer.attributes.idleTimeoutSeconds * 1000,
      // The proxy enforces its own idle timeout per request.
      requestTimeout: 0,
      headersTimeout: l.loadBalancer.attributes.idleTimeoutSeconds * 1000,
    });
    server.on('connection', (socket: Socket) => {
      const current = this.engine.table().listeners.get(port);
      if (current?.allowed && !anyCidrContains(current.allowed, socket.remoteAddress)) {
        this.options.onDenied?.(port, socket.remoteAddress);
        socket.destroy();
        return;
      }
      this.options.onConnection?.(port, socket);
    });
    server.on('request', (req, res) => this.engine.handleRequest(req, res, port));
    server.on('upgrade', (req, socket, head) => this.engine.handleUpgrade(req, socket, head, port));
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      // A parse error after a response already started (bad chunk mid-body) cannot be answered.
      const inProgress = (socket as unknown as { _httpMessage?: http.ServerResponse })._httpMessage;
      if (inProgress?.headersSent) {
        socket.destroy();
        return;
      }
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      writeRawAlbError(socket, status);
      // Counted like any ELB answer (no request object exists, so no access-log line).
      this.engine.finish(port, undefined, undefined, status, 'elb', this.engine.now());
    });
    return new Promise((resolve, reject) => {
      const fail = (err: NodeJS.ErrnoException): void => {
        reject(new ListenerBindError(port, l.bindAddress, err.code ?? 'UNKNOWN', `cannot listen on ${l.bindAddress}:${port}: ${err.code ?? err.message}`));
      };
      server.once('error', fail);
      server.listen(port, l.bindAddress, () => {
        server.off('error', fail);
        this.open.set(port, { server, bindAddress: l.bindAddress });
        resolve();
      });
    });
  }

  private closeOne(port: number): Promise<void> {
    const o = this.open.get(port);
    if (!o) return Promise.resolve();
    this.open.delete(port);
    return new Promise((resolve) => {
      o.server.close(() => resolve());
      o.server.closeIdleConnections();
      // In-flight requests get a moment; then everything goes.
      setTimeout(() => o.server.closeAllConnections(), 1000).unref();
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.keys()].map((p) => this.closeOne(p)));
  }
}
