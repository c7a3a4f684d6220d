/**
 * An ACM certificate as stored, and what ACM reports about it, read from the certificate itself
 * (node:crypto's X509Certificate parses; nothing here touches files, the clock or the network).
 * The private key is kept sealed (`sealedPrivateKey`, aad `sealAad(arn)`): no view below shows it.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AwsError } from '../aws-error.js';

export type CertificateType = 'IMPORTED' | 'AMAZON_ISSUED';
export type CertificateStatus = 'PENDING_VALIDATION' | 'ISSUED' | 'EXPIRED' | 'FAILED';
export const KEY_ALGORITHMS = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** Facts read from an X.509 certificate, as DescribeCertificate names them. */
export interface CertificateFacts {
  readonly domainName: string;
  /** The DNS names of subjectAltName; the domain name alone when it has none. */
  readonly subjectAlternativeNames: readonly string[];
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly signatureAlgorithm: string;
}

export interface CertificateRecord {
  readonly arn: string;
  readonly type: CertificateType;
  /** EXPIRED is never stored: `statusOf` derives it from NotAfter. */
  readonly status: 'PENDING_VALIDATION' | 'ISSUED' | 'FAILED';
  readonly domainName: string;
  readonly subjectAlternativeNames: readonly string[];
  readonly keyAlgorithm: KeyAlgorithm;
  readonly createdAt: number;
  readonly importedAt?: number;
  readonly issuedAt?: number;
  /** Present once issued or imported. */
  readonly certificatePem?: string;
  readonly chainPem?: string;
  readonly sealedPrivateKey?: string;
  readonly facts?: CertificateFacts;
  readonly failureReason?: string;
  /** RequestCertificate's IdempotencyToken: the same token and domain answer the same ARN. */
  readonly idempotencyToken?: string;
}

export const sealAad = (arn: string) => `${arn}#private-key`;

const validation = (message: string) => new AwsError('ValidationException', message);

export function statusOf(c: CertificateRecord, now: number): CertificateStatus {
  if (c.status === 'ISSUED' && c.facts && c.facts.notAfter <= now) return 'EXPIRED';
  return c.status;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, in order; ValidationException naming `field` when there is none or it does not parse. */
export function parseCertificates(pem: string, field: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw validation(`${field}: not a PEM-encoded certificate (expected -----BEGIN CERTIFICATE-----)`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch {
      throw validation(`${field}: certificate ${i + 1} is malformed PEM (it does not parse as X.509)`);
    }
  });
}

export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') {
    const name = `RSA_${d?.modulusLength}`;
    return (KEY_ALGORITHMS as readonly string[]).includes(name) ? (name as KeyAlgorithm) : undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = { prime256v1: 'EC_prime256v1', secp384r1: 'EC_secp384r1', secp521r1: 'EC_secp521r1' }[d?.namedCurve ?? ''];
    return curve as KeyAlgorithm | undefined;
  }
  return undefined;
}

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  sha256WithRSAEncryption: 'SHA256WITHRSA',
  sha384WithRSAEncryption: 'SHA384WITHRSA',
  sha512WithRSAEncryption: 'SHA512WITHRSA',
  'ecdsa-with-SHA256': 'SHA256WITHECDSA',
  'ecdsa-with-SHA384': 'SHA384WITHECDSA',
  'ecdsa-with-SHA512': 'SHA512WITHECDSA',
};

/** `CN=a.example.com\nO=Org` (Node's form) → `CN=a.example.com,O=Org` (ACM's). */
const dn = (text: string) =>
  text
    .split('\n')
    .filter((p) => p !== '')
    .join(',');

function commonName(subject: string): string | undefined {
  return subject
    .split('\n')
    .find((p) => p.startsWith('CN='))
    ?.slice(3);
}

function dnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((e) => e.startsWith('DNS:'))
    .map((e) => e.slice(4));
}

/** The algorithm a certificate was signed with, from its DER (Node exposes no accessor for it). */
function signatureAlgorithmOf(cert: X509Certificate): string {
  const der = cert.raw;
  // The last AlgorithmIdentifier before the signature: find the OID bytes Node gives us by name.
  const oids: Record<string, string> = {
    '2a864886f70d01010b': 'sha256WithRSAEncryption',
    '2a864886f70d01010c': 'sha384WithRSAEncryption',
    '2a864886f70d01010d': 'sha512WithRSAEncryption',
    '2a8648ce3d040302': 'ecdsa-with-SHA256',
    '2a8648ce3d040303': 'ecdsa-with-SHA384',
    '2a8648ce3d040304': 'ecdsa-with-SHA512',
  };
  const hex = der.toString('hex');
  let best: { at: number; name: string } | undefined;
  for (const [o, n] of Object.entries(oids)) {
    const at = hex.lastIndexOf('06' + (o.length / 2).toString(16).padStart(2, '0') + o);
    if (at >= 0 && (!best || at > best.at)) best = { at, name: n };
  }
  return best ? (SIGNATURE_ALGORITHMS[best.name] ?? best.name) : 'UNKNOWN';
}

