/**
 * The console's Certificates page over the ACM handlers: every certificate (all key types) with its
 * expiry and the listeners using it, and the import and request forms; plus the SSL policies the
 * HTTPS listener form offers. The private key a form sends goes to ImportCertificate and nowhere else.
 */
import { AwsError } from '../../domain/aws-error.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../domain/acm/certificate.js';
import { daysToExpiry, expiresSoon } from '../../domain/acm/certificate-use.js';
import type { Call } from './console-reads.js';

const text = (v: unknown, field: string, required: boolean): string | undefined => {
  if (v === undefined || v === null || v === '') {
    if (required) throw new AwsError('ValidationError', `${field} is required.`);
    return undefined;
  }
  if (typeof v !== 'string') throw new AwsError('ValidationError', `${field} must be text.`);
  return v;
};

export function consoleCertificates(call: Call, now: () => number) {
  return {
    async list() {
      const summaries: { CertificateArn?: string }[] = [];
      let token: string | undefined;
      do {
        const page = await call('acm', 'ListCertificates', { Includes: { keyTypes: [...KEY_ALGORITHMS] }, ...(token ? { NextToken: token } : {}) });
        summaries.push(...(page.CertificateSummaryList ?? []));
        token = page.NextToken;
      } while (token);
      const at = now();
      const certificates = [];
      for (const s of summaries) {
        if (!s.CertificateArn) continue;
        const { Certificate: d } = await call('acm', 'DescribeCertificate', { CertificateArn: s.CertificateArn });
        if (!d) continue;
        // Handlers answer timestamps as epoch ms (or Date); the page shows days.
        const notAfter = d.NotAfter instanceof Date ? d.NotAfter.getTime() : d.NotAfter;
        certificates.push({
          CertificateArn: d.CertificateArn,
          DomainName: d.DomainName,
          SubjectAlternativeNames: d.SubjectAlternativeNames,
          Status: d.Status,
          Type: d.Type,
          KeyAlgorithm: d.KeyAlgorithm,
          InUseBy: d.InUseBy,
          ...(notAfter !== undefined
            ? { NotAfter: notAfter, DaysToExpiry: daysToExpiry(notAfter, at), ExpiresSoon: expiresSoon(notAfter, at) }
            : { ExpiresSoon: false }),
        });
      }
      certificates.sort((a, b) => String(a.DomainName).localeCompare(String(b.DomainName)));
      return { certificates };
    },

    async import(body: unknown) {
      const b = (body ?? {}) as Record<string, unknown>;
      const chain = text(b.certificateChain, 'certificateChain', false);
      const out = await call('acm', 'ImportCertificate', {
        Certificate: Buffer.from(text(b.certificate, 'certificate', true)!),
        PrivateKey: Buffer.from(text(b.privateKey, 'privateKey', true)!),
        ...(chain ? { CertificateChain: Buffer.from(chain) } : {}),
      });
      return { certificateArn: out.CertificateArn };
    },

    async request(body: unknown) {
      const b = (body ?? {}) as Record<string, unknown>;
      const sans = Array.isArray(b.subjectAlternativeNames) ? b.subjectAlternativeNames.filter((s): s is string => typeof s === 'string' && s !== '') : [];
      const keyAlgorithm = text(b.keyAlgorithm, 'keyAlgorithm', false);
      const isKeyAlgorithm = (v: string): v is KeyAlgorithm => (KEY_ALGORITHMS as readonly string[]).includes(v);
      if (keyAlgorithm !== undefined && !isKeyAlgorithm(keyAlgorithm))
        throw new AwsError('ValidationError', `keyAlgorithm must be one of ${KEY_ALGORITHMS.join(', ')}.`);
      const out = await call('acm', 'RequestCertificate', {
        DomainName: text(b.domainName, 'domainName', true)!,
        ValidationMethod: 'DNS',
        ...(sans.length ? { SubjectAlternativeNames: sans } : {}),
        ...(keyAlgorithm ? { KeyAlgorithm: keyAlgorithm } : {}),
      });
      return { certificateArn: out.CertificateArn };
    },

    async sslPolicies() {
      const out = await call('elbv2', 'DescribeSSLPolicies', {});
      return { sslPolicies: (out.SslPolicies ?? []).map((p) => ({ name: p.Name, protocols: p.SslProtocols })) };
    },
  };
}
