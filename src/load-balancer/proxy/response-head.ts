/**
 * A strict parser of a target's HTTP/1.x response head (pure): the status line, the header fields
 * and how the body is framed (RFC 9112 §4, §5, §6.3). It refuses what a desync could hide in:
 * a bare LF or CR, obs-fold, whitespace before a colon, control characters, Content-Length values
 * that disagree or are not digits, Transfer-Encoding other than a single `chunked`, both framing
 * headers together, Transfer-Encoding on HTTP/1.0, a 101 nobody asked for, and heads over the
 * size limit. The proxy answers a refused head with a 502 and closes the target connection
 * (RFC 9112 §5.2 allows a proxy to replace such a response with a 502), so nothing the target sent
 * after it can be taken for the next response.
 */

export type BodyFraming =
  /** No body: 1xx, 204, 304, or the answer to HEAD. */
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  /** No length: the body runs to the end of the connection. */
  | { readonly kind: 'close' };

export interface ResponseHead {
  readonly status: number;
  readonly statusText: string;
  readonly version: '1.0' | '1.1';
  /** Names and values, alternating, as sent (OWS trimmed). */
  readonly rawHeaders: string[];
  /** Bytes of the head including its blank line. */
  readonly headBytes: number;
  readonly framing: BodyFraming;
  /** The connection may carry another request after this response. */
  readonly keepAlive: boolean;
}

export type HeadStep =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'head'; readonly head: ResponseHead }
  | { readonly kind: 'error'; readonly reason: string };

const incomplete: HeadStep = { kind: 'incomplete' };
const none: BodyFraming = { kind: 'none' };
const chunked: BodyFraming = { kind: 'chunked' };
const closeDelimited: BodyFraming = { kind: 'close' };
const zeroLength: BodyFraming = { kind: 'length', length: 0 };

const statusLine = /^HTTP\/1\.([01]) ([1-5]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Every control character but HTAB (CR and LF were split off already). */
const ctl = /[\x00-\x08\x0a-\x1f\x7f]/;
const digits = /^\d{1,15}$/;

const fail = (reason: string): HeadStep => ({ kind: 'error', reason });

/** A LF not preceded by CR, or a CR not followed by LF, in buf[start, end); -1 if none. */
function bareLineBreak(buf: Buffer, start: number, end: number): number {
  for (let i = buf.indexOf(0x0a, start); i >= 0 && i < end; i = buf.indexOf(0x0a, i + 1)) {
    if (i === start || buf[i - 1] !== 0x0d) return i;
  }
  for (let i = buf.indexOf(0x0d, start); i >= 0 && i < end; i = buf.indexOf(0x0d, i + 1)) {
    // A CR as the last byte so far may still be followed by its LF.
    if (i + 1 < end && buf[i + 1] !== 0x0a) return i;
  }
  return -1;
}

const trimOws = (s: string): string => {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
};

/**
 * Parses the head that starts at `buf[start]`. `method` is the request's (a HEAD answer has no
 * body); `maxBytes` bounds the head (a target that never ends its head is refused, not buffered).
 */
export function parseResponseHead(buf: Buffer, start: number, method: string, maxBytes: number): HeadStep {
  const end = buf.indexOf('\r\n\r\n', start, 'latin1');
  if (end < 0) {
    // Refuse a bare LF at once: a head framed by bare LFs would otherwise wait for a CRLFCRLF that never comes.
    if (bareLineBreak(buf, start, buf.length) >= 0) return fail('bare LF or CR in the response head');
    return buf.length - start > maxBytes ? fail('response head too large') : incomplete;
  }
  const headBytes = end + 4 - start;
  if (headBytes > maxBytes) return fail('response head too large');
  if (bareLineBreak(buf, start, end) >= 0) return fail('bare LF or CR in the response head');
  const lines = buf.toString('latin1', start, end).split('\r\n');
  const m = statusLine.exec(lines[0] ?? '');
  if (!m) return fail('invalid status line');
  const version = m[1] === '1' ? '1.1' : '1.0';
  const status = Number(m[2]);
  const rawHeaders: string[] = [];
  let length: string | undefined;
  let te: string | undefined;
  let close = false;
  let keepAliveToken = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) return fail('obs-fold in the response head');
    const colon = line.indexOf(':');
    if (colon <= 0) return fail('header line without a name and colon');
    const name = line.slice(0, colon);
    if (!token.test(name)) return fail('invalid header name (whitespace before the colon?)');
    const value = trimOws(line.slice(colon + 1));
    if (ctl.test(value)) return fail('control character in a header value');
    const n = name.length;
    if (n === 14 || n === 17 || n === 10) {
      const lower = name.toLowerCase();
      if (lower === 'content-length') {
        // RFC 9110 §8.6: a list of identical values may be taken as one; anything else is an error.
        for (const part of value.split(',')) {
          const v = trimOws(part);
          if (!digits.test(v)) return fail('invalid Content-Length');
          if (length !== undefined && length !== v) return fail('conflicting Content-Length values');
          length = v;
        }
      } else if (lower === 'transfer-encoding') {
        te = te === undefined ? value : `${te}, ${value}`;
      } else if (lower === 'connection') {
        for (const t of value.split(',')) {
          const tok = trimOws(t).toLowerCase();
          if (tok === 'close') close = true;
          else if (tok === 'keep-alive') keepAliveToken = true;
        }
      }
    }
    rawHeaders.push(name, value);
  }
  if (status === 101) return fail('101 Switching Protocols without an upgrade request');
  const keepAlive = !close && (version === '1.1' || keepAliveToken);
  // 1xx: no body, and another head follows on the same connection.
  if (status < 200) return { kind: 'head', head: { status, statusText: m[3] ?? '', version, rawHeaders, headBytes, framing: none, keepAlive: true } };
  if (te !== undefined) {
    if (version === '1.0') return fail('Transfer-Encoding on an HTTP/1.0 response');
    if (length !== undefined) return fail('both Content-Length and Transfer-Encoding');
    // Only `chunked`, once: a coding before it would reach the client undeclared once the hop-by-hop header is gone.
    if (trimOws(te).toLowerCase() !== 'chunked') return fail('unsupported Transfer-Encoding');
  }
  let framing: BodyFraming;
  let reusable = keepAlive;
  if (status === 204 || status === 304 || method === 'HEAD') {
    framing = none;
    // A 204 that announces a body, or a 304 that announces chunks, may send them: do not read the next answer from there.
    if ((status === 204 && (te !== undefined || (length !== undefined && length !== '0'))) || (status === 304 && te !== undefined)) reusable = false;
  } else if (te !== undefined) framing = chunked;
  else if (length !== undefined) framing = length === '0' ? zeroLength : { kind: 'length', length: Number(length) };
  else {
    framing = closeDelimited;
    reusable = false;
  }
  return { kind: 'head', head: { status, statusText: m[3] ?? '', version, rawHeaders, headBytes, framing, keepAlive: reusable } };
}
