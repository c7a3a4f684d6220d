/**
 * AWS Signature Version 4 at the API's front door: the verification itself is pure and lives in
 * src/platform/sigv4.ts (Berth's own signing clients share it); this file maps a failed check to
 * each protocol family's error code and status.
 */
import { AwsError } from '../../domain/aws-error.js';
import type { WireProtocol } from './wire-error.js';
import type { AuthFailure } from '../../platform/sigv4.js';

export {
  canonicalRequest,
  MAX_SKEW_MS,
  parseAuthorization,
  regionOf,
  signature,
  signingKey,
  signRequest,
  verifySigV4,
  type AccessKey,
  type AuthFailure,
  type CredentialScope,
  type ParsedAuthorization,
  type SignedRequest,
  type Verdict,
} from '../../platform/sigv4.js';

/**
 * The codes each protocol family uses (Coral JSON vs AWS Query vs EC2): JSON says
 * UnrecognizedClientException / InvalidSignatureException / MissingAuthenticationTokenException, all
 * HTTP 400 as Coral answers them (the ECS model's errors are client faults without a status);
 * Query says InvalidClientTokenId / SignatureDoesNotMatch / MissingAuthenticationToken (403); EC2
 * says AuthFailure (401) for both a bad key and a bad signature and RequestExpired for skew.
 */
const CORAL: Record<AuthFailure, [string, number]> = {
  missing: ['MissingAuthenticationTokenException', 400],
  malformed: ['IncompleteSignatureException', 400],
  'unknown-key': ['UnrecognizedClientException', 400],
  'wrong-service': ['InvalidSignatureException', 400],
  'bad-signature': ['InvalidSignatureException', 400],
  expired: ['InvalidSignatureException', 400],
};

const CODES: Record<WireProtocol, Record<AuthFailure, [string, number]>> = {
  json: CORAL,
  cbor: CORAL,
  query: {
    missing: ['MissingAuthenticationToken', 403],
    malformed: ['IncompleteSignature', 403],
    'unknown-key': ['InvalidClientTokenId', 403],
    'wrong-service': ['SignatureDoesNotMatch', 403],
    'bad-signature': ['SignatureDoesNotMatch', 403],
    expired: ['SignatureDoesNotMatch', 403],
  },
  ec2: {
    missing: ['MissingAuthenticationToken', 401],
    malformed: ['IncompleteSignature', 401],
    'unknown-key': ['AuthFailure', 401],
    'wrong-service': ['AuthFailure', 401],
    'bad-signature': ['AuthFailure', 401],
    expired: ['RequestExpired', 400],
  },
};

export function authError(protocol: WireProtocol, failure: AuthFailure, message: string): AwsError {
  const [code, status] = CODES[protocol][failure];
  return new AwsError(code, message, status);
}
