/**
 * The HTTPS half of the listener form: a protocol choice, and for HTTPS the default certificate
 * (issued certificates only, as CreateListener takes) and the security policy (DescribeSSLPolicies).
 */
import { useLive } from '../live';
import { Field, Link } from '../components';
import { useCertificates } from './certificates';

export interface ListenerTlsChoice {
  protocol: 'HTTP' | 'HTTPS';
  certificateArn: string;
  sslPolicy: string;
}

/** The console's default policy, as ELBv2's console picks a TLS 1.3 one. */
export const DEFAULT_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** CreateListener's members for the choice. */
export function listenerTlsInput(c: ListenerTlsChoice): Record<string, unknown> {
  return c.protocol === 'HTTPS' ? { Protocol: 'HTTPS', Certificates: [{ CertificateArn: c.certificateArn }], SslPolicy: c.sslPolicy } : { Protocol: 'HTTP' };
}

export function ListenerTlsFields(props: { value: ListenerTlsChoice; onChange: (v: ListenerTlsChoice) => void }) {
  const v = props.value;
  const certs = useCertificates();
  const policies = useLive<{ sslPolicies: { name: string; protocols: string[] }[] }>(v.protocol === 'HTTPS' ? '/ssl-policies' : undefined, []);
  const issued = certs.data?.certificates.filter((c) => c.Status === 'ISSUED') ?? [];
  return (
    <>
      <Field label="Protocol">
        <select name="listenerProtocol" value={v.protocol} onChange={(e) => props.onChange({ ...v, protocol: e.currentTarget.value as 'HTTP' | 'HTTPS' })}>
          <option value="HTTP">HTTP</option>
          <option value="HTTPS">HTTPS</option>
        </select>
      </Field>
      {v.protocol === 'HTTPS' ? (
        <>
          <Field label="Default certificate" hint="Clients without SNI, or with a name no other certificate has, get this one.">
            <select
              name="listenerCertificate"
              value={v.certificateArn}
              onChange={(e) => props.onChange({ ...v, certificateArn: e.currentTarget.value })}
              required
            >
              <option value="">(choose a certificate)</option>
              {issued.map((c) => (
                <option value={c.CertificateArn}>
                  {c.DomainName} ({c.KeyAlgorithm}
                  {c.ExpiresSoon ? `, expires in ${c.DaysToExpiry} days` : ''})
                </option>
              ))}
            </select>
            {certs.data && issued.length === 0 ? <Link to="/certificates/new">No issued certificate yet: import or request one</Link> : null}
          </Field>
          <Field label="Security policy" hint="The TLS versions and ciphers clients may use.">
            <select name="sslPolicy" value={v.sslPolicy} onChange={(e) => props.onChange({ ...v, sslPolicy: e.currentTarget.value })}>
              {(policies.data?.sslPolicies ?? [{ name: DEFAULT_POLICY, protocols: [] }]).map((p) => (
                <option value={p.name}>
                  {p.name}
                  {p.protocols.length ? ` (${p.protocols.join(', ')})` : ''}
                </option>
              ))}
            </select>
          </Field>
        </>
      ) : null}
    </>
  );
}
