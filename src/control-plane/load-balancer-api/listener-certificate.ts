/**
 * An ACM certificate record as the data plane needs it: the PEMs with the private key opened, and
 * the names SNI matches against. Only issued (or imported) certificates have material; a pending or
 * failed one gives nothing, and a listener naming it keeps no TLS until it is issued.
 */
import { sealAad, type CertificateRecord } from '../../domain/acm/certificate.js';
import type { SealedBox } from '../../platform/sealed-box.js';
import type { ListenerCertificate } from '../../protocols/load-balancer/index.js';

export function listenerCertificateOf(c: CertificateRecord, box: SealedBox): ListenerCertificate | undefined {
  if (c.status !== 'ISSUED' || !c.certificatePem || !c.sealedPrivateKey) return undefined;
  const names = [...new Set([c.domainName, ...c.subjectAlternativeNames].map((n) => n.toLowerCase()))];
  return {
    arn: c.arn,
    certificatePem: c.certificatePem,
    ...(c.chainPem ? { chainPem: c.chainPem } : {}),
    privateKeyPem: box.open(c.sealedPrivateKey, sealAad(c.arn)),
    names,
  };
}
