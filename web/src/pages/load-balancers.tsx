import { useState } from 'preact/hooks';
import { postJson } from '../api';
import { ErrorBox, Field, Link, Page, State, Table } from '../components';
import { useLive } from '../live';
import { navigate } from '../router';
import { DEFAULT_POLICY, ListenerTlsFields, listenerTlsInput, type ListenerTlsChoice } from './listener-tls-fields';
import type { LoadBalancer, Rule, RuleAction, TargetGroup } from '../console-types';

const describeAction = (a: RuleAction): string =>
  a.Type === 'forward'
    ? `forward to ${(a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn ?? '').split('/').at(-2) ?? ''}`
    : a.Type === 'fixed-response'
      ? `fixed response ${a.FixedResponseConfig?.StatusCode ?? ''}`
      : a.Type === 'redirect'
        ? `redirect ${a.RedirectConfig?.StatusCode ?? ''}`
        : (a.Type ?? '');

const describeConditions = (r: Rule): string =>
  r.IsDefault
    ? 'default (no other rule matched)'
    : (r.Conditions ?? []).map((c) => `${c.Field} ${(c.Values ?? c.PathPatternConfig?.Values ?? c.HostHeaderConfig?.Values ?? []).join(', ')}`).join(' and ');

export function LoadBalancers() {
  const { data, error } = useLive<{ loadBalancers: LoadBalancer[] }>('/load-balancers', ['load-balancer', 'listener', 'rule']);
  return (
    <Page
      title="Load balancers"
      actions={
        <Link class="primary" to="/load-balancers/new">
          Create load balancer
        </Link>
      }
    >
      <ErrorBox error={error} />
      <Table<LoadBalancer>
        label="Load balancers"
        rows={data?.loadBalancers}
        rowKey={(lb) => lb.LoadBalancerArn}
        empty="No load balancers yet."
        columns={[
          { title: 'Name', cell: (lb) => <strong>{lb.LoadBalancerName}</strong> },
          { title: 'State', cell: (lb) => <State value={lb.State?.Code} /> },
          { title: 'DNS name', cell: (lb) => <span class="mono">{lb.DNSName}</span> },
          { title: 'Listeners', cell: (lb) => lb.Listeners.map((l) => `${l.Protocol}:${l.Port}`).join(', ') || '—' },
        ]}
      />
      {data?.loadBalancers.map((lb) => (
        <div class="panel">
          <h2>{lb.LoadBalancerName}: listeners and rules</h2>
          {lb.Listeners.length === 0 ? <p class="muted">No listeners.</p> : null}
          {lb.Listeners.map((l) => (
            <>
              <h3 class="mono">
                {l.Protocol}:{l.Port}
                {l.SslPolicy ? ` (${l.SslPolicy})` : ''}
              </h3>
              <Table<Rule>
                label={`Rules of ${l.Protocol}:${l.Port}`}
                rows={l.Rules}
                rowKey={(r) => r.RuleArn}
                empty="No rules."
                columns={[
                  { title: 'Priority', cell: (r) => r.Priority },
                  { title: 'Conditions', cell: describeConditions },
                  { title: 'Actions', cell: (r) => (r.Actions ?? []).map(describeAction).join('; ') },
                ]}
              />
            </>
          ))}
        </div>
      ))}
    </Page>
  );
}

export function CreateLoadBalancer() {
  const groups = useLive<{ targetGroups: TargetGroup[] }>('/target-groups', ['target-group']);
  const [name, setName] = useState('');
  // internal listens on Berth's --internal-address (loopback by default); internet-facing on 0.0.0.0.
  const [scheme, setScheme] = useState<'internal' | 'internet-facing'>('internal');
  const [port, setPort] = useState('8080');
  const [tg, setTg] = useState('');
  const [tls, setTls] = useState<ListenerTlsChoice>({ protocol: 'HTTP', certificateArn: '', sslPolicy: DEFAULT_POLICY });
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const DefaultActions = tg
        ? [{ Type: 'forward', TargetGroupArn: tg }]
        : [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } }];
      await postJson('/load-balancers', {
        loadBalancer: { Name: name, Type: 'application', Scheme: scheme },
        listener: { ...listenerTlsInput(tls), Port: Number(port), DefaultActions },
      });
      navigate('/load-balancers');
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="Create Application Load Balancer">
      <form class="form panel" onSubmit={submit}>
        <Field label="Load balancer name" hint="Up to 32 letters, digits and hyphens.">
          <input name="lbName" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        </Field>
        <Field
          label="Scheme"
          hint={
            scheme === 'internal'
              ? "Internal: listens on Berth's internal address (127.0.0.1 unless --internal-address says otherwise)."
              : 'Internet-facing: listens on 0.0.0.0, reachable from other hosts. Pair it with --auth sigv4.'
          }
        >
          <select name="scheme" value={scheme} onChange={(e) => setScheme(e.currentTarget.value as 'internal' | 'internet-facing')}>
            <option value="internal">internal</option>
            <option value="internet-facing">internet-facing</option>
          </select>
        </Field>
        <h2>Listener</h2>
        <div class="row">
          <ListenerTlsFields value={tls} onChange={setTls} />
          <Field label="Listener port" hint="Berth listens on this port on the load-balancer node.">
            <input name="listenerPort" type="number" value={port} onInput={(e) => setPort(e.currentTarget.value)} />
          </Field>
          <Field label="Default action: forward to target group">
            <select name="defaultTargetGroup" value={tg} onChange={(e) => setTg(e.currentTarget.value)}>
              <option value="">(none: fixed response 404)</option>
              {groups.data?.targetGroups.map((g) => (
                <option value={g.TargetGroupArn}>{g.TargetGroupName}</option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorBox error={error} />
        <button class="primary" type="submit" disabled={busy}>
          Create load balancer
        </button>
      </form>
    </Page>
  );
}
