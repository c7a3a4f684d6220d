/**
 * The agent: registers this host as a container instance, heartbeats, long-polls the tasks assigned
 * to it, and converges the runtime towards them (task-convergence.ts decides, task-actions.ts acts).
 *
 * Reconciling is level-triggered and serialized: a watch answer, a container exit or the periodic
 * tick only mark the state dirty; one pass at a time lists the containers, decides, and launches the
 * actions (one in flight per task). Runtime errors (the Docker daemon restarting) back off and retry.
 */
import { arch, cpus, totalmem } from 'node:os';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Random } from '../platform/random.js';
import { defaultDynamicRange, formatPortRange, type PortRange } from '../scheduling/port-allocator.js';
import { readEphemeralRange } from './runtime/ephemeral-range.js';
import { probePort } from './runtime/port-probe.js';
import { BERTH_LABELS, type ContainerRuntime, type LogLine, type LogOptions } from './runtime/runtime.js';
import { ControlPlaneError, DYNAMIC_RANGE_ATTRIBUTE, stateIndex, type AssignedTask, type ControlPlaneClient } from './control-plane-client.js';
import { ownedBy } from './container-spec.js';
import { DEFAULT_RESERVED_PORTS, hostResources, instanceAttributes, loadOrCreateInstanceId } from './instance-identity.js';
import { converge, type Action } from './task-convergence.js';
import { PortTakenError, runAction, type ActionContext } from './task-actions.js';
import { LogShipper } from './log-shipper.js';
import { startTaskStatsSampler, type TaskStatsSampler } from './task-stats-sampler.js';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  client: ControlPlaneClient;
  runtime: ContainerRuntime;
  cluster: string;
  advertiseAddress: string;
  stateDir: string;
  portRange?: PortRange;
  reservedPorts?: number[];
  reservedPortsUdp?: number[];
  memoryReserveMiB?: number;
  attributes?: Record<string, string>;
  availabilityZone?: string;
  clock: Clock;
  random: Random;
  logger: Logger;
  heartbeatIntervalMs?: number;
  /** The periodic reconcile, which also picks up container health changes (default 2 s). */
  reconcileIntervalMs?: number;
  /** How long a released host port rests before it is handed out again, range permitting (default 60 s). */
  portCooldownMs?: number;
  /** How long exited containers of STOPPED tasks are kept for their logs (default 1 h). */
  containerRetentionMs?: number;
  /** How long one watchTasks long poll may wait (default 20 s). */
  watchTimeoutMs?: number;
  /** Run privileged containers and Docker-socket bind mounts (`--allow-privileged`; default false: both give root on the host). */
  allowPrivileged?: boolean;
  /** How often the running tasks' CPU and memory are read for the AWS/ECS metrics (default 15 s). */
  statsIntervalMs?: number;
}

export interface RunningAgent {
  readonly containerInstanceArn: string;
  readonly ec2InstanceId: string;
  readonly portRange: PortRange;
  /** Stops the loops; containers keep running (a new agent with the same state dir adopts them). */
  stop(): Promise<void>;
  /** A container's log; rejects with ControlPlaneError 404 when the container is not on this host. */
  logs(taskArn: string, containerName: string, options?: LogOptions): Promise<AsyncIterable<LogLine>>;
  /** Resolves after one full reconcile pass (and the actions it launched) has finished. */
  settle(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The agent's phases: know the host, register it, then three loops around one convergence loop (the
 * watch feeds it the assigned tasks, the heartbeat keeps the instance known, the tick and container
 * exits wake it), the task stats sampler beside them, and a handle that stops them in order.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const host = await describeHost(options);
  const life: Life = { stopped: false };
  const register = () => registerInstance(options, host, life);
  const self: Registered = { containerInstanceArn: await register() };
  host.log.info({ containerInstanceArn: self.containerInstanceArn, ec2InstanceId: host.ec2InstanceId, portRange: host.portRange }, 'registered');
  const loop = new ConvergenceLoop(options, host, self, life);
  const watching = watchAssignedTasks(options, host, self, life, loop);
  const stats = startTaskStatsSampler({
    client: options.client,
    runtime: options.runtime,
    cluster: options.cluster,
    ec2InstanceId: host.ec2InstanceId,
    containerInstanceArn: () => self.containerInstanceArn,
    clock: options.clock,
    logger: host.log,
    ...(options.statsIntervalMs !== undefined ? { everyMs: options.statsIntervalMs } : {}),
  });
  const timers = startTimers(options, host, self, life, loop, register);
  return handleOf(options, host, self, life, loop, watching, timers, stats);
}

