/**
 * AWS Signature Version 4, header form (`Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
 * SignedHeaders=..., Signature=...`), checked against a fixed set of access keys. The verification is
 * pure: the caller passes the raw request, the key set and `now`.
 */
import { timingSafeEqual } from 'node:crypto';
import { AwsError } from '../../domain/aws-error.js';
import type { WireProtocol } from './wire-error.js';
import { amzDateOf, header, signature, type CredentialScope, type SignedRequest } from '../../platform/sigv4-signature.js';

export { canonicalRequest, signature, signingKey, signRequest, type AccessKey, type CredentialScope, type SignedRequest } from '../../platform/sigv4-signature.js';

export interface ParsedAuthorization {
  readonly scope: CredentialScope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export type AuthFailure = 'missing' | 'malformed' | 'unknown-key' | 'bad-signature' | 'expired';

export type Verdict =
  | { readonly ok: true; readonly scope: CredentialScope }
  | { readonly ok: false; readonly failure: AuthFailure; readonly message: string };

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

export function verifySigV4(req: SignedRequest, credentials: ReadonlyMap<string, string>, now: number): Verdict {
  const raw = header(req.headers, 'authorization');
  if (!raw) return { ok: false, failure: 'missing', message: 'Missing Authentication Token' };
  const auth = parseAuthorization(raw);
  if (!auth) return { ok: false, failure: 'malformed', message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).' };
  const amzDate = header(req.headers, 'x-amz-date');
  const at = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || at === undefined) return { ok: false, failure: 'malformed', message: 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.' };
  const secret = credentials.get(auth.scope.accessKeyId);
  if (secret === undefined) return { ok: false, failure: 'unknown-key', message: 'The security token included in the request is invalid.' };
  if (Math.abs(now - at) > MAX_SKEW_MS) {
    return {
      ok: false, failure: 'expired',
      message: `Signature expired: ${amzDate} is now earlier than ${amzDateOf(now - MAX_SKEW_MS)} (${amzDateOf(now)} - 15 min.)`,
    };
  }
  const expected = Buffer.from(signature(req, secret, auth.scope, amzDate, auth.signedHeaders), 'hex');
  const given = Buffer.from(auth.signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      ok: false, failure: 'bad-signature',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return { ok: true, scope: auth.scope };
}

/**
 * The codes each protocol family uses (Coral JSON vs AWS Query vs EC2): JSON says
 * UnrecognizedClientException / InvalidSignatureException / MissingAuthenticationTokenException;
 * Query says InvalidClientTokenId / SignatureDoesNotMatch / MissingAuthenticationToken; EC2 says
 * AuthFailure (401) for both a bad key and a bad signature and RequestExpired for skew.
 */
const CODES: Record<WireProtocol, Record<AuthFailure, [string, number]>> = {
  json: {
    missing: ['MissingAuthenticationTokenException', 403],
    malformed: ['IncompleteSignatureException', 403],
    'unknown-key': ['UnrecognizedClientException', 403],
    'bad-signature': ['InvalidSignatureException', 403],
    expired: ['InvalidSignatureException', 403],
  },
  query: {
    missing: ['MissingAuthenticationToken', 403],
    malformed: ['IncompleteSignature', 403],
    'unknown-key': ['InvalidClientTokenId', 403],
    'bad-signature': ['SignatureDoesNotMatch', 403],
    expired: ['SignatureDoesNotMatch', 403],
  },
  ec2: {
    missing: ['MissingAuthenticationToken', 401],
    malformed: ['IncompleteSignature', 401],
    'unknown-key': ['AuthFailure', 401],
    'bad-signature': ['AuthFailure', 401],
    expired: ['RequestExpired', 400],
  },
};

export function authError(protocol: WireProtocol, failure: AuthFailure, message: string): AwsError {
  const [code, status] = CODES[protocol][failure];
  return new AwsError(code, message, status);
}
