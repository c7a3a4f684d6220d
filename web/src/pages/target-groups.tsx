import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { ErrorBox, Field, Link, Page, Sparkline, State, Table, Tabs } from '../components';
import { useLive, useTraffic } from '../live';
import { navigate } from '../router';
import type { RegisteredTarget, TargetGroup } from '../console-types';

type Groups = { targetGroups: TargetGroup[] };

interface MinuteSeries {
  timestamps: number[];
  requests: number[];
  target5xx: number[];
  responseTimeMs: number[];
  healthyHosts: number[];
}

/** The last hour per minute (CloudWatch's AWS/ApplicationELB series), refreshed every 30 s while shown. */
function useMinuteSeries(targetGroupArn: string | undefined, loadBalancerArn: string | undefined, active: boolean): MinuteSeries | undefined {
  const [series, setSeries] = useState<MinuteSeries>();
  useEffect(() => {
    if (!active || !targetGroupArn || !loadBalancerArn) return;
    let gone = false;
    const load = () =>
      getJson<MinuteSeries>(`/metrics/target-group?targetGroupArn=${encodeURIComponent(targetGroupArn)}&loadBalancerArn=${encodeURIComponent(loadBalancerArn)}`)
        .then((s) => !gone && setSeries(s))
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, 30_000);
    return () => {
      gone = true;
      clearInterval(timer);
    };
  }, [targetGroupArn, loadBalancerArn, active]);
  return series;
}

export function TargetGroups() {
  const { data, error } = useLive<Groups>('/target-groups', ['target-group', 'target']);
  return (
    <Page
      title="Target groups"
      actions={
        <Link class="primary" to="/target-groups/new">
          Create target group
        </Link>
      }
    >
      <ErrorBox error={error} />
      <Table<TargetGroup>
        label="Target groups"
        rows={data?.targetGroups}
        rowKey={(g) => g.TargetGroupArn}
        empty="No target groups yet."
        columns={[
          { title: 'Name', cell: (g) => <Link to={`/target-groups/${encodeURIComponent(g.TargetGroupName)}`}>{g.TargetGroupName}</Link> },
          { title: 'Port', cell: (g) => g.Port, class: 'num' },
          { title: 'Protocol', cell: (g) => g.Protocol },
          { title: 'Target type', cell: (g) => g.TargetType },
          { title: 'Load balancer', cell: (g) => (g.LoadBalancerArns ?? []).map((a: string) => a.split('/').at(-2)).join(', ') || 'None associated' },
          { title: 'Healthy', cell: (g) => `${g.targets.filter((t) => t.state === 'healthy').length} / ${g.targets.length}`, class: 'num' },
        ]}
      />
    </Page>
  );
}