export function factsOf(cert: X509Certificate): CertificateFacts {
  const names = dnsNames(cert);
  const cn = commonName(cert.subject);
  const keyAlgorithm = keyAlgorithmOf(cert.publicKey);
  if (!keyAlgorithm) {
    throw validation(`Certificate: unsupported key type ${cert.publicKey.asymmetricKeyType} (ACM takes RSA 1024-4096 and EC P-256, P-384, P-521 keys)`);
  }
  const domainName = cn ?? names[0];
  if (domainName === undefined) throw validation('Certificate: it names no domain (no subject CN and no DNS subjectAltName)');
  return {
    domainName,
    subjectAlternativeNames: names.length > 0 ? names : [domainName],
    serial: (cert.serialNumber.length % 2 ? '0' + cert.serialNumber : cert.serialNumber).toLowerCase().replace(/(..)(?!$)/g, '$1:'),
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
    keyAlgorithm,
    signatureAlgorithm: signatureAlgorithmOf(cert),
  };
}

export interface ImportedMaterial {
  readonly certificatePem: string;
  readonly chainPem?: string;
  readonly privateKeyPem: string;
  readonly facts: CertificateFacts;
}

/**
 * ImportCertificate's checks, each a ValidationException that says what is wrong: one certificate,
 * a PEM private key that parses, is unencrypted and of a type ACM takes, and matches the
 * certificate; a certificate that has not expired and has begun; a chain that parses.
 */
export function checkImport(input: { certificate: string; privateKey: string; chain?: string }, now: number): ImportedMaterial {
  const certs = parseCertificates(input.certificate, 'Certificate');
  if (certs.length > 1) throw validation('Certificate: it holds more than one certificate; put the intermediates in CertificateChain');
  const cert = certs[0]!;
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(input.privateKey)) {
    throw validation('PrivateKey: the private key is encrypted with a passphrase; ACM imports unencrypted keys only');
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(input.privateKey)) throw validation('PrivateKey: not a PEM-encoded private key');
  let key: KeyObject;
  try {
    key = createPrivateKey(input.privateKey);
  } catch {
    throw validation('PrivateKey: malformed PEM (the private key does not parse)');
  }
  if (!keyAlgorithmOf(key)) {
    const size = key.asymmetricKeyDetails?.modulusLength ?? key.asymmetricKeyDetails?.namedCurve ?? '';
    throw validation(`PrivateKey: unsupported key type ${key.asymmetricKeyType} ${size} (ACM takes RSA 1024-4096 and EC P-256, P-384, P-521 keys)`);
  }
  const facts = factsOf(cert);
  if (!cert.checkPrivateKey(key)) throw validation('PrivateKey: the private key does not match the public key in the certificate');
  if (facts.notAfter <= now) throw validation(`Certificate: the certificate expired on ${new Date(facts.notAfter).toISOString()}`);
  if (facts.notBefore > now) throw validation(`Certificate: the certificate is not valid before ${new Date(facts.notBefore).toISOString()}`);
  let chainPem: string | undefined;
  if (input.chain !== undefined && input.chain.trim() !== '') {
    const chain = parseCertificates(input.chain, 'CertificateChain');
    chainPem = chain.map((c) => c.toString()).join('');
  }
  return { certificatePem: cert.toString(), ...(chainPem ? { chainPem } : {}), privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), facts };
}

/** RequestCertificate's names: a DNS name (a leading `*.` allowed), 1-253 characters, ACM's limit of 10 SANs by default. */
export function checkDomainName(name: string, field: string): string {
  const n = name.toLowerCase().replace(/\.$/, '');
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  const parts = n.split('.');
  const ok = n.length >= 1 && n.length <= 253 && parts.length >= 2 && parts.every((p, i) => (i === 0 && p === '*') || label.test(p));
  if (!ok) throw new AwsError('InvalidParameterException', `${field}: '${name}' is not a fully qualified domain name`);
  return n;
}
