/**
 * AWS Signature Version 4, header form (`Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/
 * service/aws4_request, SignedHeaders=..., Signature=...`): canonical request, signing key,
 * signature, a signer and a verifier against a fixed set of keys. Pure: the caller passes the raw
 * request, the keys and `now`. The API's front door (which maps failures to AWS error codes), the
 * console, the agent protocol and Berth's own signing clients all use it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

export interface SignedRequest {
  readonly method: string;
  /** Path and query string exactly as received (`/`, `/?a=b`). */
  readonly url: string;
  /** Lower-case names, as node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? '' : p.slice(i + 1);
      return [rfc3986(safeDecode(k)), rfc3986(safeDecode(v))] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function canonicalRequest(req: SignedRequest, signedHeaders: readonly string[]): string {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  // Non-S3 services sign each path segment encoded twice; the path on the wire is encoded once.
  const uri = path.split('/').map(rfc3986).join('/') || '/';
  const headers = signedHeaders.map((h) => `${h}:${(header(req.headers, h) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payload = createHash('sha256').update(req.body).digest('hex');
  return [req.method.toUpperCase(), uri, canonicalQuery(q < 0 ? '' : req.url.slice(q + 1)), headers, signedHeaders.join(';'), payload].join('\n');
}

export function signingKey(secret: string, scope: CredentialScope): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(scope.date).digest();
  const kRegion = createHmac('sha256', kDate).update(scope.region).digest();
  const kService = createHmac('sha256', kRegion).update(scope.service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export function signature(req: SignedRequest, secret: string, scope: CredentialScope, amzDate: string, signedHeaders: readonly string[]): string {
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const hashed = createHash('sha256').update(canonicalRequest(req, signedHeaders)).digest('hex');
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${credentialScope}\n${hashed}`;
  return createHmac('sha256', signingKey(secret, scope)).update(toSign).digest('hex');
}

/** `20261123T183801Z`, the X-Amz-Date form of an epoch-ms time. */
export function amzDateOf(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * The mirror of verifySigV4, for Berth's own clients (the agent, the CLI's log stream): the
 * `x-amz-date` and `authorization` headers that sign `req` with every header it carries.
 */
export function signRequest(req: SignedRequest, key: AccessKey, now: number, region: string, service: string): { 'x-amz-date': string; authorization: string } {
  const amzDate = amzDateOf(now);
  const scope: CredentialScope = { accessKeyId: key.accessKeyId, date: amzDate.slice(0, 8), region, service };
  const headers: SignedRequest['headers'] = { ...req.headers, 'x-amz-date': amzDate };
  const names = Object.keys(headers)
    .filter((h) => headers[h] !== undefined)
    .sort();
  const sig = signature({ ...req, headers }, key.secretAccessKey, scope, amzDate, names);
  return {
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope.date}/${region}/${service}/aws4_request, SignedHeaders=${names.join(';')}, Signature=${sig}`,
  };
}

export interface ParsedAuthorization {
  readonly scope: CredentialScope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export type AuthFailure = 'missing' | 'malformed' | 'unknown-key' | 'wrong-service' | 'bad-signature' | 'expired';

export type Verdict = { readonly ok: true; readonly scope: CredentialScope } | { readonly ok: false; readonly failure: AuthFailure; readonly message: string };

export const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = header ? AUTH.exec(header.trim()) : null;
  if (!m) return undefined;
  const parts = m[1]!.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { scope: { accessKeyId, date, region, service }, signedHeaders: m[2]!.split(';'), signature: m[3]!.toLowerCase() };
}

/** The region a client signed for, read without verifying (used when auth is off too). */
export function regionOf(headers: SignedRequest['headers']): string | undefined {
  return parseAuthorization(header(headers, 'authorization'))?.scope.region;
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

/**
 * `service`, when given, is the signing name the credential scope must carry: a signature made for
 * another service (`s3`) proves nothing about this one, and AWS refuses it too.
 */
export function verifySigV4(req: SignedRequest, credentials: ReadonlyMap<string, string>, now: number, service?: string): Verdict {
  const raw = header(req.headers, 'authorization');
  if (!raw) return { ok: false, failure: 'missing', message: 'Missing Authentication Token' };
  const auth = parseAuthorization(raw);
  if (!auth) return { ok: false, failure: 'malformed', message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).' };
  const amzDate = header(req.headers, 'x-amz-date');
  const at = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || at === undefined)
    return { ok: false, failure: 'malformed', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  const secret = credentials.get(auth.scope.accessKeyId);
  if (secret === undefined) return { ok: false, failure: 'unknown-key', message: 'The security token included in the request is invalid.' };
  if (service !== undefined && auth.scope.service !== service) {
    return { ok: false, failure: 'wrong-service', message: `Credential should be scoped to correct service: '${service}'.` };
  }
  if (Math.abs(now - at) > MAX_SKEW_MS) {
    return {
      ok: false,
      failure: 'expired',
      message: `Signature expired: ${amzDate} is now earlier than ${amzDateOf(now - MAX_SKEW_MS)} (${amzDateOf(now)} - 15 min.)`,
    };
  }
  const expected = Buffer.from(signature(req, secret, auth.scope, amzDate, auth.signedHeaders), 'hex');
  const given = Buffer.from(auth.signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      ok: false,
      failure: 'bad-signature',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return { ok: true, scope: auth.scope };
}
