import { useEffect, useState } from 'preact/hooks';
import { arnName, arnTail, getJson, postJson } from '../api';
import { ErrorBox, Field, Link, Page, Sparkline, State, Table, Tabs, when } from '../components';
import { useLive } from '../live';
import { navigate } from '../router';
import { type ShiftingDeployment, TrafficChart } from './traffic-chart';
import type { Deployment, Service, ServiceEvent, TargetGroup, Task, TaskDefinitionFamily } from '../console-types';

const svcPath = (cluster: string, name?: string) => `/clusters/${encodeURIComponent(cluster)}/services${name ? `/${encodeURIComponent(name)}` : ''}`;

/** Healthy as the scheduler counts it: running, and healthy in every target group it is registered in. */
const healthy = (t: Task): boolean => t.lastStatus === 'RUNNING' && t.healthStatus !== 'UNHEALTHY' && (t.targets ?? []).every((x) => x.state === 'healthy');

interface ServiceMinuteSeries {
  timestamps: number[];
  cpu: number[];
  memory: number[];
}

/** The service's last hour of AWS/ECS CPU and memory utilization per minute, refreshed every 30 s while shown. */
function useServiceMinutes(cluster: string, service: string, active: boolean): ServiceMinuteSeries | undefined {
  const [series, setSeries] = useState<ServiceMinuteSeries>();
  useEffect(() => {
    if (!active) return;
    let gone = false;
    const load = () =>
      getJson<ServiceMinuteSeries>(`/metrics/service?cluster=${encodeURIComponent(cluster)}&service=${encodeURIComponent(service)}`)
        .then((s) => !gone && setSeries(s))
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, 30_000);
    return () => {
      gone = true;
      clearInterval(timer);
    };
  }, [cluster, service, active]);
  return series;
}

export function Services(props: { cluster: string }) {
  const { data, error } = useLive<{ services: Service[] }>(svcPath(props.cluster), ['service']);
  return (
    <Page
      title={`Services: ${props.cluster}`}
      actions={
        <Link class="primary" to={`/services/new?cluster=${encodeURIComponent(props.cluster)}`}>
          Create service
        </Link>
      }
    >
      <ErrorBox error={error} />
      <Table<Service>
        label="Services"
        rows={data?.services}
        rowKey={(s) => s.serviceArn}
        empty="No services in this cluster."
        columns={[
          {
            title: 'Service name',
            cell: (s) => <Link to={`/services/${encodeURIComponent(props.cluster)}/${encodeURIComponent(s.serviceName)}`}>{s.serviceName}</Link>,
          },
          { title: 'Status', cell: (s) => <State value={s.status} /> },
          { title: 'Task definition', cell: (s) => <span class="mono">{arnTail(s.taskDefinition)}</span> },
          { title: 'Desired', cell: (s) => s.desiredCount, class: 'num' },
          { title: 'Running', cell: (s) => s.runningCount, class: 'num' },
          { title: 'Pending', cell: (s) => s.pendingCount, class: 'num' },
          { title: 'Deployments', cell: (s) => (s.deployments ?? []).map((d) => `${d.status} ${d.rolloutState ?? ''}`).join(', ') },
        ]}
      />
    </Page>
  );
}

