/**
 * An in-memory ContainerRuntime for unit tests of pure-ish agent logic only: deterministic ids, no
 * processes. Tests drive it by hand (`exit`, `setHealth`, `emitLog`); anything that needs real
 * behaviour uses the docker or process runtime. It passes the runtime contract the real runtimes pass
 * (runtime.conformance.ts, run in fake-runtime.test.ts), so what a unit test on it relies on is true of them.
 */
import {
  labelsMatch,
  RuntimeError,
  type ContainerHealth,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerState,
  type LogLine,
  type LogOptions,
  type RegistryCredentials,
  type ResourceUsage,
} from './runtime.js';

interface FakeContainer {
  spec: ContainerSpec;
  state: ContainerState;
  logs: LogLine[];
}

export class FakeRuntime implements ContainerRuntime {
  readonly kind = 'fake' as const;
  readonly containers = new Map<string, FakeContainer>();
  /** Every call, in order, for assertions. */
  readonly calls: string[] = [];
  /** Images ensureImage accepts; others fail as a pull would. Undefined accepts every image. */
  images?: Set<string>;
  /** Private images: pulled only with these credentials. */
  readonly credentials = new Map<string, RegistryCredentials>();
  private seq = 0;
  private readonly listeners = new Set<(id: string) => void>();
  private readonly used = new Map<string, { cpuNs: number; memoryBytes: number }>();

  constructor(private readonly now: () => number = () => 0) {}

  async ping(): Promise<boolean> {
    return true;
  }

  async ensureImage(image: string, log: (m: string) => void, auth?: RegistryCredentials): Promise<void> {
    this.calls.push(`ensureImage ${image}${auth ? ` as ${auth.username}` : ''}`);
    if (this.images && !this.images.has(image)) throw new RuntimeError('IMAGE_NOT_FOUND', `no image ${image}`);
    // A private image (in `credentials`) pulls only with its username and password.
    const wanted = this.credentials.get(image);
    if (wanted && (auth?.username !== wanted.username || auth.password !== wanted.password)) {
      throw new RuntimeError('IMAGE_NOT_FOUND', `Error response from daemon: pull access denied for ${image}: unauthorized`);
    }
    log(`image ${image} present`);
  }

  async create(spec: ContainerSpec): Promise<string> {
    // A runtime name is unique on the host, as Docker's container names are: the same task's create
    // returns its container again, and another owner's container of that name is a clash, never reused.
    if (spec.runtimeName) {
      const named = [...this.containers.entries()].find(([, c]) => c.spec.runtimeName === spec.runtimeName);
      if (named && labelsMatch(named[1].state.labels, spec.labels)) return named[0];
      if (named) throw new RuntimeError('CREATE_FAILED', `cannot create ${spec.name}: the name ${spec.runtimeName} is in use by another container`);
    }
    const id = `fake-${++this.seq}`;
    this.calls.push(`create ${spec.name} -> ${id}`);
    this.containers.set(id, {
      spec,
      logs: [],
      state: {
        runtimeId: id,
        name: spec.name,
        labels: { ...spec.dockerLabels, ...spec.labels },
        status: 'created',
        health: 'UNKNOWN',
        portBindings: spec.portBindings,
      },
    });
    return id;
  }

  async start(id: string): Promise<void> {
    this.calls.push(`start ${id}`);
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NOT_FOUND', `no container ${id}`);
    if (c.state.status === 'created') c.state = { ...c.state, status: 'running', startedAt: this.now() };
  }

  async stop(id: string, timeoutS: number): Promise<void> {
    this.calls.push(`stop ${id} ${timeoutS}`);
    const c = this.containers.get(id);
    if (c?.state.status === 'running') this.exit(id, 143);
  }

  async remove(id: string): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.containers.delete(id);
  }

  async inspect(id: string): Promise<ContainerState> {
    const c = this.containers.get(id);
    return c ? { ...c.state } : { runtimeId: id, name: '', labels: {}, status: 'missing', health: 'UNKNOWN', portBindings: [] };
  }

  async list(filter: Record<string, string | undefined>): Promise<ContainerState[]> {
    return [...this.containers.values()].filter((c) => labelsMatch(c.state.labels, filter)).map((c) => ({ ...c.state }));
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    let lines = (this.containers.get(id)?.logs ?? []).filter((l) => options.since === undefined || l.time >= options.since);
    if (options.tail !== undefined) lines = lines.slice(-options.tail);
    yield* lines;
  }

  async usage(id: string): Promise<ResourceUsage | undefined> {
    const c = this.containers.get(id);
    if (c?.state.status !== 'running') return undefined;
    const used = this.used.get(id) ?? { cpuNs: 0, memoryBytes: 0 };
    return { at: this.now(), ...used };
  }

  /** What the container has used so far (cumulative CPU time, memory now), for usage(). */
  setUsage(id: string, used: { cpuNs: number; memoryBytes: number }): void {
    this.used.set(id, used);
  }

  onExit(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The container's process ends by itself. */
  exit(id: string, exitCode: number): void {
    const c = this.containers.get(id);
    if (!c || c.state.status === 'exited') return;
    c.state = { ...c.state, status: 'exited', exitCode, finishedAt: this.now(), health: 'UNKNOWN' };
    for (const l of this.listeners) l(id);
  }

  setHealth(id: string, health: ContainerHealth): void {
    const c = this.containers.get(id);
    if (c) c.state = { ...c.state, health };
  }

  emitLog(id: string, line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.containers.get(id)?.logs.push({ stream, line, time: this.now() });
  }
}
