/**
 * When Node's parser refuses a request that ALB would frame (an empty target, raw UTF-8 in the
 * target, `Transfer-Encoding: chunked;ext`: see `request-head.ts`), the listener's `clientError`
 * hands the connection here. This takes the socket from Node's HTTP server the way Node itself does
 * for an upgrade (its listeners off, its parser unconsumed and dropped), frames that one request with
 * our own strict framer, serves it through the listener's normal request path (so the desync
 * classifier and every admission check apply), reads its body by Content-Length or chunked, and once
 * the response is done gives the socket, with any bytes already read past the request, back to the
 * HTTP server as a fresh connection: the next request is Node's again.
 *
 * The socket internals touched (`parser`, its `unconsume`/`remove`, `ServerResponse._last`) are
 * the ones Node's own `_http_server.js` uses on this path; `proxy-desync.test.ts` and
 * `test/hostile/lb-desync-vectors.test.ts` fail if a Node upgrade changes them.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { ChunkedDecoder } from './chunked-body.js';
import { parseRequestHead, type HeadLimits, type RequestHead } from './request-head.js';

export interface FallbackHost {
  /** The listener's request path (busy bookkeeping, then the engine). */
  serve(req: http.IncomingMessage, res: http.ServerResponse): void;
  upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void;
  /** ALB's error written raw, counted, connection closed. */
  refuse(socket: Socket, status: number): void;
  /** Hands the socket back to Node's HTTP server, `rest` to be parsed first. */
  giveBack(socket: Socket, rest: Buffer): void;
}

interface NodeParser {
  _consumed?: boolean;
  unconsume(): void;
  remove(): void;
  socket: unknown;
}
type NodeSocket = Socket & { parser?: NodeParser | null; _httpMessage?: http.ServerResponse | null };

/** Node's own listeners on a server socket, removed as Node removes them before an upgrade. */
const nodeEvents = ['data', 'end', 'drain', 'timeout', 'pause', 'resume'];

function detachNodeParser(socket: NodeSocket): void {
  for (const ev of nodeEvents) socket.removeAllListeners(ev);
  for (const f of socket.listeners('close')) if (f.name === 'bound socketOnClose') socket.removeListener('close', f as () => void);
  const parser = socket.parser;
  if (parser) {
    if (parser._consumed) parser.unconsume();
    parser._consumed = false;
    // Out of the server's connection list, so its headers timeout no longer applies to this socket.
    parser.remove();
    parser.socket = null;
    socket.parser = null;
  }
  // A response Node made for a head it then refused (Transfer-Encoding is checked after the head).
  socket._httpMessage?.detachSocket(socket);
}

/** Node's rules for joining repeated headers (the subset a proxy relies on). */
const firstWins = new Set([
  'content-length',
  'content-type',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
  'retry-after',
  'etag',
  'last-modified',
  'server',
  'age',
  'expires',
]);

