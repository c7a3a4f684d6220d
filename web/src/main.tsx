import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { getJson, postJson, signedOut } from './api';
import { ErrorBox, Field, Link } from './components';
import { disconnect, useConnected } from './live';
import { match, usePath } from './router';
import { LoadBalancers, CreateLoadBalancer } from './pages/load-balancers';
import { TargetGroups, TargetGroupDetail, CreateTargetGroup } from './pages/target-groups';
import { Clusters, ContainerInstances, TaskDefinitions } from './pages/cluster-pages';
import { CreateTaskDefinition } from './pages/task-definition-form';
import { Services, ServiceDetail, CreateService } from './pages/services';
import { TaskDetail } from './pages/task-page';
import { System } from './pages/system';
import { Certificates, NewCertificate } from './pages/certificates';

const clusterParam = (): string => new URLSearchParams(location.search).get('cluster') ?? 'default';

function route(path: string) {
  let m: Record<string, string> | undefined;
  if (path === '/' || path === '/load-balancers') return <LoadBalancers />;
  if (path === '/load-balancers/new') return <CreateLoadBalancer />;
  if (path === '/certificates') return <Certificates />;
  if (path === '/certificates/new') return <NewCertificate />;
  if (path === '/target-groups') return <TargetGroups />;
  if (path === '/target-groups/new') return <CreateTargetGroup />;
  if ((m = match('/target-groups/:name', path))) return <TargetGroupDetail name={m.name!} />;
  if (path === '/clusters') return <Clusters />;
  if (path === '/services') return <Services cluster={clusterParam()} />;
  if (path === '/services/new') return <CreateService cluster={clusterParam()} />;
  if ((m = match('/services/:cluster/:name', path))) return <ServiceDetail cluster={m.cluster!} name={m.name!} />;
  if ((m = match('/tasks/:cluster/:task', path))) return <TaskDetail cluster={m.cluster!} task={m.task!} />;
  if (path === '/container-instances') return <ContainerInstances cluster={clusterParam()} />;
  if (path === '/task-definitions') return <TaskDefinitions />;
  if (path === '/task-definitions/new') return <CreateTaskDefinition />;
  if (path === '/system') return <System />;
  return (
    <p>
      Page not found. <Link to="/">Go to load balancers</Link>
    </p>
  );
}

const NAV: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]> = [
  [
    'Load balancing',
    [
      ['/load-balancers', 'Load balancers'],
      ['/target-groups', 'Target groups'],
      ['/certificates', 'Certificates'],
    ],
  ],
  [
    'Elastic Container Service',
    [
      ['/clusters', 'Clusters'],
      ['/services', 'Services'],
      ['/task-definitions', 'Task definitions'],
      ['/container-instances', 'Container instances'],
    ],
  ],
  ['Berth', [['/system', 'System']]],
];

function Shell() {
  const path = usePath();
  const live = useConnected();
  return (
    <div class="layout">
      <nav class="side">
        <div class="brand">
          Berth{' '}
          <span class={live ? 'live up' : 'live'} title="Live updates">
            {live ? 'live' : 'offline'}
          </span>
        </div>
        {NAV.map(([title, links]) => (
          <>
            <h2>{title}</h2>
            {links.map(([to, label]) => (
              <Link to={to} class={path === to || path.startsWith(`${to}/`) ? 'current' : ''}>
                {label}
              </Link>
            ))}
          </>
        ))}
      </nav>
      <main>{route(path)}</main>
    </div>
  );
}

function Login(props: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<Error>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await postJson('/login', { accessKeyId: key, secretAccessKey: secret });
      props.onSignedIn();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form class="panel login" onSubmit={submit}>
      <h1>Sign in to Berth</h1>
      <p class="muted">Use an access key the Berth API accepts (the server runs with --auth sigv4).</p>
      <Field label="Access key ID">
        <input name="accessKeyId" value={key} onInput={(e) => setKey(e.currentTarget.value)} autoComplete="username" />
      </Field>
      <Field label="Secret access key">
        <input name="secretAccessKey" type="password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} autoComplete="current-password" />
      </Field>
      <ErrorBox error={error} />
      <button class="primary" type="submit">
        Sign in
      </button>
    </form>
  );
}

function App() {
  const [state, setState] = useState<'checking' | 'in' | 'out'>('checking');
  const check = () =>
    getJson<{ signedIn: boolean }>('/session').then(
      (s) => setState(s.signedIn ? 'in' : 'out'),
      () => setState('out'),
    );
  useEffect(() => {
    void check();
    const out = () => {
      disconnect();
      setState('out');
    };
    signedOut.addEventListener('signed-out', out);
    return () => signedOut.removeEventListener('signed-out', out);
  }, []);
  if (state === 'checking') return <p class="muted">Loading…</p>;
  if (state === 'out') return <Login onSignedIn={() => setState('in')} />;
  return <Shell />;
}

render(<App />, document.getElementById('app')!);
