/**
 * WebSocket (any HTTP/1.1 Upgrade) through the load balancer: route the handshake like a request,
 * then, once the target answers 101, hand the raw sockets to each other. The target that answered
 * stays the peer for the connection's life; least_outstanding_requests counts it as one request
 * until it closes. A target that answers anything else has its answer relayed, then the
 * connection closes.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { PickContext } from '../balancing/balancer.js';
import { chooseTarget, chooseTargetGroup } from '../balancing/stickiness.js';
import { targetKey } from '../routing-table.js';
import { writeRawAlbError } from './alb-response.js';
import { forwardHeaders, responseHeaders } from './forward-headers.js';
import { ConnectTimeout, type ProxyEngine } from './proxy-engine.js';

export function relayUpgrade(engine: ProxyEngine, req: http.IncomingMessage, socket: Duplex, head: Buffer, port: number): void {
  const admitted = engine.admit(req, port);
  if (typeof admitted === 'number') return writeRawAlbError(socket, admitted);
  const { listener } = admitted;
  const match = listener.router.match({
    method: req.method!,
    host: req.headers.host ?? '',
    url: req.url!,
    rawHeaders: req.rawHeaders,
    sourceAddress: req.socket.remoteAddress,
  });
  if (match.action.type !== 'forward') return writeRawAlbError(socket, 400);
  const now = engine.options.clock.now();
  const ctx: PickContext = { now, random: engine.options.random };
  const group = engine.table().targetGroups.get(chooseTargetGroup(match.action, req.rawHeaders, engine.options.stickinessSecret, ctx).targetGroupArn)!;
  const balancer = engine.balancerFor(group);
  const choice = chooseTarget(balancer, group, req.rawHeaders, engine.options.stickinessSecret, ctx);
  if (!choice) return writeRawAlbError(socket, 503);
  const target = choice.target;
  const key = targetKey(target);
  const attrs = listener.loadBalancer.attributes;
  const headers = forwardHeaders(req.rawHeaders, {
    clientAddress: req.socket.remoteAddress ?? '',
    clientPort: req.socket.remotePort ?? 0,
    listenerPort: port,
    protocol: listener.protocol === 'HTTPS' ? 'https' : 'http',
    xffMode: attrs.xffHeaderProcessingMode,
    xffClientPort: attrs.xffClientPortEnabled,
    preserveHost: attrs.preserveHostHeader,
    dropInvalidHeaderFields: attrs.dropInvalidHeaderFields,
    method: req.method!,
    now,
    random: engine.options.random,
    upgrade: req.headers.upgrade ?? 'websocket',
  });
  const options = { host: target.address, port: target.port, method: req.method, path: req.url, headers, setHost: false, agent: false } as const;
  // An HTTPS target group re-encrypts the handshake too (certificate unverified, as ALB).
  const upstream = group.transport.protocol === 'HTTPS' ? https.request({ ...options, rejectUnauthorized: false }) : http.request(options);
  const connectTimer = setTimeout(() => upstream.destroy(new ConnectTimeout('connect timeout')), attrs.connectTimeoutMs);
  balancer.acquired(key);
  let released = false;
  const release = (): void => {
    if (!released) balancer.released(key);
    released = true;
  };
  upstream.on('upgrade', (ures, usocket, uhead) => {
    clearTimeout(connectTimer);
    let head101 = `HTTP/1.1 ${ures.statusCode} ${ures.statusMessage}\r\n`;
    for (let i = 0; i < ures.rawHeaders.length; i += 2) head101 += `${ures.rawHeaders[i]}: ${ures.rawHeaders[i + 1]}\r\n`;
    socket.write(head101 + '\r\n');
    if (uhead.length) socket.write(uhead);
    if (head.length) usocket.write(head);
    usocket.pipe(socket).pipe(usocket);
    const end = (): void => {
      release();
      usocket.destroy();
      socket.destroy();
    };
    usocket.on('error', end).on('close', end);
    socket.on('error', end).on('close', end);
    engine.finish(port, group.arn, key, 101, 'target', now);
  });
  upstream.on('response', (ures) => {
    clearTimeout(connectTimer);
    // The target refused the upgrade: relay its answer and close.
    let text = `HTTP/1.1 ${ures.statusCode} ${ures.statusMessage}\r\n`;
    const h = responseHeaders(ures.rawHeaders, undefined);
    for (let i = 0; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
    socket.write(text + 'Connection: close\r\n\r\n');
    ures.pipe(socket);
    ures.on('end', release);
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    release();
    if (err.code === 'ECONNREFUSED') engine.options.health?.reportPassiveFailure(group.arn, target);
    writeRawAlbError(socket, err instanceof ConnectTimeout ? 504 : 502);
  });
  socket.on('error', () => upstream.destroy());
  upstream.end();
}