/** What the agent knows of its host before it registers: its instance id (kept in the state dir) and its ports. */
interface Host {
  readonly ec2InstanceId: string;
  readonly portRange: PortRange;
  readonly reservedPorts: readonly number[];
  readonly log: Logger;
}

/** Set once `stop()` is called: every loop ends, no retry starts again. */
interface Life {
  stopped: boolean;
}

/** The container instance as the control plane knows it now (a re-registration may change it). */
interface Registered {
  containerInstanceArn: string;
}

async function describeHost(options: AgentOptions): Promise<Host> {
  return {
    ec2InstanceId: await loadOrCreateInstanceId(options.stateDir, options.random),
    portRange: options.portRange ?? defaultDynamicRange(await readEphemeralRange()),
    reservedPorts: options.reservedPorts ?? [...DEFAULT_RESERVED_PORTS],
    log: options.logger.child({ component: 'agent', cluster: options.cluster }),
  };
}

/** Registers the host as a container instance, retrying with backoff while the control plane cannot take it yet. */
async function registerInstance(options: AgentOptions, host: Host, life: Life): Promise<string> {
  const { client, cluster, runtime } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await client.register({
        cluster,
        ec2InstanceId: host.ec2InstanceId,
        advertiseAddress: options.advertiseAddress,
        totalResources: hostResources(
          { cpuCount: cpus().length, totalMemoryBytes: totalmem() },
          {
            reservedPorts: [...host.reservedPorts],
            ...(options.reservedPortsUdp ? { reservedPortsUdp: options.reservedPortsUdp } : {}),
            ...(options.memoryReserveMiB !== undefined ? { memoryReserveMiB: options.memoryReserveMiB } : {}),
          },
        ),
        attributes: instanceAttributes(
          { osType: 'linux', cpuArchitecture: arch() === 'arm64' ? 'arm64' : 'x86_64', availabilityZone: options.availabilityZone ?? 'local-1a' },
          { ...options.attributes, [DYNAMIC_RANGE_ATTRIBUTE]: formatPortRange(host.portRange) },
        ),
        versionInfo: { agentVersion: AGENT_VERSION, agentHash: `berth-${runtime.kind}` },
      });
      return r.containerInstanceArn;
    } catch (err) {
      if (life.stopped || (err instanceof ControlPlaneError && err.status < 500 && err.status !== 404)) throw err;
      host.log.warn({ err }, 'cannot register yet; retrying');
      await sleep(Math.min(5_000, 200 * 2 ** attempt));
    }
  }
}

/**
 * Converging the runtime towards the assigned tasks, level-triggered and serialized: `kick` only marks
 * the state dirty; one pass at a time lists the containers, decides (task-convergence.ts) and
 * launches the actions (task-actions.ts), one in flight per task. Runtime errors back off and retry.
 */
class ConvergenceLoop {
  /** The assigned tasks, as the last watch answer (and the actions since) have them; undefined before the first answer. */
  private tasks: AssignedTask[] | undefined;
  private readonly busy = new Map<string, Promise<void>>();
  // Port state across passes: released ports resting, ports of starts in flight, the allocator's cursor.
  private readonly cooldownUntil = new Map<number, number>();
  private readonly pending = new Map<string, number[]>();
  private cursor: number | undefined;
  private dirty = false;
  private pass: Promise<void> | undefined;
  private failures = 0;
  private readonly actionContext: ActionContext;
  readonly shipper: LogShipper;

