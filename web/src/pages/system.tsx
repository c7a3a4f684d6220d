import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api';
import { ErrorBox, Page, State, Table } from '../components';

/** The control plane as `berth status` shows it (GET /berth/console/v1/system), refreshed every few seconds. */
interface SystemReport {
  server: string;
  leader?: { holder: string; apiUrl?: string; since: number };
  servers: { id: string; apiUrl: string; store: string; startedAt: number; lastSeenAt: number; leader: boolean }[];
  store: {
    kind: 'sqlite' | 'etcd';
    members?: { name: string; clientUrls: string[]; healthy: boolean; leader: boolean; dbSizeBytes?: number; error?: string }[];
    error?: string;
  };
  agents: { cluster: string; containerInstanceArn: string; ec2InstanceId: string; agentConnected: boolean; lastSeenAt?: number }[];
  /** Absent from an older server's report. */
  lbNodes?: { nodeId: string; advertiseAddress: string; startedAt: number; lastSeenAt: number; fresh: boolean }[];
}

const REFRESH_MS = 3_000;
const ago = (now: number, at: number | undefined): string => (at === undefined ? 'never' : `${Math.max(0, Math.round((now - at) / 1000))} s ago`);

export function System() {
  const [report, setReport] = useState<SystemReport>();
  const [error, setError] = useState<Error>();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let live = true;
    const load = () =>
      getJson<SystemReport>('/system').then(
        (r) => live && (setReport(r), setError(undefined), setNow(Date.now())),
        (e: Error) => live && setError(e),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  const leader = report?.leader;
  return (
    <Page title="System">
      <ErrorBox error={error} />
      <p data-testid="leader">
        {report ? (
          leader ? (
            <>
              Leader: <span class="mono">{leader.holder}</span>, since {ago(now, leader.since)}. This page is served by{' '}
              <span class="mono">{report.server}</span>.
            </>
          ) : (
            'No leader: an election is under way, or the store is unreachable.'
          )
        ) : (
          'Loading…'
        )}
      </p>
      <h2>Servers</h2>
      <Table<SystemReport['servers'][number]>
        label="Servers"
        rows={report?.servers}
        rowKey={(s) => s.id}
        empty="No server has registered."
        columns={[
          { title: 'Server', cell: (s) => <span class="mono">{s.id}</span> },
          { title: 'Role', cell: (s) => (s.leader ? 'leader' : 'standby') },
          { title: 'API', cell: (s) => <span class="mono">{s.apiUrl}</span> },
          { title: 'Store', cell: (s) => s.store },
          { title: 'Last seen', cell: (s) => ago(now, s.lastSeenAt) },
        ]}
      />
      <h2>Store</h2>
      {report?.store.kind === 'sqlite' ? (
        <p>SQLite, embedded in this one server.</p>
      ) : (
        <>
          {report?.store.error ? <p class="muted">Members unknown: {report.store.error}</p> : null}
          <Table<NonNullable<SystemReport['store']['members']>[number]>
            label="etcd members"
            rows={report?.store.members}
            rowKey={(m) => m.name}
            empty="No etcd member answered."
            columns={[
              { title: 'Member', cell: (m) => m.name },
              { title: 'Health', cell: (m) => <State value={m.healthy ? 'healthy' : 'unhealthy'} /> },
              { title: 'Raft', cell: (m) => (m.leader ? 'leader' : 'follower') },
              { title: 'Client URLs', cell: (m) => <span class="mono">{m.clientUrls.join(', ')}</span> },
              { title: 'DB size (MiB)', class: 'num', cell: (m) => (m.dbSizeBytes === undefined ? '—' : (m.dbSizeBytes / 1024 / 1024).toFixed(1)) },
              { title: 'Error', cell: (m) => m.error ?? '' },
            ]}
          />
        </>
      )}
      <h2>Agents</h2>
      <Table<SystemReport['agents'][number]>
        label="Agents"
        rows={report?.agents}
        rowKey={(a) => a.containerInstanceArn}
        empty="No agent registered."
        columns={[
          { title: 'Instance', cell: (a) => <span class="mono">{a.ec2InstanceId}</span> },
          { title: 'Cluster', cell: (a) => a.cluster },
          { title: 'Agent', cell: (a) => (a.agentConnected ? 'connected' : 'disconnected') },
          { title: 'Last seen', cell: (a) => ago(now, a.lastSeenAt) },
        ]}
      />
      <h2>Load-balancer nodes</h2>
      <Table<NonNullable<SystemReport['lbNodes']>[number]>
        label="Load-balancer nodes"
        rows={report ? (report.lbNodes ?? []) : undefined}
        rowKey={(n) => n.nodeId}
        empty="No load-balancer node has been heard from."
        columns={[
          { title: 'Node', cell: (n) => <span class="mono">{n.nodeId}</span> },
          { title: 'Address', cell: (n) => <span class="mono">{n.advertiseAddress}</span> },
          { title: 'State', cell: (n) => <State value={n.fresh ? 'healthy' : 'unhealthy'} /> },
          { title: 'Up since', cell: (n) => ago(now, n.startedAt) },
          { title: 'Last seen', cell: (n) => ago(now, n.lastSeenAt) },
        ]}
      />
    </Page>
  );
}
