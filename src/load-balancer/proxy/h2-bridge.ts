/**
 * HTTP/2 from clients onto the HTTP/1.1 forward path. Node's compatibility API gives h2 streams
 * the request/response shape of HTTP/1.1, so the engine forwards both through one path (rules,
 * headers, retries, draining, metrics, access log). What differs is bridged here: pseudo-headers
 * become a Host header, a body of unknown length is marked as chunked (as an HTTP/1.1 client
 * would send it), and response heads drop what HTTP/2 forbids (status text, connection headers).
 */
import type http from 'node:http';
import http2 from 'node:http2';

export type ClientRequest = http.IncomingMessage | http2.Http2ServerRequest;
export type ClientResponse = http.ServerResponse | http2.Http2ServerResponse;

export function isH2Response(res: ClientResponse): res is http2.Http2ServerResponse {
  return res instanceof http2.Http2ServerResponse;
}

/** Rewrites an h2 request's headers into the HTTP/1.1 form the engine and targets expect. */
export function adaptH2Request(req: http2.Http2ServerRequest): void {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let authority: string | undefined;
  let hasHost = false;
  let hasLength = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* ':' */) {
      if (name === ':authority') authority = raw[i + 1];
      continue;
    }
    if (name === 'host') hasHost = true;
    else if (name === 'content-length') hasLength = true;
    out.push(name, raw[i + 1]!);
  }
  // RFC 9113 §8.3.1: :authority is the target's authority; a Host header, if any, must agree.
  if (!hasHost && authority !== undefined) {
    out.unshift('host', authority);
    req.headers.host = authority;
  }
  if (!hasLength && !req.stream.endAfterHeaders) {
    out.push('transfer-encoding', 'chunked');
    req.headers['transfer-encoding'] = 'chunked';
  }
  Object.defineProperty(req, 'rawHeaders', { value: out, configurable: true });
}

/** The client went away (an h2 stream reset or a closed HTTP/1.1 connection). */
export function clientGone(res: ClientResponse): boolean {
  return isH2Response(res) ? res.stream.destroyed : res.destroyed;
}

const h2Forbidden = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** writeHead with a flat header list, for either protocol. */
export function writeResponseHead(res: ClientResponse, status: number, statusText: string, flat: readonly string[]): void {
  if (!isH2Response(res)) {
    res.writeHead(status, statusText, flat as string[]);
    return;
  }
  const headers: http.OutgoingHttpHeaders = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    if (h2Forbidden.has(name)) continue;
    const value = flat[i + 1]!;
    const prior = headers[name];
    headers[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [String(prior), value];
  }
  res.writeHead(status, headers);
}

/** writeHead with a header object, for either protocol. */
export function writeHeadObject(res: ClientResponse, status: number, headers: http.OutgoingHttpHeaders): void {
  if (isH2Response(res)) {
    const { Connection: _c, connection: _l, ...rest } = headers;
    res.writeHead(status, rest);
  } else res.writeHead(status, headers);
}

/** One body chunk, for either protocol (the two write signatures do not unify). */
export function writeBody(res: ClientResponse, chunk: Buffer): boolean {
  return isH2Response(res) ? res.write(chunk) : res.write(chunk);
}