export function ServiceDetail(props: { cluster: string; name: string }) {
  const { data, error } = useLive<{ service: Service; tasks: Task[]; serviceDeployment?: ShiftingDeployment }>(svcPath(props.cluster, props.name), [
    'service',
    'task',
    'target',
  ]);
  const [tab, setTab] = useState('Deployments');
  const minutes = useServiceMinutes(props.cluster, props.name, tab === 'Monitoring');
  const s = data?.service;
  return (
    <Page title={props.name}>
      <ErrorBox error={error} />
      {s ? (
        <dl class="panel kv">
          <dt>Status</dt>
          <dd>
            <State value={s.status} />
          </dd>
          <dt>Task definition</dt>
          <dd class="mono">{arnTail(s.taskDefinition)}</dd>
          <dt>Desired / running / pending</dt>
          <dd data-testid="counts">
            {s.desiredCount} / {s.runningCount} / {s.pendingCount}
          </dd>
          <dt>Load balancing</dt>
          <dd>
            {(s.loadBalancers ?? []).map((lb) => `${arnName(lb.targetGroupArn).split('/')[0]} → ${lb.containerName}:${lb.containerPort}`).join(', ') || 'none'}
          </dd>
        </dl>
      ) : null}
      {s ? <Deploy cluster={props.cluster} service={s} /> : null}
      <Tabs tabs={['Deployments', 'Events', 'Tasks', 'Monitoring']} active={tab} onSelect={setTab} />
      {tab === 'Deployments' ? <TrafficChart deployment={data?.serviceDeployment} /> : null}
      {tab === 'Deployments' ? (
        <Table<Deployment>
          label="Deployments"
          rows={s?.deployments}
          rowKey={(d) => d.id}
          empty="No deployments."
          columns={[
            { title: 'Deployment', cell: (d) => <span class="mono">{d.id}</span> },
            { title: 'Status', cell: (d) => <State value={d.status} /> },
            { title: 'Task definition', cell: (d) => <span class="mono">{arnTail(d.taskDefinition)}</span> },
            { title: 'Desired', cell: (d) => d.desiredCount, class: 'num' },
            { title: 'Pending', cell: (d) => d.pendingCount, class: 'num' },
            { title: 'Running', cell: (d) => d.runningCount, class: 'num' },
            { title: 'Healthy', class: 'num', cell: (d) => data?.tasks.filter((t) => t.startedBy === d.id && healthy(t)).length ?? 0 },
            { title: 'Rollout state', cell: (d) => <State value={d.rolloutState} /> },
            { title: 'Updated', cell: (d) => when(d.updatedAt) },
          ]}
        />
      ) : null}
      {tab === 'Events' ? (
        <Table<ServiceEvent>
          label="Events"
          rows={s?.events}
          rowKey={(e) => e.id}
          empty="No events yet."
          columns={[
            { title: 'Time', cell: (e) => when(e.createdAt) },
            { title: 'Message', cell: (e) => e.message },
          ]}
        />
      ) : null}
      {tab === 'Tasks' ? (
        <Table<Task>
          label="Tasks"
          rows={data?.tasks}
          rowKey={(t) => t.taskArn}
          empty="No tasks."
          columns={[
            {
              title: 'Task',
              cell: (t) => (
                <Link class="mono" to={`/tasks/${encodeURIComponent(props.cluster)}/${arnTail(t.taskArn)}`}>
                  {arnTail(t.taskArn).slice(0, 12)}
                </Link>
              ),
            },
            { title: 'Last status', cell: (t) => <State value={t.lastStatus} /> },
            { title: 'Desired status', cell: (t) => t.desiredStatus },
            { title: 'Health', cell: (t) => <State value={t.healthStatus} /> },
            { title: 'Target health', cell: (t) => (t.targets ?? []).map((x) => <State value={x.state} />) },
            { title: 'Task definition', cell: (t) => <span class="mono">{arnTail(t.taskDefinitionArn)}</span> },
            { title: 'Instance', cell: (t) => <span class="mono">{t.ec2InstanceId ?? ''}</span> },
            {
              title: 'Host ports',
              cell: (t) => (
                <span class="mono">
                  {(t.containers ?? []).flatMap((c) => (c.networkBindings ?? []).map((b) => `${b.hostPort}→${b.containerPort}`)).join(', ') || '—'}
                </span>
              ),
            },
            { title: 'Started', cell: (t) => when(t.startedAt) },
          ]}
        />
      ) : null}
      {tab === 'Monitoring' ? (
        <div class="panel charts">
          <h3>Last hour, per minute (CloudWatch AWS/ECS)</h3>
          {minutes && minutes.timestamps.length > 0 ? (
            <>
              <Sparkline label="CPU utilization (average)" unit="%" values={minutes.cpu} />
              <Sparkline label="Memory utilization (average)" unit="%" values={minutes.memory} />
            </>
          ) : (
            <p class="muted">No minutes recorded yet (each agent reports its tasks' usage every 15 s).</p>
          )}
        </div>
      ) : null}
    </Page>
  );
}

/** "Update service": a new task definition revision (a rolling deployment), a desired count, or a forced redeploy. */
function Deploy(props: { cluster: string; service: Service }) {
  const family = arnTail(props.service.taskDefinition).split(':')[0]!;
  const tds = useLive<{ families: TaskDefinitionFamily[] }>('/task-definitions', ['task-definition']);
  const revisions: string[] = tds.data?.families.find((f) => f.family === family)?.revisions ?? [];
  const [td, setTd] = useState('');
  const [count, setCount] = useState(String(props.service.desiredCount));
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState('');
  useEffect(() => setTd(arnTail(props.service.taskDefinition)), [props.service.taskDefinition]);
  const submit = async (force: boolean) => {
    setError(undefined);
    setDone('');
    try {
      await postJson('/services/update', {
        cluster: props.cluster,
        service: props.service.serviceName,
        taskDefinition: td,
        desiredCount: Number(count),
        ...(force ? { forceNewDeployment: true } : {}),
      });
      setDone('Update started: watch the Deployments tab.');
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <div class="panel">
      <div class="row">
        <Field label="Task definition revision">
          <select name="deployTaskDefinition" value={td} onChange={(e) => setTd(e.currentTarget.value)}>
            {revisions.map((a) => (
              <option value={arnTail(a)}>{arnTail(a)}</option>
            ))}
          </select>
        </Field>
        <Field label="Desired tasks">
          <input name="deployDesiredCount" type="number" min="0" value={count} onInput={(e) => setCount(e.currentTarget.value)} />
        </Field>
        <button class="primary" type="button" onClick={() => submit(false)}>
          Update service
        </button>
        <button class="secondary" type="button" onClick={() => submit(true)}>
          Force new deployment
        </button>
      </div>
      {done ? <div class="success">{done}</div> : null}
      <ErrorBox error={error} />
    </div>
  );
}

export function CreateService(props: { cluster: string }) {
  const tds = useLive<{ families: TaskDefinitionFamily[] }>('/task-definitions', ['task-definition']);
  const tgs = useLive<{ targetGroups: TargetGroup[] }>('/target-groups', ['target-group']);
  const [name, setName] = useState('');
  const [family, setFamily] = useState('');
  const [count, setCount] = useState('2');
  const [tg, setTg] = useState('');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<Error>();
  const chosen = tds.data?.families.find((f) => f.family === family)?.latest;
  // The containers and ports the chosen task definition offers, as "container:port".
  const targets: string[] = chosen?.containerDefinitions.flatMap((c) => (c.portMappings ?? []).map((p) => `${c.name}:${p.containerPort}`)) ?? [];
  useEffect(() => {
    if (!family && tds.data?.families[0]) setFamily(tds.data.families[0].family);
  }, [tds.data]);
  useEffect(() => setTarget(targets[0] ?? ''), [family, chosen?.revision]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const [containerName, containerPort] = target.split(':');
      await postJson('/services', {
        cluster: props.cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: Number(count),
        launchType: 'EC2',
        ...(tg ? { loadBalancers: [{ targetGroupArn: tg, containerName, containerPort: Number(containerPort) }], healthCheckGracePeriodSeconds: 30 } : {}),
      });
      navigate(`/services/${encodeURIComponent(props.cluster)}/${encodeURIComponent(name)}`);
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Page title={`Create service in ${props.cluster}`}>
      <form class="form panel" onSubmit={submit}>
        <div class="row">
          <Field label="Task definition family">
            <select name="serviceTaskDefinition" value={family} onChange={(e) => setFamily(e.currentTarget.value)}>
              {tds.data?.families.map((f) => (
                <option value={f.family}>
                  {f.family} (latest: {f.latest.revision})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Service name">
            <input name="serviceName" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
          </Field>
          <Field label="Desired tasks">
            <input name="desiredCount" type="number" min="0" value={count} onInput={(e) => setCount(e.currentTarget.value)} />
          </Field>
        </div>
        <h2>Load balancing</h2>
        <div class="row">
          <Field label="Target group">
            <select name="serviceTargetGroup" value={tg} onChange={(e) => setTg(e.currentTarget.value)}>
              <option value="">(no load balancing)</option>
              {tgs.data?.targetGroups.map((g) => (
                <option value={g.TargetGroupArn}>{g.TargetGroupName}</option>
              ))}
            </select>
          </Field>
          <Field label="Container to load balance" hint="Each task's host port for it is registered in the target group.">
            <select name="serviceContainer" value={target} onChange={(e) => setTarget(e.currentTarget.value)} disabled={!tg}>
              {targets.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorBox error={error} />
        <button class="primary" type="submit">
          Create service
        </button>
      </form>
    </Page>
  );
}
