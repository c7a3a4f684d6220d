/**
 * A strict HTTP/1.x request-head framer of our own, pure: bytes in, a head (or why not) out.
 *
 * Node's parser (llhttp) refuses three shapes that http-desync-guardian, and so ALB, call compliant:
 * an empty request target, raw UTF-8 (any byte >= 0x80) in the target, and parameters on a
 * Transfer-Encoding coding (`chunked;ext`). The listener hands those requests here
 * (`parser-fallback.ts`). Everything else this framer refuses as llhttp does: obs-fold, bare CR or
 * LF, a space before the colon, CTLs, more than one Content-Length, Content-Length with
 * Transfer-Encoding, a Transfer-Encoding whose last coding is not chunked, unknown methods, versions
 * other than 1.0 and 1.1. What it accepts still goes through the desync classifier (`desync.ts`).
 * Byte strings are latin1, one char per byte, as Node hands over header names and values.
 */
import { METHODS } from 'node:http';

export type RequestBody = { readonly kind: 'none' } | { readonly kind: 'length'; readonly length: number } | { readonly kind: 'chunked' };

export interface RequestHead {
  readonly method: string;
  /** The request target as sent ('' when empty). */
  readonly target: string;
  readonly version: '1.0' | '1.1';
  /** [name, value, ...]: names as sent, values without surrounding whitespace (as Node gives them). */
  readonly rawHeaders: string[];
  readonly body: RequestBody;
  readonly keepAlive: boolean;
  /** `Upgrade` with `Connection: upgrade`, as Node decides an upgrade. */
  readonly upgrade: boolean;
  readonly expectContinue: boolean;
}

export type HeadResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'head'; readonly head: RequestHead /** Bytes the head took, blank line included. */; readonly bytes: number };

export interface HeadLimits {
  /** The request line or any one header line (ALB: 16 KB). */
  readonly maxLineBytes: number;
  /** The whole head. */
  readonly maxHeadBytes: number;
}

const methods = new Set(METHODS);
const isWs = (c: number): boolean => c === 0x20 || c === 0x09;
const isTchar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
/** Field values: HTAB, visible ASCII, SP, and obs-text (>= 0x80). */
const isValueChar = (c: number): boolean => c === 0x09 || (c >= 0x20 && c !== 0x7f);
/** Request targets: visible ASCII and raw bytes >= 0x80 (UTF-8 as sent). */
const isTargetChar = (c: number): boolean => c > 0x20 && c !== 0x7f;

function every(s: string, ok: (c: number) => boolean): boolean {
  for (let i = 0; i < s.length; i++) if (!ok(s.charCodeAt(i))) return false;
  return true;
}

export function trimOws(s: string): string {
  let a = 0;
  let z = s.length;
  while (a < z && isWs(s.charCodeAt(a))) a++;
  while (z > a && isWs(s.charCodeAt(z - 1))) z--;
  return s.slice(a, z);
}

/** Comma-separated list elements, trimmed, empty ones dropped (RFC 9110 §5.6.1). */
function listItems(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map(trimOws)
    .filter((t) => t !== '');
}

/** The coding of a Transfer-Encoding element, parameters dropped: `chunked;ext` is chunked. */
function codingOf(item: string): string {
  const semi = item.indexOf(';');
  return trimOws(semi < 0 ? item : item.slice(0, semi)).toLowerCase();
}

const refused = (reason: string): HeadResult => ({ kind: 'refused', reason });

export function parseRequestHead(buf: Buffer, limits: HeadLimits): HeadResult {
  // A client may send blank lines before a request (RFC 9112 §2.2: ignore at least one).
  let start = 0;
  while (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  const end = buf.indexOf('\r\n\r\n', start, 'latin1');
  if (end < 0) {
    if (buf.length - start > limits.maxHeadBytes) return refused('request head too large');
    const firstLine = buf.indexOf('\r\n', start, 'latin1');
    if ((firstLine < 0 ? buf.length : firstLine) - start > limits.maxLineBytes) return refused('request line too long');
    return { kind: 'incomplete' };
  }
  if (end - start > limits.maxHeadBytes) return refused('request head too large');
  const lines = buf.toString('latin1', start, end).split('\r\n');
  for (const line of lines) {
    if (line.length > limits.maxLineBytes) return refused('line too long');
    if (line.includes('\r') || line.includes('\n')) return refused('bare CR or LF');
  }

  const parts = lines[0]!.split(' ');
  if (parts.length !== 3) return refused('request line is not method SP target SP version');
  const [method, target, protocol] = parts as [string, string, string];
  if (!methods.has(method)) return refused('unknown method');
  if (method === 'CONNECT') return refused('CONNECT');
  if (!every(target, isTargetChar)) return refused('invalid character in the request target');
  if (protocol !== 'HTTP/1.1' && protocol !== 'HTTP/1.0') return refused('unsupported version');
  const version = protocol === 'HTTP/1.1' ? '1.1' : '1.0';

  const rawHeaders: string[] = [];
  const lengths: string[] = [];
  const codings: string[] = [];
  const connection: string[] = [];
  let upgradeHeader = false;
  let expectContinue = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (isWs(line.charCodeAt(0))) return refused('obs-fold');
    const colon = line.indexOf(':');
    if (colon <= 0) return refused('header line without a name');
    const name = line.slice(0, colon);
    if (!every(name, isTchar)) return refused('invalid header name');
    const value = trimOws(line.slice(colon + 1));
    if (!every(value, isValueChar)) return refused('invalid character in a header value');
    rawHeaders.push(name, value);
    const lower = name.toLowerCase();
    if (lower === 'content-length') lengths.push(value);
    else if (lower === 'transfer-encoding') codings.push(value);
    else if (lower === 'connection') connection.push(value);
    else if (lower === 'upgrade') upgradeHeader = true;
    else if (lower === 'expect') expectContinue = value.toLowerCase() === '100-continue';
  }

  let body: RequestBody = { kind: 'none' };
  if (codings.length > 0) {
    if (lengths.length > 0) return refused('Content-Length with Transfer-Encoding');
    if (version === '1.0') return refused('Transfer-Encoding in HTTP/1.0');
    const items = listItems(codings).map(codingOf);
    if (items.at(-1) !== 'chunked') return refused('Transfer-Encoding does not end in chunked');
    if (items.indexOf('chunked') !== items.length - 1) return refused('chunked more than once');
    body = { kind: 'chunked' };
  } else if (lengths.length > 1) return refused('more than one Content-Length');
  else if (lengths.length === 1) {
    if (!/^\d{1,15}$/.test(lengths[0]!)) return refused('invalid Content-Length');
    const length = Number(lengths[0]);
    if (length > 0) body = { kind: 'length', length };
  }

  const tokens = listItems(connection).map((t) => t.toLowerCase());
  const keepAlive = !tokens.includes('close') && (version === '1.1' || tokens.includes('keep-alive'));
  return {
    kind: 'head',
    head: { method, target, version, rawHeaders, body, keepAlive, upgrade: upgradeHeader && tokens.includes('upgrade'), expectContinue },
    bytes: end + 4,
  };
}
