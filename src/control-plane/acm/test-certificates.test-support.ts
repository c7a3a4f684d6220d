/** Certificates for the ACM tests: a self-signed one per call, with the key type and validity asked for. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeCertificate } from '../../platform/x509-writer.js';

const DAY = 86_400_000;

export interface TestCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly privateKey: KeyObject;
}

export function selfSigned(
  names: readonly string[],
  opts: { key?: 'ec' | 'rsa' | 'ed25519'; notBefore?: number; notAfter?: number; now?: number } = {},
): TestCertificate {
  const now = opts.now ?? Date.now();
  const pair =
    opts.key === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : opts.key === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = opts.key === 'ed25519' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : pair;
  const certificatePem = writeCertificate({
    serial: Buffer.from('0102030405', 'hex'),
    subject: { commonName: names[0]! },
    issuer: { commonName: names[0]! },
    notBefore: new Date(opts.notBefore ?? now - DAY),
    notAfter: new Date(opts.notAfter ?? now + 90 * DAY),
    publicKey: pair.publicKey,
    signingKey: signer.privateKey,
    issuerPublicKey: pair.publicKey,
    ca: false,
    dnsNames: names,
  });
  return { certificatePem, privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), privateKey: pair.privateKey };
}
