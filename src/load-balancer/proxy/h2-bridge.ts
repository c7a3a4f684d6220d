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

/**
 * Rewrites an h2 request's headers into the HTTP/1.1 form the engine and targets expect, in the
 * array Node's compatibility API already holds (`rawHeaders` is a getter over it): pseudo-headers
 * compacted away, Host put first from :authority, `Transfer-Encoding: chunked` at the end for a body
 * of unknown length. It runs on every h2 request, so it allocates no new array and leaves the
 * object's shape alone (an own `rawHeaders` property over the getter would change it).
 */
export function adaptH2Request(req: http2.Http2ServerRequest): void {
  const raw = req.rawHeaders;
  const n = raw.length;
  let authority: string | undefined;
  let hasHost = false;
  let hasLength = false;
  // HTTP/2 sends the pseudo-headers first (nghttp2 refuses one after a regular header), :authority
  // among them. With one, two slots are left free at the front for Host while the rest is
  // compacted: every kept field moves towards the front, never onto one not yet read.
  let i = 0;
  for (; i < n && (raw[i] ?? '').charCodeAt(0) === 58 /* ':' */; i += 2) if (raw[i] === ':authority') authority = raw[i + 1];
  const front = authority !== undefined && i >= 2 ? 2 : 0;
  let w = front;
  for (; i < n; i += 2) {
    const name = raw[i] ?? '';
    if (name.charCodeAt(0) === 58) {
      if (name === ':authority') authority = raw[i + 1];
      continue;
    }
    if (name === 'host') hasHost = true;
    else if (name === 'content-length') hasLength = true;
    raw[w] = name;
    raw[w + 1] = raw[i + 1] ?? '';
    w += 2;
  }
  // RFC 9113 §8.3.1: :authority is the target's authority; a Host header, if any, must agree.
  if (front === 2 && (hasHost || authority === undefined)) {
    // A Host header of its own after all (rare in h2): close the gap.
    raw.copyWithin(0, 2, w);
    w -= 2;
  }
  raw.length = w;
  if (!hasHost && authority !== undefined) {
    if (front === 2) {
      raw[0] = 'host';
      raw[1] = authority;
    } else raw.unshift('host', authority);
    req.headers.host = authority;
  }
  if (!hasLength && !req.stream.endAfterHeaders) {
    raw.push('transfer-encoding', 'chunked');
    req.headers['transfer-encoding'] = 'chunked';
  }
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