export function TargetGroupDetail(props: { name: string }) {
  const { data, error } = useLive<Groups>('/target-groups', ['target-group', 'target']);
  const [tab, setTab] = useState('Targets');
  const group = data?.targetGroups.find((g) => g.TargetGroupName === props.name);
  const history = useTraffic(group?.TargetGroupArn);
  const latest = history.at(-1);
  const minutes = useMinuteSeries(group?.TargetGroupArn, group?.LoadBalancerArns?.[0], tab === 'Monitoring');
  if (data && !group)
    return (
      <Page title={props.name}>
        <p>Target group not found.</p>
      </Page>
    );
  return (
    <Page title={props.name}>
      <ErrorBox error={error} />
      <Tabs tabs={['Targets', 'Monitoring', 'Health checks']} active={tab} onSelect={setTab} />
      {tab === 'Targets' ? (
        <Table<RegisteredTarget>
          label="Registered targets"
          rows={group?.targets}
          rowKey={(t) => `${t.id}:${t.port}`}
          empty="No targets registered. A service with this target group registers its tasks here by itself."
          columns={[
            { title: 'Instance ID', cell: (t) => <span class="mono">{t.id}</span> },
            { title: 'Port', cell: (t) => t.port, class: 'num' },
            { title: 'Health status', cell: (t) => <State value={t.state} /> },
            { title: 'Health status details', cell: (t) => <span title={t.description}>{t.reason ?? ''}</span> },
            { title: 'In flight', cell: (t) => latest?.targets[`${t.id}:${t.port}`]?.inFlight ?? t.inFlight, class: 'num' },
            { title: 'Requests/s', cell: (t) => latest?.targets[`${t.id}:${t.port}`]?.requestsPerSecond ?? t.requestsPerSecond, class: 'num' },
          ]}
        />
      ) : null}
      {tab === 'Monitoring' ? (
        <div class="panel charts">
          <Sparkline label="Requests per second" unit="req/s" values={history.map((p) => p.requestsPerSecond)} />
          <Sparkline label="HTTP 5xx per second" unit="/s" tone="bad" values={history.map((p) => p.errors5xxPerSecond)} />
          <Sparkline label="Target response time p99" unit="ms" values={history.map((p) => p.p99Ms)} />
          {history.length === 0 ? <p class="muted">No traffic samples yet (the load balancer reports once a second).</p> : null}
          <h3>Last hour, per minute (CloudWatch AWS/ApplicationELB)</h3>
          {minutes && minutes.timestamps.length > 0 ? (
            <>
              <Sparkline label="Requests per minute (RequestCount)" unit="req" values={minutes.requests} />
              <Sparkline label="Target 5xx per minute" unit="" tone="bad" values={minutes.target5xx} />
              <Sparkline label="Target response time (average)" unit="ms" values={minutes.responseTimeMs} />
              <Sparkline label="Healthy hosts" unit="" values={minutes.healthyHosts} />
            </>
          ) : (
            <p class="muted">
              {group?.LoadBalancerArns?.length ? 'No minutes recorded yet.' : 'No load balancer uses this target group, so nothing is measured.'}
            </p>
          )}
        </div>
      ) : null}
      {tab === 'Health checks' && group ? (
        <dl class="panel kv">
          <dt>Protocol and path</dt>
          <dd>
            {group.HealthCheckProtocol} {group.HealthCheckPath}
          </dd>
          <dt>Port</dt>
          <dd>{group.HealthCheckPort}</dd>
          <dt>Interval</dt>
          <dd>{group.HealthCheckIntervalSeconds} s</dd>
          <dt>Timeout</dt>
          <dd>{group.HealthCheckTimeoutSeconds} s</dd>
          <dt>Healthy threshold</dt>
          <dd>{group.HealthyThresholdCount}</dd>
          <dt>Unhealthy threshold</dt>
          <dd>{group.UnhealthyThresholdCount}</dd>
          <dt>{group.Matcher?.GrpcCode !== undefined ? 'Success codes (gRPC)' : 'Success codes'}</dt>
          <dd>{group.Matcher?.GrpcCode ?? group.Matcher?.HttpCode}</dd>
        </dl>
      ) : null}
    </Page>
  );
}

export function CreateTargetGroup() {
  const [f, setF] = useState({ name: '', port: '80', path: '/', interval: '5', healthy: '2', unhealthy: '2', timeout: '2' });
  const [error, setError] = useState<Error>();
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await postJson('/target-groups', {
        Name: f.name,
        Protocol: 'HTTP',
        Port: Number(f.port),
        TargetType: 'instance',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: f.path,
        HealthCheckIntervalSeconds: Number(f.interval),
        HealthCheckTimeoutSeconds: Number(f.timeout),
        HealthyThresholdCount: Number(f.healthy),
        UnhealthyThresholdCount: Number(f.unhealthy),
      });
      navigate('/target-groups');
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Page title="Create target group">
      <form class="form panel" onSubmit={submit}>
        <div class="row">
          <Field label="Target group name">
            <input name="tgName" value={f.name} onInput={set('name')} required />
          </Field>
          <Field label="Target type">
            <select disabled>
              <option>Instances</option>
            </select>
          </Field>
          <Field label="Port" hint="Used only for targets registered without a port; ECS registers each task's host port.">
            <input name="tgPort" type="number" value={f.port} onInput={set('port')} />
          </Field>
        </div>
        <h2>Health checks</h2>
        <div class="row">
          <Field label="Health check path">
            <input name="healthPath" value={f.path} onInput={set('path')} />
          </Field>
          <Field label="Interval (s)">
            <input name="healthInterval" type="number" value={f.interval} onInput={set('interval')} />
          </Field>
          <Field label="Timeout (s)">
            <input name="healthTimeout" type="number" value={f.timeout} onInput={set('timeout')} />
          </Field>
          <Field label="Healthy threshold">
            <input name="healthyThreshold" type="number" value={f.healthy} onInput={set('healthy')} />
          </Field>
          <Field label="Unhealthy threshold">
            <input name="unhealthyThreshold" type="number" value={f.unhealthy} onInput={set('unhealthy')} />
          </Field>
        </div>
        <ErrorBox error={error} />
        <button class="primary" type="submit">
          Create target group
        </button>
      </form>
    </Page>
  );
}
