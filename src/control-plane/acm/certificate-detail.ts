/**
 * A certificate as DescribeCertificate shows it: the record's facts, its validation (Berth's CA
 * validates by signing), the listeners using it, and its status at `now`. No detail carries key
 * material.
 */
import type { CertificateDetailOut } from '../api/wire-types/acm.js';
import { statusOf, type CertificateRecord } from '../../domain/acm/certificate.js';

/** DescribeCertificate's CertificateDetail. */
export function certificateDetail(c: CertificateRecord, inUseBy: readonly string[], now: number): CertificateDetailOut {
  const f = c.facts;
  const validation =
    c.type === 'AMAZON_ISSUED'
      ? c.subjectAlternativeNames.map((d) => ({
          DomainName: d,
          ValidationDomain: d.replace(/^\*\./, ''),
          ValidationStatus: c.status === 'ISSUED' ? 'SUCCESS' : c.status === 'FAILED' ? 'FAILED' : 'PENDING_VALIDATION',
          ValidationMethod: 'DNS',
        }))
      : undefined;
  return {
    CertificateArn: c.arn,
    DomainName: c.domainName,
    SubjectAlternativeNames: [...c.subjectAlternativeNames],
    ...(validation ? { DomainValidationOptions: validation } : {}),
    ...(f ? { Serial: f.serial, Subject: f.subject, Issuer: f.issuer } : {}),
    CreatedAt: c.createdAt,
    ...(c.issuedAt !== undefined ? { IssuedAt: c.issuedAt } : {}),
    ...(c.importedAt !== undefined ? { ImportedAt: c.importedAt } : {}),
    Status: statusOf(c, now),
    ...(f ? { NotBefore: f.notBefore, NotAfter: f.notAfter, SignatureAlgorithm: f.signatureAlgorithm } : {}),
    KeyAlgorithm: c.keyAlgorithm,
    InUseBy: [...inUseBy],
    ...(c.failureReason !== undefined ? { FailureReason: 'OTHER' } : {}),
    Type: c.type,
    ...(f
      ? {
          KeyUsages: [{ Name: 'DIGITAL_SIGNATURE' }, { Name: 'KEY_ENCIPHERMENT' }],
          ExtendedKeyUsages: [
            { Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' },
            { Name: 'TLS_WEB_CLIENT_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.2' },
          ],
        }
      : {}),
    RenewalEligibility: 'INELIGIBLE',
    Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
  };
}
