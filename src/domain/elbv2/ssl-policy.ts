/**
 * ELBv2 security policies: AWS's names, with the protocols and ciphers each one allows. The API
 * (DescribeSSLPolicies, CreateListener's SslPolicy) and the data plane (Node's TLS options) both read
 * this one table, so what a policy says is what a listener enforces.
 *
 * Cipher names are AWS's (OpenSSL's) names; TLS 1.3 suites carry their IANA names, as AWS lists them.
 */
export type TlsProtocol = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface SslPolicy {
  readonly name: string;
  /** In AWS's order, oldest first. */
  readonly protocols: readonly TlsProtocol[];
  /** In preference order; priority 1 first. */
  readonly ciphers: readonly string[];
  /** DescribeSSLPolicies' SupportedLoadBalancerTypes. */
  readonly loadBalancerTypes: readonly ('application' | 'network')[];
}

/** The console's default, and the API's when a listener names no policy. */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

// The table is filled in by the HTTPS work (issue 13): keep every entry as AWS documents it.
export const SSL_POLICIES: readonly SslPolicy[] = Object.freeze([
  {
    name: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    protocols: ['TLSv1.2', 'TLSv1.3'],
    ciphers: [
      ...TLS13_SUITES,
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES128-SHA256',
      'ECDHE-RSA-AES128-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-RSA-AES256-SHA384',
    ],
    loadBalancerTypes: ['application', 'network'],
  },
]);

export function sslPolicyByName(name: string): SslPolicy | undefined {
  return SSL_POLICIES.find((p) => p.name === name);
}