function headersOf(raw: readonly string[]): http.IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const had = out[name];
    if (name === 'set-cookie') out[name] = [...((had as string[] | undefined) ?? []), value];
    else if (had === undefined) out[name] = value;
    else if (!firstWins.has(name)) out[name] = `${had as string}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return out;
}

/**
 * The path sent on: an empty target is the root (undici, like any HTTP/1.1 client, needs an
 * origin-form path), and raw bytes >= 0x80 are percent-encoded, the IRI-to-URI mapping of RFC 3987
 * §3.1: the same resource, in the only form strict targets (llhttp among them) accept.
 */
export function targetPath(target: string): string {
  if (target === '') return '/';
  return target.replace(/[\x80-\xff]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function requestOf(socket: Socket, head: RequestHead): http.IncomingMessage {
  const req = new http.IncomingMessage(socket);
  req.method = head.method;
  req.url = targetPath(head.target);
  req.httpVersion = head.version;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = head.version === '1.1' ? 1 : 0;
  req.rawHeaders = head.rawHeaders;
  req.headers = headersOf(head.rawHeaders);
  return req;
}

/**
 * Serves the request that starts at `bytes[0]` (the packet Node refused, which must begin at a
 * request boundary), reading the rest of it from the socket.
 */
export function serveRefusedRequest(socket: Socket, bytes: Buffer, host: FallbackHost, limits: HeadLimits & { headersTimeoutMs: number }): void {
  detachNodeParser(socket as NodeSocket);
  let buf: Buffer = bytes;
  let req: http.IncomingMessage | undefined;
  let res: http.ServerResponse | undefined;
  let failed = false;
  let decoder: ChunkedDecoder | undefined;
  let remaining = 0;
  let bodyDone = false;
  let responseDone = false;
  let keepAlive = false;
  let rest: Buffer = Buffer.alloc(0);

  const stopReading = (): void => {
    socket.off('data', onData);
    socket.off('timeout', onTimeout);
    socket.setTimeout(0);
    socket.pause();
  };
  const refuse = (status: number): void => {
    failed = true;
    stopReading();
    // The engine may be forwarding already: its response must not reach this socket any more.
    if (res?.headersSent) {
      socket.destroy();
      return;
    }
    res?.detachSocket(socket);
    // The request itself is ended by the socket's close (destroying it now would cut the answer).
    host.refuse(socket, status);
  };
  const maybeGiveBack = (): void => {
    if (!bodyDone || !responseDone) return;
    stopReading();
    if (!keepAlive) socket.destroySoon();
    else host.giveBack(socket, rest);
  };
  const endBody = (after: Buffer): void => {
    bodyDone = true;
    rest = after;
    // Bytes past this request wait for Node's parser; the request's own _read may resume the
    // socket meanwhile, so onData keeps collecting them until the response is done.
    socket.pause();
    req!.complete = true;
    req!.push(null);
    maybeGiveBack();
  };
  const feedBody = (chunk: Buffer): void => {
    if (decoder) {
      const step = decoder.push(chunk);
      if (step.kind === 'error') {
        refuse(400);
        return;
      }
      for (const d of step.data) if (d.length > 0 && !req!.push(d)) socket.pause();
      if (step.kind === 'done') endBody(step.rest);
      return;
    }
    const n = Math.min(remaining, chunk.length);
    remaining -= n;
    if (n > 0 && !req!.push(chunk.subarray(0, n))) socket.pause();
    if (remaining === 0) endBody(chunk.subarray(n));
  };
  const start = (head: RequestHead, after: Buffer): void => {
    socket.setTimeout(0);
    req = requestOf(socket, head);
    if (head.upgrade) {
      stopReading();
      host.upgrade(req, socket, after);
      return;
    }
    keepAlive = head.keepAlive;
    const response = new http.ServerResponse(req);
    res = response;
    response.shouldKeepAlive = keepAlive;
    response.assignSocket(socket);
    response.once('finish', () => {
      response.detachSocket(socket);
      // Node emits 'close' after 'finish' on its own responses; the listener's bookkeeping waits for it.
      process.nextTick(() => response.emit('close'));
      responseDone = true;
      // An ELB answer that closes (a blocked request) or a body left unread: the connection ends here.
      if ((response as http.ServerResponse & { _last?: boolean })._last || !bodyDone) keepAlive = false;
      bodyDone = true;
      maybeGiveBack();
    });
    // The body bytes already here are framed before the engine sees the request, as Node's parser
    // frames a whole packet before it answers: a bad chunk in them is refused with nothing forwarded.
    if (head.body.kind === 'none') endBody(after);
    else {
      if (head.body.kind === 'chunked') decoder = new ChunkedDecoder(limits.maxLineBytes);
      else remaining = head.body.length;
      if (after.length > 0) feedBody(after);
    }
    if (failed) return;
    if (head.expectContinue) response.writeContinue();
    host.serve(req, response);
  };
  function onData(chunk: Buffer): void {
    if (bodyDone) {
      rest = Buffer.concat([rest, chunk]);
      if (rest.length > limits.maxHeadBytes) socket.pause();
      return;
    }
    if (req) {
      feedBody(chunk);
      return;
    }
    buf = buf.length > 0 ? Buffer.concat([buf, chunk]) : chunk;
    tryHead();
  }
  function onTimeout(): void {
    refuse(408);
  }
  function tryHead(): void {
    const r = parseRequestHead(buf, limits);
    if (r.kind === 'refused') refuse(400);
    else if (r.kind === 'head') start(r.head, buf.subarray(r.bytes));
  }
  socket.on('data', onData);
  socket.on('timeout', onTimeout);
  socket.setTimeout(limits.headersTimeoutMs);
  socket.on('close', () => {
    if (req && !req.complete) req.destroy(new Error('aborted'));
  });
  tryHead();
  socket.resume();
}
