/**
 * The certificate items of `berth apply`'s plan, purely: `+` for a certificate of the file that no
 * ACM certificate tagged with its name is, `~` (a re-import onto the same ARN) when an imported
 * file's certificate is not the one ACM holds. A requested certificate's names or key cannot change
 * in place, nor can an imported one become requested: those are errors, never a silent replace.
 */
import { X509Certificate } from 'node:crypto';
import type { Change, PlanItem } from './plan.js';
import { isImported, type StackCertificate } from './stack-certificates.js';

export interface CurrentCertificate {
  readonly arn: string;
  readonly type: 'IMPORTED' | 'AMAZON_ISSUED';
  readonly domainName: string;
  readonly subjectAlternativeNames: readonly string[];
  readonly keyAlgorithm: string;
  /** SHA-256 fingerprint of the certificate ACM holds (GetCertificate), when it has one. */
  readonly fingerprint?: string;
}

export function fingerprintOf(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

export function certificatePlan(certs: readonly StackCertificate[], current: ReadonlyMap<string, CurrentCertificate>): { items: PlanItem[]; errors: string[] } {
  const items: PlanItem[] = [];
  const errors: string[] = [];
  for (const c of certs) {
    const cur = current.get(c.Name);
    if (!cur) {
      items.push({ op: '+', kind: 'certificate', label: c.Name, changes: [] });
      continue;
    }
    if (isImported(c)) {
      if (cur.type !== 'IMPORTED') {
        errors.push(`certificate ${c.Name}: it was requested from Berth's CA and cannot become an imported one in place; delete it first`);
        continue;
      }
      const want = c.pem ? fingerprintOf(c.pem.certificate) : undefined;
      if (want !== undefined && want !== cur.fingerprint) {
        items.push({ op: '~', kind: 'certificate', label: c.Name, changes: [{ field: 'Certificate', from: cur.fingerprint, to: want }], arn: cur.arn });
      }
      continue;
    }
    if (cur.type !== 'AMAZON_ISSUED') {
      errors.push(`certificate ${c.Name}: it was imported and cannot become a requested one in place; delete it first`);
      continue;
    }
    const wantNames = [...new Set([c.DomainName, ...(c.SubjectAlternativeNames ?? [])].map((n) => n.toLowerCase()))];
    const changes: Change[] = [];
    if (c.DomainName.toLowerCase() !== cur.domainName) changes.push({ field: 'DomainName', from: cur.domainName, to: c.DomainName });
    if (wantNames.join(',') !== cur.subjectAlternativeNames.join(',')) {
      changes.push({ field: 'SubjectAlternativeNames', from: cur.subjectAlternativeNames, to: wantNames });
    }
    if ((c.KeyAlgorithm ?? 'RSA_2048') !== cur.keyAlgorithm) changes.push({ field: 'KeyAlgorithm', from: cur.keyAlgorithm, to: c.KeyAlgorithm ?? 'RSA_2048' });
    for (const ch of changes) errors.push(`certificate ${c.Name}: ${ch.field} of a requested certificate cannot change in place; delete it first`);
  }
  return { items, errors };
}

/** Current listener certificates name ACM ARNs; the file names certificates: compare in the file's words. */
export function certificatesByName(certs: readonly { CertificateArn?: string }[] | undefined, nameOfArn: ReadonlyMap<string, string>) {
  return certs?.map((c) => {
    const name = c.CertificateArn ? nameOfArn.get(c.CertificateArn) : undefined;
    return name === undefined ? c : { CertificateName: name };
  });
}
