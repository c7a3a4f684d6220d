/**
 * What the front door refuses before it reads a request, so that a web page on another site cannot
 * drive Berth through the visitor's browser:
 *  - a foreign `Host` under `--auth none` (DNS rebinding: evil.example resolving to 127.0.0.1 makes
 *    the page same-origin with Berth, but its requests still say `Host: evil.example`);
 *  - a browser `Origin` other than the server's own (a cross-site form or fetch);
 *  - on `POST /`, a body type that is not the one the AWS protocol uses (an HTML form can send
 *    `text/plain`; the AWS CLI, the SDKs and boto3 send `application/x-amz-json-1.1` for ECS and
 *    `application/x-www-form-urlencoded` (botocore adds `; charset=utf-8`) for Query and EC2).
 * Pure: each decision takes the header values and answers undefined (pass) or the reason, in words
 * that name the header.
 */
import { isIP } from 'node:net';

/** The name in a Host header (`127.0.0.1:4566` → `127.0.0.1`, `[::1]:80` → `::1`), lower-cased. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** Under `--auth none`: only loopback names and the configured listen host may be asked for. */
export function hostRefusal(host: string | undefined, allowed: readonly string[]): string | undefined {
  if (host === undefined || host.trim() === '') return 'The Host header is missing; under --auth none Berth answers only requests for a loopback host.';
  const name = hostName(host);
  if (isLoopbackName(name) || allowed.some((a) => hostName(a) === name || a.toLowerCase() === name)) return undefined;
  return `The Host header names ${JSON.stringify(host)}, which is not a loopback address or the configured --host; under --auth none Berth answers only those (use --auth sigv4 to serve other names).`;
}

/** A request a browser made for a page of another origin (or of an opaque one, `Origin: null`). */
export function originRefusal(origin: string | undefined, host: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (host !== undefined && sameHostAndPort(origin, host)) return undefined;
  return `The Origin header ${JSON.stringify(origin)} is not this server's own; Berth does not answer requests made by pages of other sites.`;
}

/** Whether an http(s) origin names the host and port of a Host header (ports default by the origin's scheme). */
function sameHostAndPort(origin: string, host: string): boolean {
  try {
    const o = new URL(origin);
    if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
    const h = new URL(`${o.protocol}//${host.trim()}`);
    const port = (u: URL) => u.port || (u.protocol === 'https:' ? '443' : '80');
    return o.hostname === h.hostname && port(o) === port(h);
  } catch {
    return false;
  }
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(';')[0]!.trim().toLowerCase() || undefined;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * The body type `POST /` must carry: `application/x-amz-json-<jsonVersion>` with an X-Amz-Target,
 * a form otherwise. A charset other than UTF-8 is refused too, since the body is read as UTF-8.
 */
export function contentTypeRefusal(contentType: string | undefined, json: { jsonVersion: string } | undefined): string | undefined {
  const want = json ? `application/x-amz-json-${json.jsonVersion}` : FORM;
  const got = mediaType(contentType);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (got === want && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return undefined;
  return `The Content-Type header is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}; this protocol takes ${want}${json ? '' : ' (UTF-8)'}.`;
}

/**
 * A Smithy RPC v2 CBOR request carries `application/cbor` (an HTML form cannot send it); an
 * operation without input may send no body and no Content-Type, as the SDKs do.
 */
export function cborContentRefusal(contentType: string | undefined, bodyLength: number): string | undefined {
  const got = mediaType(contentType);
  if (got === 'application/cbor' || (got === undefined && bodyLength === 0)) return undefined;
  return `The Content-Type header is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}; Smithy RPC v2 CBOR takes application/cbor.`;
}