  constructor(
    private readonly options: AgentOptions,
    private readonly host: Host,
    self: Registered,
    private readonly life: Life,
  ) {
    const { client, runtime, cluster, clock, stateDir } = options;
    const cooldownMs = options.portCooldownMs ?? 60_000;
    this.actionContext = {
      client,
      runtime,
      cluster,
      containerInstanceArn: () => self.containerInstanceArn,
      ec2InstanceId: host.ec2InstanceId,
      advertiseAddress: options.advertiseAddress,
      clock,
      logger: host.log,
      probe: probePort,
      allowPrivileged: options.allowPrivileged ?? false,
      portBusy: (p) => this.cooldownUntil.set(p, clock.now() + 30_000),
      portsReleased: (ports) => {
        for (const p of ports) this.cooldownUntil.set(p, clock.now() + cooldownMs);
      },
    };
    this.shipper = new LogShipper({ client, runtime, cluster, containerInstanceArn: () => self.containerInstanceArn, stateDir, clock, logger: host.log });
  }

  /** A watch answer: the whole set replaces what was known (level, not edges). */
  assigned(tasks: AssignedTask[]): void {
    this.tasks = tasks;
    this.kick();
  }

  kick(): void {
    if (this.life.stopped) return;
    this.dirty = true;
    if (this.pass) return;
    this.pass = (async () => {
      while (this.dirty && !this.life.stopped) {
        // Let I/O (watch answers, exits) in between passes: runtimes and stores that answer from
        // memory would otherwise keep this loop on the microtask queue.
        await new Promise((r) => setImmediate(r));
        this.dirty = false;
        try {
          await this.reconcileOnce();
          this.failures = 0;
        } catch (err) {
          this.failures++;
          this.host.log.warn({ err, failures: this.failures }, 'reconcile failed (runtime unavailable?); backing off');
          await sleep(Math.min(10_000, 250 * 2 ** this.failures));
          this.dirty = true;
        }
      }
    })().finally(() => (this.pass = undefined));
  }

  /** Resolves after one full pass (and the actions it launched) has finished. */
  async settle(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      this.kick();
      while (this.pass) await this.pass;
      if (this.busy.size === 0) return;
      await Promise.all([...this.busy.values()]);
    }
  }

  /** After `life.stopped`: the pass and the actions in flight finish, and the shipper stops. */
  async drain(): Promise<void> {
    while (this.pass) await this.pass;
    await Promise.all([...this.busy.values()]);
    await this.shipper.stop();
  }

  private async reconcileOnce(): Promise<void> {
    if (!this.tasks) return;
    const { options, host } = this;
    // Snapshot what we know before asking the runtime: an action finishing during the list would
    // otherwise show its task RUNNING (and no longer busy) beside a list taken before its container
    // existed, and the task would be stopped as "vanished".
    const assigned = this.tasks;
    const inFlight = new Set(this.busy.keys());
    const pendingPorts = new Set([...this.pending.values()].flat());
    const observed = await options.runtime.list(ownedBy(options.cluster, host.ec2InstanceId));
    this.shipper.sync(assigned, observed);
    const now = options.clock.now();
    for (const [p, until] of this.cooldownUntil) if (until <= now) this.cooldownUntil.delete(p);
    const plan = converge({
      tasks: assigned,
      observed,
      busy: inFlight,
      ports: {
        range: host.portRange,
        reserved: new Set(host.reservedPorts),
        pending: pendingPorts,
        cooldownUntil: this.cooldownUntil,
        ...(this.cursor !== undefined ? { cursor: this.cursor } : {}),
      },
      advertiseAddress: options.advertiseAddress,
      now,
      retentionMs: options.containerRetentionMs ?? 3_600_000,
    });
    this.cursor = plan.cursor ?? this.cursor;
    if (plan.actions.length > 0) host.log.debug({ actions: plan.actions.map((a) => `${a.type} ${keyOf(a)}`) }, 'converging');
    for (const a of plan.actions) if (!this.busy.has(keyOf(a))) this.launch(a);
  }

  private launch(a: Action): void {
    const key = keyOf(a);
    if (a.type === 'start')
      this.pending.set(
        key,
        a.create.flatMap((c) => c.bindings.map((b) => b.hostPort)),
      );
    const p = runAction(this.actionContext, a)
      .then((patch) => {
        if (!patch || !('task' in a) || !this.tasks) return;
        // Forward only: a watch answer may already have brought something newer.
        this.tasks = this.tasks.map((t) =>
          t.taskArn !== key || stateIndex(t.lastStatus) > stateIndex(patch.lastStatus)
            ? t
            : {
                ...t,
                lastStatus: patch.lastStatus,
                ...(patch.recorded ? { recorded: patch.recorded } : {}),
                ...(patch.healthStatus ? { healthStatus: patch.healthStatus } : {}),
              },
        );
      })
      .catch((err) => {
        if (err instanceof PortTakenError) this.host.log.debug({ port: err.port, key }, err.message);
        else this.host.log.warn({ err, action: a.type, key }, 'action failed; it will be decided again');
      })
      .finally(() => {
        this.busy.delete(key);
        this.pending.delete(key);
        this.kick();
      });
    this.busy.set(key, p);
  }
}

