/**
 * Certificates (ACM): every certificate with its status, expiry and the listeners using it, a warning
 * for those within 30 days of expiry, and the import and request forms. A private key pasted here is
 * sent once to ImportCertificate; no page shows one back.
 */
import { useState } from 'preact/hooks';
import { arnTail, postJson } from '../api';
import { ErrorBox, Field, Link, Page, State, Table, Tabs, when } from '../components';
import { useLive } from '../live';
import { navigate } from '../router';

export interface CertificateRow {
  CertificateArn: string;
  DomainName: string;
  SubjectAlternativeNames: string[];
  Status: string;
  Type: string;
  KeyAlgorithm: string;
  InUseBy: string[];
  NotAfter?: number;
  DaysToExpiry?: number;
  ExpiresSoon: boolean;
}

/** `app/web/1234/5678` of a listener ARN → `web:` + the listener id, enough to tell them apart. */
const listenerName = (arn: string): string => {
  const parts = arn.split('/');
  return `${parts.at(-3) ?? ''}/${parts.at(-1)?.slice(0, 8) ?? ''}`;
};

export function useCertificates() {
  return useLive<{ certificates: CertificateRow[] }>('/certificates', ['certificate', 'listener']);
}

export function Certificates() {
  const { data, error } = useCertificates();
  const soon = data?.certificates.filter((c) => c.ExpiresSoon) ?? [];
  return (
    <Page
      title="Certificates"
      actions={
        <Link class="primary" to="/certificates/new">
          Import or request
        </Link>
      }
    >
      <ErrorBox error={error} />
      {soon.length > 0 ? (
        <div class="alert" role="alert" data-testid="expiry-warning">
          <strong>Expiring: </strong>
          {soon.map((c) => `${c.DomainName} (${(c.DaysToExpiry ?? 0) < 0 ? 'expired' : `${c.DaysToExpiry} days`})`).join(', ')}. Re-import or request a new one.
        </div>
      ) : null}
      <Table<CertificateRow>
        label="Certificates"
        rows={data?.certificates}
        rowKey={(c) => c.CertificateArn}
        empty="No certificates yet. Import one, or request one from Berth's CA (berth ca prints it)."
        columns={[
          { title: 'Domain', cell: (c) => <strong title={c.SubjectAlternativeNames.join(', ')}>{c.DomainName}</strong> },
          { title: 'ID', cell: (c) => <span class="mono">{arnTail(c.CertificateArn).slice(0, 8)}</span> },
          { title: 'Status', cell: (c) => <State value={c.Status} /> },
          { title: 'Type', cell: (c) => (c.Type === 'AMAZON_ISSUED' ? "Berth's CA" : 'Imported') },
          { title: 'Key', cell: (c) => c.KeyAlgorithm },
          {
            title: 'Expires',
            cell: (c) =>
              c.NotAfter === undefined ? (
                '—'
              ) : (
                <span class={c.ExpiresSoon ? 'state state-bad' : ''} data-days={c.DaysToExpiry}>
                  {when(c.NotAfter)} ({c.DaysToExpiry} days)
                </span>
              ),
          },
          { title: 'In use by', cell: (c) => (c.InUseBy.length ? c.InUseBy.map(listenerName).join(', ') : <span class="muted">not in use</span>) },
        ]}
      />
    </Page>
  );
}

export function NewCertificate() {
  const [tab, setTab] = useState('Request');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [domain, setDomain] = useState('');
  const [sans, setSans] = useState('');
  const [key, setKey] = useState('EC_prime256v1');
  const [cert, setCert] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [chain, setChain] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (tab === 'Request') {
        const names = sans.split(/[\s,]+/).filter((s) => s !== '');
        await postJson('/certificates/request', { domainName: domain, subjectAlternativeNames: names, keyAlgorithm: key });
      } else {
        await postJson('/certificates/import', { certificate: cert, privateKey, ...(chain ? { certificateChain: chain } : {}) });
        setPrivateKey('');
      }
      navigate('/certificates');
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="Import or request a certificate">
      <Tabs tabs={['Request', 'Import']} active={tab} onSelect={setTab} />
      <form class="form panel" onSubmit={submit}>
        {tab === 'Request' ? (
          <>
            <p class="muted">
              Berth's own CA issues it within a second (no DNS validation). Trust the CA with <span class="mono">berth ca</span>.
            </p>
            <Field label="Domain name" hint="For example app.example.com, or *.example.com.">
              <input name="domainName" value={domain} onInput={(e) => setDomain(e.currentTarget.value)} required />
            </Field>
            <Field label="Other names" hint="Subject alternative names, separated by commas or spaces.">
              <input name="subjectAlternativeNames" value={sans} onInput={(e) => setSans(e.currentTarget.value)} />
            </Field>
            <Field label="Key algorithm">
              <select name="keyAlgorithm" value={key} onChange={(e) => setKey(e.currentTarget.value)}>
                <option value="EC_prime256v1">ECDSA P-256</option>
                <option value="EC_secp384r1">ECDSA P-384</option>
                <option value="RSA_2048">RSA 2048</option>
              </select>
            </Field>
          </>
        ) : (
          <>
            <Field label="Certificate body (PEM)">
              <textarea name="certificate" rows={6} class="mono" value={cert} onInput={(e) => setCert(e.currentTarget.value)} required />
            </Field>
            <Field label="Private key (PEM, unencrypted)" hint="Stored encrypted; never shown again.">
              <textarea
                name="privateKey"
                rows={6}
                class="mono"
                value={privateKey}
                onInput={(e) => setPrivateKey(e.currentTarget.value)}
                required
                autoComplete="off"
              />
            </Field>
            <Field label="Certificate chain (PEM, optional)">
              <textarea name="certificateChain" rows={4} class="mono" value={chain} onInput={(e) => setChain(e.currentTarget.value)} />
            </Field>
          </>
        )}
        <ErrorBox error={error} />
        <button class="primary" type="submit" disabled={busy}>
          {tab === 'Request' ? 'Request certificate' : 'Import certificate'}
        </button>
      </form>
    </Page>
  );
}
