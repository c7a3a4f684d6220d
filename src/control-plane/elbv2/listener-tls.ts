/**
 * What an HTTPS listener holds beyond an HTTP one: its security policy and its certificates. The
 * checks CreateListener and ModifyListener share, DescribeSSLPolicies over the one policy table, and
 * the SNI certificate list (Add/Remove/DescribeListenerCertificates). Certificates are ACM records in
 * the same store; a certificate that is not issued is CertificateNotFound, as ELBv2 answers.
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import type { CertificateRecord } from '../../domain/acm/certificate.js';
import type { ListenerRecord } from '../../domain/elbv2/listener.js';
import { DEFAULT_SSL_POLICY, SSL_POLICIES, sslPolicyByName } from '../../domain/elbv2/ssl-policy.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import type { SslPolicyOut } from '../api/wire-types/elbv2.js';
import type { Elbv2Deps } from './deps.js';
import { page } from './paging.js';
import { getListener, idOf } from './repository.js';
import { transact, type Tx } from './transact.js';

/** ALB's default quota of certificates per load balancer, the default one excluded. */
export const MAX_SNI_CERTIFICATES = 25;

const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/([A-Za-z0-9-]+)$/;

type CertificateInput = { CertificateArn?: string; IsDefault?: boolean };

export function checkSslPolicy(name: string | undefined): string {
  if (name === undefined) return DEFAULT_SSL_POLICY;
  if (!sslPolicyByName(name)) throw new AwsError('SSLPolicyNotFound', `SSL policy '${name}' not found`);
  return name;
}

/** The ARN of an issued ACM certificate in the caller's region and account, else CertificateNotFound. */
export async function requireCertificate(tx: Tx, arn: string | undefined, ctx: RequestContext): Promise<string> {
  const m = ACM_ARN.exec(arn ?? '');
  const key = m && m[1] === ctx.region && m[2] === ctx.accountId ? keys.certificate(m[1], m[3]!) : undefined;
  const rec = key ? await tx.get<CertificateRecord>(key) : undefined;
  if (!key || !rec) throw new AwsError('CertificateNotFound', `Certificate '${arn ?? ''}' not found`);
  if (rec.status !== 'ISSUED') throw new AwsError('CertificateNotFound', `Certificate '${arn}' is ${rec.status}, not ISSUED`);
  // Written back unchanged: a DeleteCertificate racing this listener guards the certificate's
  // revision, so one of the two retries and sees the other (a deleted one, or the new user).
  tx.put(key, rec);
  return rec.arn;
}

export interface ListenerTlsInput {
  readonly Protocol?: string;
  readonly Certificates?: CertificateInput[];
  readonly SslPolicy?: string;
}

/**
 * The listener's protocol, policy and default certificate after a Create (`current` undefined) or a
 * Modify: HTTPS needs a certificate (given, or kept from before); HTTP takes neither a policy nor a
 * certificate, and a switch to HTTP drops them (and the SNI list).
 */
export async function resolveListenerTls(
  tx: Tx,
  protocol: 'HTTP' | 'HTTPS',
  input: ListenerTlsInput,
  current: ListenerRecord | undefined,
  ctx: RequestContext,
): Promise<Pick<ListenerRecord, 'Protocol' | 'SslPolicy' | 'certificateArn' | 'sniCertificateArns'>> {
  const certs = input.Certificates ?? [];
  if (protocol === 'HTTP') {
    if (certs.length > 0) throw new AwsError('ValidationError', 'Certificates: an HTTP listener takes no certificates; use Protocol HTTPS');
    if (input.SslPolicy !== undefined) throw new AwsError('ValidationError', 'SslPolicy: an HTTP listener takes no security policy; use Protocol HTTPS');
    return { Protocol: 'HTTP' };
  }
  if (certs.length > 1) {
    throw new AwsError('TooManyCertificates', 'Certificates: give exactly one (the default certificate); add others with AddListenerCertificates');
  }
  const wasHttps = current?.Protocol === 'HTTPS';
  let certificateArn = wasHttps ? current.certificateArn : undefined;
  if (certs.length === 1) certificateArn = await requireCertificate(tx, certs[0]!.CertificateArn, ctx);
  if (!certificateArn) throw new AwsError('CertificateNotFound', 'A certificate must be specified for HTTPS listeners');
  const SslPolicy = input.SslPolicy !== undefined ? checkSslPolicy(input.SslPolicy) : wasHttps && current.SslPolicy ? current.SslPolicy : DEFAULT_SSL_POLICY;
  const sni = wasHttps ? (current.sniCertificateArns ?? []).filter((a) => a !== certificateArn) : [];
  return { Protocol: 'HTTPS', SslPolicy, certificateArn, ...(sni.length > 0 ? { sniCertificateArns: sni } : {}) };
}

