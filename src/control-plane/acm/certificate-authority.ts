/**
 * Berth's own certificate authority: RequestCertificate cannot validate a domain here, so Berth
 * issues the certificate itself. The CA's key and certificate live in the data dir (`ca/ca.key`,
 * mode 0600, and `ca/ca.crt`), made on first use; `berth ca` prints the certificate, so that curl
 * (`--cacert`) and browsers can trust what this CA issues.
 */
import { createPrivateKey, generateKeyPair, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KeyAlgorithm } from '../../domain/acm/certificate.js';
import type { Random } from '../../platform/random.js';
import { writeCertificate, type DistinguishedName } from '../../platform/x509-writer.js';

const DAY = 86_400_000;
/** ACM's certificates are valid for 395 days (13 months). */
export const ISSUED_VALIDITY_DAYS = 395;
const CA_VALIDITY_DAYS = 3650;

export interface IssueRequest {
  readonly domainName: string;
  readonly names: readonly string[];
  readonly keyAlgorithm: KeyAlgorithm;
  readonly now: number;
}

export interface CertificateAuthority {
  readonly certificatePem: string;
  issue(request: IssueRequest): Promise<{ certificatePem: string; privateKeyPem: string }>;
}

const generate = promisify(generateKeyPair);

function keyPair(algorithm: KeyAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  if (algorithm.startsWith('RSA_')) return generate('rsa', { modulusLength: Number(algorithm.slice(4)) });
  const curves: Record<string, string> = { EC_prime256v1: 'P-256', EC_secp384r1: 'P-384', EC_secp521r1: 'P-521' };
  return generate('ec', { namedCurve: curves[algorithm] ?? 'P-256' });
}

/** A positive 16-byte serial: the high bit cleared so the INTEGER needs no padding byte. */
function serial(random: Random): Buffer {
  const b = Buffer.from(random.hex(16), 'hex');
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b;
}

function nameOf(cert: X509Certificate): DistinguishedName {
  let commonName = '';
  let organization: string | undefined;
  for (const part of cert.subject.split('\n')) {
    if (part.startsWith('CN=')) commonName = part.slice(3);
    if (part.startsWith('O=')) organization = part.slice(2);
  }
  return organization === undefined ? { commonName } : { commonName, organization };
}

export function certificateAuthority(key: KeyObject, certificatePem: string, random: Random): CertificateAuthority {
  const cert = new X509Certificate(certificatePem);
  const issuer = nameOf(cert);
  return {
    certificatePem,
    async issue(req) {
      const pair = await keyPair(req.keyAlgorithm);
      const pem = writeCertificate({
        serial: serial(random),
        subject: { commonName: req.domainName },
        issuer,
        // An hour's slack for clients whose clocks run behind.
        notBefore: new Date(req.now - 3_600_000),
        notAfter: new Date(req.now + ISSUED_VALIDITY_DAYS * DAY),
        publicKey: pair.publicKey,
        signingKey: key,
        issuerPublicKey: cert.publicKey,
        ca: false,
        dnsNames: req.names,
      });
      return { certificatePem: pem, privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    },
  };
}

/** A fresh CA key (EC P-256) and its self-signed certificate, valid ten years. */
export function newCaMaterial(random: Random, now: number): { privateKey: KeyObject; certificatePem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = { commonName: `Berth local CA ${random.hex(4)}`, organization: 'Berth' };
  const certificatePem = writeCertificate({
    serial: serial(random),
    subject: name,
    issuer: name,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + CA_VALIDITY_DAYS * DAY),
    publicKey: pair.publicKey,
    signingKey: pair.privateKey,
    issuerPublicKey: pair.publicKey,
    ca: true,
  });
  return { privateKey: pair.privateKey, certificatePem };
}

/** A CA that lives only in memory (tests). */
export function ephemeralCertificateAuthority(random: Random, now: number): CertificateAuthority {
  const { privateKey, certificatePem } = newCaMaterial(random, now);
  return certificateAuthority(privateKey, certificatePem, random);
}

/** The data dir's CA: read when present, else made (the key with O_EXCL and mode 0600 in one step). */
export function loadOrCreateCertificateAuthority(dataDir: string, random: Random, now: number): CertificateAuthority {
  const dir = join(dataDir, 'ca');
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.crt');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const key = createPrivateKey(readFileSync(keyPath, 'utf8'));
    chmodSync(keyPath, 0o600);
    return certificateAuthority(key, readFileSync(certPath, 'utf8'), random);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey, certificatePem } = newCaMaterial(random, now);
  const fd = openSync(keyPath, 'wx', 0o600);
  try {
    writeSync(fd, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  } finally {
    closeSync(fd);
  }
  writeFileSync(certPath, certificatePem, { mode: 0o644 });
  return certificateAuthority(privateKey, certificatePem, random);
}

/** The CA certificate of a data dir, for `berth ca` (undefined before the first `berth up`). */
export function readCaCertificate(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'ca', 'ca.crt'), 'utf8');
  } catch {
    return undefined;
  }
}
