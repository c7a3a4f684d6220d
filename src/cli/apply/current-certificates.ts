/**
 * The ACM side of `berth apply`'s current state: every certificate tagged `berth:certificate`, by
 * that name, read through ListCertificates (every key type), ListTagsForCertificate and, for an
 * imported one, GetCertificate (to tell whether the file's certificate is the one ACM holds).
 */
import type { Clients } from '../cli-context.js';
import { acmCall } from '../acm-call.js';
import { KEY_ALGORITHMS } from '../../domain/acm/certificate.js';
import { fingerprintOf, type CurrentCertificate } from './certificate-plan.js';
import { CERTIFICATE_TAG } from './stack-certificates.js';

interface Summary {
  CertificateArn: string;
  DomainName: string;
  SubjectAlternativeNameSummaries?: string[];
  Type: 'IMPORTED' | 'AMAZON_ISSUED';
  KeyAlgorithm: string;
}

export async function readCurrentCertificates(clients: Clients): Promise<Map<string, CurrentCertificate>> {
  const out = new Map<string, CurrentCertificate>();
  let token: string | undefined;
  const all: Summary[] = [];
  do {
    const page: { CertificateSummaryList?: Summary[]; NextToken?: string } = await acmCall(clients.endpoint, 'ListCertificates', {
      Includes: { keyTypes: [...KEY_ALGORITHMS] },
      ...(token ? { NextToken: token } : {}),
    });
    all.push(...(page.CertificateSummaryList ?? []));
    token = page.NextToken;
  } while (token);
  for (const s of all) {
    const { Tags } = await acmCall<{ Tags?: { Key: string; Value?: string }[] }>(clients.endpoint, 'ListTagsForCertificate', {
      CertificateArn: s.CertificateArn,
    });
    const name = Tags?.find((t) => t.Key === CERTIFICATE_TAG)?.Value;
    if (!name) continue;
    let fingerprint: string | undefined;
    if (s.Type === 'IMPORTED') {
      const got = await acmCall<{ Certificate?: string }>(clients.endpoint, 'GetCertificate', { CertificateArn: s.CertificateArn });
      fingerprint = got.Certificate ? fingerprintOf(got.Certificate) : undefined;
    }
    out.set(name, {
      arn: s.CertificateArn,
      type: s.Type,
      domainName: s.DomainName,
      subjectAlternativeNames: s.SubjectAlternativeNameSummaries ?? [s.DomainName],
      keyAlgorithm: s.KeyAlgorithm,
      ...(fingerprint ? { fingerprint } : {}),
    });
  }
  return out;
}
