/**
 * Writes and signs X.509 v3 certificates (RFC 5280) with node:crypto keys: a CA certificate and the
 * server certificates it issues. Node can read certificates (X509Certificate) but not write them;
 * rather than pull a certificate library (and the global reflect-metadata polyfill @peculiar/x509's
 * container needs, or node-forge, which signs with RSA only), the one fixed shape Berth issues is
 * written here in DER, and every result is read back with X509Certificate and checked by `openssl
 * verify` in the tests.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { bitString, boolean, context, octetString, oid, sequence, set, smallInteger, time, tlv, unsignedInteger, utf8String } from './der.js';

export interface DistinguishedName {
  readonly commonName: string;
  readonly organization?: string;
}

export interface CertificateSpec {
  /** Positive, at most 20 bytes (RFC 5280 4.1.2.2). */
  readonly serial: Buffer;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: KeyObject;
  /** The issuer's private key (the subject's own for a self-signed certificate). */
  readonly signingKey: KeyObject;
  /** The issuer's public key, for the authority key identifier. */
  readonly issuerPublicKey: KeyObject;
  readonly ca: boolean;
  /** subjectAltName dNSName entries (a server certificate's names). */
  readonly dnsNames?: readonly string[];
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

function name(dn: DistinguishedName): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(...(dn.organization !== undefined ? [rdn(OID.organization, dn.organization)] : []), rdn(OID.commonName, dn.commonName));
}

function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'ec') return sequence(oid(OID.ecdsaWithSha256));
  if (key.asymmetricKeyType === 'rsa') return sequence(oid(OID.sha256WithRsa), Buffer.from([0x05, 0x00]));
  throw new Error(`cannot sign certificates with a ${key.asymmetricKeyType} key`);
}

const keyId = (publicKey: KeyObject) =>
  createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();

const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** keyUsage's named bits (bit 0 is the high bit of the first byte), with DER's trailing zeros cut. */
function keyUsage(bits: readonly number[]): Buffer {
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && (byte & (1 << unused)) === 0) unused++;
  return tlv(0x03, Buffer.from([unused, byte]));
}

function extensions(spec: CertificateSpec): Buffer {
  const list = [
    extension(OID.basicConstraints, true, spec.ca ? sequence(boolean(true)) : sequence()),
    // CA: keyCertSign (5), cRLSign (6). Server: digitalSignature (0), keyEncipherment (2).
    extension(OID.keyUsage, true, keyUsage(spec.ca ? [5, 6] : [0, 2])),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId(spec.publicKey))),
  ];
  if (!spec.ca) {
    list.push(extension(OID.authorityKeyIdentifier, false, sequence(context(0, keyId(spec.issuerPublicKey), false))));
    list.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth), oid(OID.clientAuth))));
  }
  if (spec.dnsNames && spec.dnsNames.length > 0) {
    list.push(extension(OID.subjectAltName, false, sequence(...spec.dnsNames.map((n) => context(2, Buffer.from(n, 'ascii'), false)))));
  }
  return context(3, sequence(...list), true);
}

/** The certificate as PEM. */
export function writeCertificate(spec: CertificateSpec): string {
  const algorithm = signatureAlgorithm(spec.signingKey);
  const tbs = sequence(
    context(0, smallInteger(2), true),
    unsignedInteger(spec.serial),
    algorithm,
    name(spec.issuer),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    extensions(spec),
  );
  const signature = sign('sha256', tbs, spec.signingKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
