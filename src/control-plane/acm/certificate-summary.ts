/**
 * A certificate as ListCertificates shows it. The status is derived at `now` (an ISSUED certificate
 * past NotAfter is EXPIRED); no summary carries key material.
 */
import type { CertificateSummaryOut } from '../api/wire-types/acm.js';
import { statusOf, type CertificateRecord } from '../../domain/acm/certificate.js';

/** ListCertificates' summary of one certificate. */
export function certificateSummary(c: CertificateRecord, inUse: boolean, now: number): CertificateSummaryOut {
  return {
    CertificateArn: c.arn,
    DomainName: c.domainName,
    SubjectAlternativeNameSummaries: c.subjectAlternativeNames.slice(0, 100),
    HasAdditionalSubjectAlternativeNames: c.subjectAlternativeNames.length > 100,
    Status: statusOf(c, now),
    Type: c.type,
    KeyAlgorithm: c.keyAlgorithm,
    KeyUsages: c.facts ? ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'] : [],
    ExtendedKeyUsages: c.facts ? ['TLS_WEB_SERVER_AUTHENTICATION', 'TLS_WEB_CLIENT_AUTHENTICATION'] : [],
    InUse: inUse,
    RenewalEligibility: 'INELIGIBLE',
    ...(c.facts ? { NotBefore: c.facts.notBefore, NotAfter: c.facts.notAfter } : {}),
    CreatedAt: c.createdAt,
    ...(c.issuedAt !== undefined ? { IssuedAt: c.issuedAt } : {}),
    ...(c.importedAt !== undefined ? { ImportedAt: c.importedAt } : {}),
  };
}
