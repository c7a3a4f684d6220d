/**
 * How Berth's own protocols are signed: SigV4 (header form) by a key the API accepts, with this
 * service name in the credential scope. The agent protocol, the log route and the load-balancer
 * node protocol all use it, so one key works for every Berth process.
 */
import { signRequest, type AccessKey } from '../platform/sigv4.js';

/** The service name in a SigV4 credential scope for Berth's own routes. */
export const BERTH_SIGNING_SERVICE = 'berth';

/** Headers that sign one JSON (or empty) request; undici sends Host from the URL, so it is signed, not set. */
export function signedHeaders(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  key: AccessKey,
  now: number,
  region = 'us-east-1',
): Record<string, string> {
  const signed = { method, url: url.pathname + url.search, headers: { ...headers, host: url.host }, body };
  return { ...headers, ...signRequest(signed, key, now, region, BERTH_SIGNING_SERVICE) };
}
