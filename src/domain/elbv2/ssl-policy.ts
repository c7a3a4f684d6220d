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

/**
 * The console's default, and Berth's API default when a listener names no policy. (AWS's API, CLI and
 * CloudFormation default to ELBSecurityPolicy-2016-08, which admits TLS 1.0: docs/differences.md.)
 */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

/** TLS 1.2's forward-secret AEAD suites, ECDSA before RSA, AES-128 before AES-256: AWS's order. */
const FS_GCM = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'] as const;
/** TLS 1.2's forward-secret suites, GCM and CBC-SHA2 interleaved as AWS lists them. */
const FS_SHA2 = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
] as const;
const BOTH: SslPolicy['loadBalancerTypes'] = ['application', 'network'];

// Every entry as AWS documents it ("Security policies for your Application Load Balancer", and
// DescribeSSLPolicies' answer): protocols, then ciphers in priority order.
export const SSL_POLICIES: readonly SslPolicy[] = Object.freeze([
  {
    name: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    protocols: ['TLSv1.2', 'TLSv1.3'],
    ciphers: [...TLS13_SUITES, ...FS_SHA2],
    loadBalancerTypes: BOTH,
  },
  {
    name: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
    protocols: ['TLSv1.2', 'TLSv1.3'],
    ciphers: [...TLS13_SUITES, ...FS_GCM],
    loadBalancerTypes: BOTH,
  },
  {
    name: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
    protocols: ['TLSv1.3'],
    ciphers: [...TLS13_SUITES],
    loadBalancerTypes: BOTH,
  },
  {
    name: 'ELBSecurityPolicy-FS-1-2-Res-2020-10',
    protocols: ['TLSv1.2'],
    ciphers: [...FS_GCM],
    loadBalancerTypes: BOTH,
  },
  {
    name: 'ELBSecurityPolicy-FS-1-2-Res-2019-08',
    protocols: ['TLSv1.2'],
    ciphers: [...FS_SHA2],
    loadBalancerTypes: BOTH,
  },
  {
    name: 'ELBSecurityPolicy-TLS-1-2-2017-01',
    protocols: ['TLSv1.2'],
    ciphers: [...FS_SHA2, 'AES128-GCM-SHA256', 'AES128-SHA256', 'AES256-GCM-SHA384', 'AES256-SHA256'],
    loadBalancerTypes: BOTH,
  },
  {
    name: 'ELBSecurityPolicy-2016-08',
    protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
    ciphers: [
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES128-SHA256',
      'ECDHE-RSA-AES128-SHA256',
      'ECDHE-ECDSA-AES128-SHA',
      'ECDHE-RSA-AES128-SHA',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-RSA-AES256-SHA384',
      'ECDHE-RSA-AES256-SHA',
      'ECDHE-ECDSA-AES256-SHA',
      'AES128-GCM-SHA256',
      'AES128-SHA256',
      'AES128-SHA',
      'AES256-GCM-SHA384',
      'AES256-SHA256',
      'AES256-SHA',
    ],
    loadBalancerTypes: BOTH,
  },
]);

export function sslPolicyByName(name: string): SslPolicy | undefined {
  return SSL_POLICIES.find((p) => p.name === name);
}
