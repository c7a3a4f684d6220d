/**
 * The request headers a target receives (pure): hop-by-hop headers removed (RFC 9110 §7.6.1,
 * including any named by Connection), X-Forwarded-For per the xff mode, X-Forwarded-Proto and
 * X-Forwarded-Port set by the load balancer (a client cannot spoof them), X-Amzn-Trace-Id added
 * or extended, Host kept (with the listener port added unless preserve_host_header, as ALB does
 * for non-default ports). Header order and case are preserved; the result is Node's flat list.
 */
import type { Random } from '../../platform/random.js';
import type { XffMode } from '../routing-table.js';
import { traceHeader } from './trace-id.js';

export interface ForwardContext {
  readonly clientAddress: string;
  readonly clientPort: number;
  readonly listenerPort: number;
  readonly protocol: 'http' | 'https';
  readonly xffMode: XffMode;
  readonly xffClientPort: boolean;
  readonly preserveHost: boolean;
  readonly dropInvalidHeaderFields: boolean;
  readonly method: string;
  readonly now: number;
  readonly random: Random;
  /** For a WebSocket handshake: the Upgrade value to pass on. */
  readonly upgrade?: string | undefined;
  /** Ambiguous request under defensive mitigation: do not reuse the target connection. */
  readonly closeTarget?: boolean;
}

// Transfer-Encoding goes too: the client library re-frames a streamed body itself. Expect is
// answered by the listener (100 Continue), never passed on.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'transfer-encoding',
  'expect',
]);
const replaced = new Set(['x-forwarded-proto', 'x-forwarded-port', 'x-amzn-trace-id', 'x-forwarded-for']);
const validName = /^[-A-Za-z0-9]+$/;
/** Methods Node's client sends without a body by default; others need an explicit length. */
const bodylessByDefault = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/** Lowercased names listed in Connection headers (they are hop-by-hop too). */
export function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const t of raw[i + 1]!.split(',')) {
      const name = t.trim().toLowerCase();
      if (name !== '' && name !== 'close' && name !== 'keep-alive') (out ??= new Set()).add(name);
    }
  }
  return out;
}

export function clientIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function forwardHeaders(raw: readonly string[], ctx: ForwardContext): string[] {
  const out: string[] = [];
  const listed = connectionTokens(raw);
  let xff: string | undefined;
  let trace: string | undefined;
  let hasLength = false;
  const hasTe = raw.some((h, i) => i % 2 === 0 && h.length === 17 && h.toLowerCase() === 'transfer-encoding');
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || listed?.has(lower)) continue;
    if (replaced.has(lower)) {
      if (lower === 'x-forwarded-for') xff = xff === undefined ? value : `${xff}, ${value}`;
      else if (lower === 'x-amzn-trace-id') trace ??= value;
      continue;
    }
    if (ctx.dropInvalidHeaderFields && !validName.test(name)) continue;
    if (lower === 'content-length') hasLength = true;
    else if (lower === 'host' && !ctx.preserveHost && ctx.listenerPort !== 80 && ctx.listenerPort !== 443 && !/:\d+$/.test(value)) {
      out.push(name, `${value}:${ctx.listenerPort}`);
      continue;
    }
    out.push(name, value);
  }
  if (!hasLength && !hasTe && !bodylessByDefault.has(ctx.method)) out.push('Content-Length', '0');
  if (ctx.xffMode === 'append') {
    const ip = clientIp(ctx.clientAddress);
    const me = ctx.xffClientPort ? (ip.includes(':') ? `[${ip}]:${ctx.clientPort}` : `${ip}:${ctx.clientPort}`) : ip;
    out.push('X-Forwarded-For', xff === undefined ? me : `${xff}, ${me}`);
  } else if (ctx.xffMode === 'preserve' && xff !== undefined) {
    out.push('X-Forwarded-For', xff);
  }
  out.push('X-Forwarded-Proto', ctx.protocol, 'X-Forwarded-Port', String(ctx.listenerPort));
  out.push('X-Amzn-Trace-Id', traceHeader(trace, ctx.now, ctx.random));
  if (ctx.upgrade !== undefined) out.push('Connection', 'Upgrade', 'Upgrade', ctx.upgrade);
  else if (ctx.closeTarget) out.push('Connection', 'close');
  return out;
}

const responseHopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * The same from the response head as the forward path gets it (undici's raw Buffers, or the
 * strings of Berth's own client) in one pass: hop-by-hop names are recognised by length before any lowercasing, and the
 * Set-Cookie values (for app_cookie stickiness) are picked out on the way.
 */
export function responseHeadersOf(raw: readonly (Buffer | string)[]): { headers: string[]; setCookie: string[] | undefined } {
  const headers: string[] = [];
  let setCookie: string[] | undefined;
  let listed: Set<string> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const rn = raw[i] as Buffer | string;
    const rv = raw[i + 1] as Buffer | string;
    const name = typeof rn === 'string' ? rn : rn.toString('latin1');
    const value = typeof rv === 'string' ? rv : rv.toString('latin1');
    const n = name.length;
    // Every hop-by-hop name is 2, 7, 10, 16 or 17 long; other lengths cannot be one of them.
    if (n === 2 || n === 7 || n === 10 || n === 16 || n === 17) {
      const lower = name.toLowerCase();
      if (lower === 'connection') {
        for (const t of value.split(',')) {
          const token = t.trim().toLowerCase();
          if (token !== '' && token !== 'close' && token !== 'keep-alive') (listed ??= new Set()).add(token);
        }
        continue;
      }
      if (responseHopByHop.has(lower)) continue;
      if (lower === 'set-cookie') (setCookie ??= []).push(value);
    }
    headers.push(name, value);
  }
  // A header the target named in Connection is hop-by-hop too (rare: filtered after the pass).
  if (listed) {
    const kept: string[] = [];
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i] ?? '';
      if (!listed.has(name.toLowerCase())) kept.push(name, headers[i + 1] ?? '');
    }
    return { headers: kept, setCookie };
  }
  return { headers, setCookie };
}

/** The target's response headers without hop-by-hop ones (Node re-frames the body itself). */
export function responseHeaders(raw: readonly string[], extraSetCookies: readonly string[] | undefined): string[] {
  const out: string[] = [];
  const listed = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (responseHopByHop.has(lower) || listed?.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (extraSetCookies) for (const c of extraSetCookies) out.push('Set-Cookie', c);
  return out;
}
