import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { DEFAULTS, runtimeOfInstances, type RuntimeKind } from './task-definition-defaults';
import { ErrorBox, Field, Page } from '../components';
import { navigate } from '../router';

interface PortRow {
  containerPort: string;
  hostPort: string;
}

/** The seed's task definition: one container, its command, and port mappings where host port 0 means dynamic. */
export function CreateTaskDefinition() {
  const [f, setF] = useState({ family: '', name: 'app', image: '', cpu: '128', memory: '128', entryPoint: '', command: '', env: '' });
  const [ports, setPorts] = useState<PortRow[]>([{ containerPort: '', hostPort: '0' }]);
  const [error, setError] = useState<Error>();
  const [runtime, setRuntime] = useState<RuntimeKind>();
  // Ask the API which runtime the instances run, then fill what the user has not typed yet.
  useEffect(() => {
    let live = true;
    getJson<{ containerInstances: { versionInfo?: { agentHash?: string } }[] }>('/clusters/default/container-instances')
      .then((r) => runtimeOfInstances(r.containerInstances))
      .catch(() => undefined)
      .then((kind) => {
        if (!live) return;
        const k = kind ?? 'docker';
        const d = DEFAULTS[k];
        setRuntime(k);
        setF((cur) => ({ ...cur, image: cur.image || d.image, entryPoint: cur.entryPoint || d.entryPoint }));
        setPorts((cur) => cur.map((p, i) => (i === 0 && p.containerPort === '' ? { ...p, containerPort: d.containerPort } : p)));
      });
    return () => void (live = false);
  }, []);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const setPort = (i: number, k: keyof PortRow, v: string) => setPorts(ports.map((p, j) => (j === i ? { ...p, [k]: v } : p)));
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const environment = f.env
        .split(/\n|,/)
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => {
          const i = l.indexOf('=');
          return { name: l.slice(0, i < 0 ? undefined : i), value: i < 0 ? '' : l.slice(i + 1) };
        });
      await postJson('/task-definitions', {
        family: f.family,
        networkMode: 'bridge',
        containerDefinitions: [
          {
            name: f.name,
            image: f.image,
            essential: true,
            cpu: Number(f.cpu),
            memory: Number(f.memory),
            ...(f.entryPoint ? { entryPoint: words(f.entryPoint) } : {}),
            ...(f.command ? { command: words(f.command) } : {}),
            ...(environment.length ? { environment } : {}),
            portMappings: ports.map((p) => ({ containerPort: Number(p.containerPort), hostPort: Number(p.hostPort || '0'), protocol: 'tcp' })),
          },
        ],
      });
      navigate('/task-definitions');
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Page title="Create new task definition">
      <form class="form panel" onSubmit={submit}>
        <Field label="Task definition family">
          <input name="family" value={f.family} onInput={set('family')} required />
        </Field>
        {runtime && (
          <p class="muted" data-testid="runtimeDefaults">
            Defaults for the {runtime} runtime this cluster's container instances run
            {runtime === 'docker' ? ': the local busybox httpd image the demo built, on port 80.' : ': the sample app, run by node, on port 8080.'}
          </p>
        )}
        <h2>Container</h2>
        <div class="row">
          <Field label="Name">
            <input name="containerName" value={f.name} onInput={set('name')} required />
          </Field>
          <Field label="Image">
            <input name="image" value={f.image} onInput={set('image')} required />
          </Field>
          <Field label="CPU units">
            <input name="cpu" type="number" value={f.cpu} onInput={set('cpu')} />
          </Field>
          <Field label="Memory (MiB)">
            <input name="memory" type="number" value={f.memory} onInput={set('memory')} />
          </Field>
        </div>
        <div class="row">
          <Field label="Entry point" hint="Space-separated, e.g. node /path/server.js">
            <input name="entryPoint" value={f.entryPoint} onInput={set('entryPoint')} />
          </Field>
          <Field label="Command">
            <input name="command" value={f.command} onInput={set('command')} />
          </Field>
        </div>
        <Field label="Environment" hint="NAME=value, one per line or comma-separated">
          <input name="environment" value={f.env} onInput={set('env')} />
        </Field>
        <h2>Port mappings</h2>
        {ports.map((p, i) => (
          <div class="row port-row">
            <Field label="Container port">
              <input name={`containerPort${i}`} type="number" value={p.containerPort} onInput={(e) => setPort(i, 'containerPort', e.currentTarget.value)} />
            </Field>
            <Field
              label="Host port"
              hint={Number(p.hostPort || '0') === 0 ? '0 = dynamic: the agent picks a free host port per task' : 'static: one task per instance'}
            >
              <input name={`hostPort${i}`} type="number" min="0" value={p.hostPort} onInput={(e) => setPort(i, 'hostPort', e.currentTarget.value)} />
            </Field>
            <span class="dynamic" data-testid={`hostPortMode${i}`}>
              {Number(p.hostPort || '0') === 0 ? 'dynamic' : 'static'}
            </span>
            <button type="button" class="secondary" onClick={() => setPorts(ports.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <p>
          <button type="button" class="secondary" onClick={() => setPorts([...ports, { containerPort: '', hostPort: '0' }])}>
            Add port mapping
          </button>
        </p>
        <ErrorBox error={error} />
        <button class="primary" type="submit">
          Create
        </button>
      </form>
    </Page>
  );
}
