import { arnTail } from '../api';
import { ErrorBox, Link, Page, State, Table } from '../components';
import { useLive } from '../live';
import type { Cluster, ContainerInstance, InstanceResource, TaskDefinitionFamily } from '../console-types';

export function Clusters() {
  const { data, error } = useLive<{ clusters: Cluster[] }>('/clusters', ['cluster', 'service', 'task', 'container-instance']);
  return (
    <Page title="Clusters">
      <ErrorBox error={error} />
      <Table<Cluster>
        label="Clusters"
        rows={data?.clusters}
        rowKey={(c) => c.clusterArn}
        empty="No clusters."
        columns={[
          { title: 'Cluster', cell: (c) => <Link to={`/services?cluster=${encodeURIComponent(c.clusterName)}`}>{c.clusterName}</Link> },
          { title: 'Status', cell: (c) => <State value={c.status} /> },
          { title: 'Services', cell: (c) => c.activeServicesCount, class: 'num' },
          { title: 'Running tasks', cell: (c) => c.runningTasksCount, class: 'num' },
          { title: 'Pending tasks', cell: (c) => c.pendingTasksCount, class: 'num' },
          { title: 'Container instances', cell: (c) => c.registeredContainerInstancesCount, class: 'num' },
        ]}
      />
    </Page>
  );
}

type Resources = readonly InstanceResource[] | undefined;
const resource = (list: Resources, name: string): InstanceResource | undefined => list?.find((r) => r.name === name);
const integer = (list: Resources, name: string): number => resource(list, name)?.integerValue ?? 0;
const ports = (list: Resources): string[] => resource(list, 'PORTS')?.stringSetValue ?? [];

export function ContainerInstances(props: { cluster: string }) {
  const { data, error } = useLive<{ containerInstances: ContainerInstance[] }>(`/clusters/${encodeURIComponent(props.cluster)}/container-instances`, [
    'container-instance',
    'task',
  ]);
  return (
    <Page title={`Container instances: ${props.cluster}`}>
      <ErrorBox error={error} />
      <Table<ContainerInstance>
        label="Container instances"
        rows={data?.containerInstances}
        rowKey={(ci) => ci.containerInstanceArn}
        empty="No container instances registered. Start an agent (berth up runs one)."
        columns={[
          { title: 'Instance', cell: (ci) => <span class="mono">{ci.ec2InstanceId}</span> },
          { title: 'Status', cell: (ci) => <State value={ci.status} /> },
          { title: 'Agent', cell: (ci) => (ci.agentConnected ? 'connected' : 'disconnected') },
          { title: 'Running tasks', cell: (ci) => ci.runningTasksCount, class: 'num' },
          {
            title: 'CPU used / free',
            class: 'num',
            cell: (ci) => `${integer(ci.registeredResources, 'CPU') - integer(ci.remainingResources, 'CPU')} / ${integer(ci.remainingResources, 'CPU')}`,
          },
          {
            title: 'Memory used / free (MiB)',
            class: 'num',
            cell: (ci) =>
              `${integer(ci.registeredResources, 'MEMORY') - integer(ci.remainingResources, 'MEMORY')} / ${integer(ci.remainingResources, 'MEMORY')}`,
          },
          {
            title: 'Host ports in use',
            cell: (ci) => (
              <span class="mono" data-testid="ports-in-use">
                {(ci.hostPorts?.inUse ?? []).join(', ') || '—'}
              </span>
            ),
          },
          {
            title: 'Dynamic ports free',
            class: 'num',
            cell: (ci) => {
              const h = ci.hostPorts;
              if (!h?.dynamicRange) return '—';
              const { low, high } = h.dynamicRange;
              return (
                <span title={`dynamic range ${low}-${high}`}>
                  {h.dynamicFree} of {high - low + 1}
                </span>
              );
            },
          },
          { title: 'Reserved ports', cell: (ci) => <span class="mono">{ports(ci.registeredResources).join(', ') || '—'}</span> },
        ]}
      />
    </Page>
  );
}

export function TaskDefinitions() {
  const { data, error } = useLive<{ families: TaskDefinitionFamily[] }>('/task-definitions', ['task-definition']);
  return (
    <Page
      title="Task definitions"
      actions={
        <Link class="primary" to="/task-definitions/new">
          Create new task definition
        </Link>
      }
    >
      <ErrorBox error={error} />
      <Table<TaskDefinitionFamily>
        label="Task definitions"
        rows={data?.families}
        rowKey={(f) => f.family}
        empty="No task definitions yet."
        columns={[
          { title: 'Family', cell: (f) => <strong>{f.family}</strong> },
          { title: 'Latest revision', cell: (f) => f.latest.revision, class: 'num' },
          { title: 'Revisions', cell: (f) => <span class="mono">{f.revisions.map((a: string) => arnTail(a)).join(', ')}</span> },
          { title: 'Containers', cell: (f) => f.latest.containerDefinitions.map((c) => `${c.name} (${c.image})`).join(', ') },
          {
            title: 'Port mappings',
            cell: (f) =>
              f.latest.containerDefinitions
                .flatMap((c) => (c.portMappings ?? []).map((p) => `${p.hostPort ? p.hostPort : 'dynamic'} → ${p.containerPort}`))
                .join(', '),
          },
        ]}
      />
    </Page>
  );
}
