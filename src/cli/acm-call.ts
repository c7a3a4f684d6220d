/**
 * One ACM call as the AWS SDK makes it (JSON 1.1, `X-Amz-Target: CertificateManager.<Op>`, SigV4
 * service `acm`), without the SDK's ACM client: `berth certs` needs two operations, not a package.
 */
import { CliError } from './cli-error.js';
import type { Endpoint } from './cli-context.js';
import { signRequest } from '../platform/sigv4.js';

export async function acmCall<T>(endpoint: Endpoint, operation: string, input: object, signal?: AbortSignal): Promise<T> {
  const body = Buffer.from(JSON.stringify(input));
  const u = new URL(endpoint.url);
  const headers: Record<string, string> = {
    host: u.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `CertificateManager.${operation}`,
    ...(endpoint.credentials.sessionToken ? { 'x-amz-security-token': endpoint.credentials.sessionToken } : {}),
  };
  const signed = signRequest({ method: 'POST', url: '/', headers, body }, endpoint.credentials, Date.now(), endpoint.region, 'acm');
  const res = await fetch(`${endpoint.url}/`, { method: 'POST', headers: { ...headers, ...signed }, body, ...(signal ? { signal } : {}) });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : {}) as T & { __type?: string; message?: string; Message?: string };
  if (!res.ok) {
    const code = String(parsed.__type ?? `HTTP ${res.status}`).replace(/^.*#/, '');
    throw new CliError(`${code}: ${parsed.message ?? parsed.Message ?? res.statusText}`);
  }
  return parsed;
}