function policyView(p: (typeof SSL_POLICIES)[number]): SslPolicyOut {
  return {
    SslProtocols: [...p.protocols],
    Ciphers: p.ciphers.map((Name, i) => ({ Name, Priority: i + 1 })),
    Name: p.name,
    SupportedLoadBalancerTypes: [...p.loadBalancerTypes],
  };
}

export function listenerTlsHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store } = deps;

  const httpsListener = async (tx: Tx, arn: string, ctx: RequestContext) => {
    const listener = await getListener(tx, arn, ctx);
    if (listener.Protocol !== 'HTTPS') {
      throw new AwsError('ValidationError', `Listener '${listener.ListenerArn}' uses protocol ${listener.Protocol}; certificates need an HTTPS listener`);
    }
    return listener;
  };

  return {
    async DescribeSSLPolicies(input): Reply<'elbv2', 'DescribeSSLPolicies'> {
      const names = input.Names ?? [];
      for (const n of names) if (!sslPolicyByName(n)) throw new AwsError('SSLPolicyNotFound', `SSL policy '${n}' not found`);
      const type = input.LoadBalancerType;
      const policies = SSL_POLICIES.filter(
        (p) => (names.length === 0 || names.includes(p.name)) && (type === undefined || (p.loadBalancerTypes as readonly string[]).includes(type)),
      );
      const p = page(policies, input.Marker, input.PageSize);
      return { SslPolicies: p.items.map(policyView), NextMarker: p.NextMarker };
    },

    async DescribeListenerCertificates(input, ctx): Reply<'elbv2', 'DescribeListenerCertificates'> {
      const listener = await transact(store, (tx) => getListener(tx, input.ListenerArn, ctx));
      const all = [
        ...(listener.certificateArn ? [{ CertificateArn: listener.certificateArn, IsDefault: true }] : []),
        ...(listener.sniCertificateArns ?? []).map((CertificateArn) => ({ CertificateArn, IsDefault: false })),
      ];
      const p = page(all, input.Marker, input.PageSize);
      return { Certificates: p.items, NextMarker: p.NextMarker };
    },

    async AddListenerCertificates(input, ctx): Reply<'elbv2', 'AddListenerCertificates'> {
      const added = await transact(store, async (tx) => {
        const listener = await httpsListener(tx, input.ListenerArn, ctx);
        const arns: string[] = [];
        for (const c of input.Certificates ?? []) arns.push(await requireCertificate(tx, c.CertificateArn, ctx));
        const sni = [...(listener.sniCertificateArns ?? [])];
        for (const a of arns) if (a !== listener.certificateArn && !sni.includes(a)) sni.push(a);
        if (sni.length > MAX_SNI_CERTIFICATES) {
          throw new AwsError('TooManyCertificates', `A listener can have at most ${MAX_SNI_CERTIFICATES} certificates besides the default one`);
        }
        tx.put(keys.listener(idOf.listener(listener.ListenerArn)), { ...listener, sniCertificateArns: sni });
        return arns;
      });
      // ELBv2 answers the certificates it was given, each as a non-default one.
      return { Certificates: added.map((CertificateArn) => ({ CertificateArn, IsDefault: false })) };
    },

    async RemoveListenerCertificates(input, ctx): Reply<'elbv2', 'RemoveListenerCertificates'> {
      await transact(store, async (tx) => {
        const listener = await httpsListener(tx, input.ListenerArn, ctx);
        const gone = new Set((input.Certificates ?? []).map((c) => c.CertificateArn ?? ''));
        if (listener.certificateArn && gone.has(listener.certificateArn)) {
          throw new AwsError('OperationNotPermitted', 'The default certificate cannot be removed; change it with ModifyListener');
        }
        tx.put(keys.listener(idOf.listener(listener.ListenerArn)), {
          ...listener,
          sniCertificateArns: (listener.sniCertificateArns ?? []).filter((a) => !gone.has(a)),
        });
      });
      return {};
    },
  };
}
