/**
 * Applies one certificate item: `+` imports the file's PEMs or requests the certificate (and waits
 * until Berth's CA has issued it, so the listeners after it can use it), tagged with its name and
 * the stack's; `~` re-imports onto the same ARN, which rotates it on every listener that uses it.
 */
import { CliError } from '../cli-error.js';
import type { Clients } from '../cli-context.js';
import { acmCall } from '../acm-call.js';
import type { PlanItem } from './plan.js';
import { STACK_TAG, type Stack } from './stack.js';
import { CERTIFICATE_TAG, isImported } from './stack-certificates.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const ISSUE_WAIT_MS = 30_000;

export async function applyCertificate(clients: Clients, stack: Stack, it: PlanItem): Promise<string> {
  const c = (stack.certificates ?? []).find((x) => x.Name === it.label)!;
  const tags = [{ Key: CERTIFICATE_TAG, Value: c.Name }, ...(stack.name !== undefined ? [{ Key: STACK_TAG, Value: stack.name }] : [])];
  if (isImported(c)) {
    if (!c.pem) throw new CliError(`certificate ${c.Name}: its files were not read`);
    const pems = { Certificate: b64(c.pem.certificate), PrivateKey: b64(c.pem.privateKey), ...(c.pem.chain ? { CertificateChain: b64(c.pem.chain) } : {}) };
    const input = it.op === '~' ? { ...pems, CertificateArn: it.arn } : { ...pems, Tags: tags };
    const r = await acmCall<{ CertificateArn: string }>(clients.endpoint, 'ImportCertificate', input);
    return r.CertificateArn;
  }
  const { CertificateArn } = await acmCall<{ CertificateArn: string }>(clients.endpoint, 'RequestCertificate', {
    DomainName: c.DomainName,
    ValidationMethod: 'DNS',
    ...(c.SubjectAlternativeNames ? { SubjectAlternativeNames: c.SubjectAlternativeNames } : {}),
    ...(c.KeyAlgorithm ? { KeyAlgorithm: c.KeyAlgorithm } : {}),
    Tags: tags,
  });
  const deadline = Date.now() + ISSUE_WAIT_MS;
  for (;;) {
    const { Certificate } = await acmCall<{ Certificate: { Status: string } }>(clients.endpoint, 'DescribeCertificate', { CertificateArn });
    if (Certificate.Status === 'ISSUED') return CertificateArn;
    if (Certificate.Status !== 'PENDING_VALIDATION') throw new CliError(`certificate ${c.Name}: ${Certificate.Status}`);
    if (Date.now() > deadline) throw new CliError(`certificate ${c.Name}: not issued within ${ISSUE_WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
