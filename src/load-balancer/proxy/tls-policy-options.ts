/**
 * An ELBv2 security policy as Node TLS server options (pure): the policy's oldest and newest
 * protocol become minVersion/maxVersion, and its ciphers one OpenSSL list in the policy's order
 * (Node sends the `TLS_*` names to SSL_CTX_set_ciphersuites and the rest to the TLS 1.2 list),
 * with the server's order preferred, as an ALB prefers the policy's priority order.
 */
import type { SecureVersion } from 'node:tls';
import type { SslPolicy, TlsProtocol } from '../../domain/elbv2/ssl-policy.js';

export interface PolicyTlsOptions {
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  readonly ciphers: string;
  readonly honorCipherOrder: true;
}

const order: readonly TlsProtocol[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export function tlsOptionsForPolicy(policy: SslPolicy): PolicyTlsOptions {
  const versions = [...policy.protocols].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  if (versions.length === 0) throw new Error(`SSL policy ${policy.name} allows no protocol`);
  const minVersion = versions[0]!;
  const maxVersion = versions[versions.length - 1]!;
  const tls13 = policy.ciphers.filter((c) => c.startsWith('TLS_'));
  const legacy = policy.ciphers.filter((c) => !c.startsWith('TLS_'));
  const parts = [...(maxVersion === 'TLSv1.3' ? tls13 : []), ...(minVersion === 'TLSv1.3' ? [] : legacy)];
  // OpenSSL refuses an empty TLS 1.2 list even when only TLS 1.3 can be negotiated; any valid
  // name does, since maxVersion/minVersion keep TLS 1.2 from being offered at all.
  if (!parts.some((c) => !c.startsWith('TLS_'))) parts.push('ECDHE-ECDSA-AES128-GCM-SHA256');
  // OpenSSL 3 allows TLS 1.0/1.1 (SHA-1 MACs) only at security level 0; a policy that lists them means them.
  if (minVersion === 'TLSv1' || minVersion === 'TLSv1.1') parts.push('@SECLEVEL=0');
  return { minVersion, maxVersion, ciphers: parts.join(':'), honorCipherOrder: true };
}