const keyOf = (a: Action) => ('task' in a ? a.task.taskArn : a.runtimeId);

/** The watch: long polls for the tasks assigned to this instance; each answer replaces the whole set. */
interface Watch {
  readonly done: Promise<void>;
  readonly abort: AbortController;
}

function watchAssignedTasks(options: AgentOptions, host: Host, self: Registered, life: Life, loop: ConvergenceLoop): Watch {
  const abort = new AbortController();
  const done = (async () => {
    let revision: number | undefined;
    let attempt = 0;
    while (!life.stopped) {
      try {
        const r = await options.client.watchTasks(
          {
            cluster: options.cluster,
            containerInstanceArn: self.containerInstanceArn,
            ...(revision !== undefined ? { fromRevision: revision } : {}),
            timeoutMs: options.watchTimeoutMs ?? 20_000,
          },
          abort.signal,
        );
        if (life.stopped) return;
        host.log.debug({ revision: r.revision, tasks: r.tasks.length }, 'tasks assigned');
        revision = r.revision;
        attempt = 0;
        loop.assigned(r.tasks);
      } catch (err) {
        if (life.stopped) return;
        revision = undefined;
        host.log.warn({ err }, 'watching tasks failed; retrying');
        await sleep(Math.min(5_000, 200 * 2 ** attempt++));
      }
    }
  })();
  return { done, abort };
}

/** The heartbeat (a forgotten instance registers again), the periodic reconcile, and container exits waking the loop. */
function startTimers(options: AgentOptions, host: Host, self: Registered, life: Life, loop: ConvergenceLoop, register: () => Promise<string>): () => void {
  const { client, cluster } = options;
  const heartbeat = setInterval(() => {
    client.heartbeat({ cluster, containerInstanceArn: self.containerInstanceArn }).catch(async (err) => {
      if (life.stopped) return;
      if (err instanceof ControlPlaneError && err.status === 404) {
        host.log.warn('the control plane forgot this instance; registering again');
        self.containerInstanceArn = await register().catch(() => self.containerInstanceArn);
      } else host.log.warn({ err }, 'heartbeat failed');
    });
  }, options.heartbeatIntervalMs ?? 10_000);
  const tick = setInterval(() => loop.kick(), options.reconcileIntervalMs ?? 2_000);
  const unsubscribe = options.runtime.onExit?.(() => loop.kick());
  return () => {
    clearInterval(heartbeat);
    clearInterval(tick);
    unsubscribe?.();
  };
}

function handleOf(
  options: AgentOptions,
  host: Host,
  self: Registered,
  life: Life,
  loop: ConvergenceLoop,
  watch: Watch,
  stopTimers: () => void,
  stats: TaskStatsSampler,
): RunningAgent {
  const { cluster, runtime } = options;
  return {
    get containerInstanceArn() {
      return self.containerInstanceArn;
    },
    ec2InstanceId: host.ec2InstanceId,
    portRange: host.portRange,
    settle: () => loop.settle(),
    async stop() {
      life.stopped = true;
      stopTimers();
      await stats.stop();
      watch.abort.abort();
      await watch.done;
      await loop.drain();
    },
    async logs(taskArn, containerName, opts = {}) {
      const found = (await runtime.list({ ...ownedBy(cluster, host.ec2InstanceId), [BERTH_LABELS.taskArn]: taskArn })).find((c) => c.name === containerName);
      if (!found) throw new ControlPlaneError('ResourceNotFoundException', `No container ${containerName} of task ${taskArn} on this instance.`, 404);
      return runtime.logs(found.runtimeId, opts);
    },
  };
}
