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
import { defaultDynamicRange, type PortRange } from '../scheduling/port-allocator.js';
import { readEphemeralRange } from './runtime/ephemeral-range.js';
import { probePort } from './runtime/port-probe.js';
import { BERTH_LABELS, type ContainerRuntime, type LogLine, type LogOptions } from './runtime/runtime.js';
import { ControlPlaneError, DYNAMIC_RANGE_ATTRIBUTE, stateIndex, type AssignedTask, type ControlPlaneClient } from './control-plane-client.js';
import { ownedBy } from './container-spec.js';
import { DEFAULT_RESERVED_PORTS, hostResources, instanceAttributes, loadOrCreateInstanceId } from './instance-identity.js';
import { converge, type Action } from './task-convergence.js';
import { PortTakenError, runAction, type ActionContext } from './task-actions.js';
import { LogShipper } from './log-shipper.js';

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

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { client, runtime, cluster, advertiseAddress, clock, logger } = options;
  const log = logger.child({ component: 'agent', cluster });
  const ec2InstanceId = await loadOrCreateInstanceId(options.stateDir, options.random);
  const portRange = options.portRange ?? defaultDynamicRange(await readEphemeralRange());
  const reservedPorts = options.reservedPorts ?? [...DEFAULT_RESERVED_PORTS];
  const cooldownMs = options.portCooldownMs ?? 60_000;
  let stopped = false;

  const register = async (): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await client.register({
          cluster,
          ec2InstanceId,
          advertiseAddress,
          totalResources: hostResources(
            { cpuCount: cpus().length, totalMemoryBytes: totalmem() },
            {
              reservedPorts,
              ...(options.reservedPortsUdp ? { reservedPortsUdp: options.reservedPortsUdp } : {}),
              ...(options.memoryReserveMiB !== undefined ? { memoryReserveMiB: options.memoryReserveMiB } : {}),
            },
          ),
          attributes: instanceAttributes(
            { osType: 'linux', cpuArchitecture: arch() === 'arm64' ? 'arm64' : 'x86_64', availabilityZone: options.availabilityZone ?? 'local-1a' },
            { ...options.attributes, [DYNAMIC_RANGE_ATTRIBUTE]: `${portRange.low}-${portRange.high}` },
          ),
          versionInfo: { agentVersion: AGENT_VERSION, agentHash: `berth-${runtime.kind}` },
        });
        return r.containerInstanceArn;
      } catch (err) {
        if (stopped || (err instanceof ControlPlaneError && err.status < 500 && err.status !== 404)) throw err;
        log.warn({ err }, 'cannot register yet; retrying');
        await sleep(Math.min(5_000, 200 * 2 ** attempt));
      }
    }
  };
  let containerInstanceArn = await register();
  log.info({ containerInstanceArn, ec2InstanceId, portRange }, 'registered');

  // Port state across passes.
  const cooldownUntil = new Map<number, number>();
  const pending = new Map<string, number[]>();
  let cursor: number | undefined;

  let tasks: AssignedTask[] | undefined;
  const busy = new Map<string, Promise<void>>();
  let dirty = false;
  let pass: Promise<void> | undefined;
  let failures = 0;

  const actionContext: ActionContext = {
    client,
    runtime,
    cluster,
    containerInstanceArn: () => containerInstanceArn,
    ec2InstanceId,
    advertiseAddress,
    clock,
    logger: log,
    probe: probePort,
    allowPrivileged: options.allowPrivileged ?? false,
    portBusy: (p) => cooldownUntil.set(p, clock.now() + 30_000),
    portsReleased: (ports) => {
      for (const p of ports) cooldownUntil.set(p, clock.now() + cooldownMs);
    },
  };

  const shipper = new LogShipper({ client, runtime, cluster, containerInstanceArn: () => containerInstanceArn, stateDir: options.stateDir, clock, logger: log });

  const keyOf = (a: Action) => ('task' in a ? a.task.taskArn : a.runtimeId);

  const launch = (a: Action) => {
    const key = keyOf(a);
    if (a.type === 'start') pending.set(key, a.create.flatMap((c) => c.bindings.map((b) => b.hostPort)));
    const p = runAction(actionContext, a)
      .then((patch) => {
        if (!patch || !('task' in a) || !tasks) return;
        // Forward only: a watch answer may already have brought something newer.
        tasks = tasks.map((t) =>
          t.taskArn !== key || stateIndex(t.lastStatus) > stateIndex(patch.lastStatus)
            ? t
            : { ...t, lastStatus: patch.lastStatus, ...(patch.recorded ? { recorded: patch.recorded } : {}), ...(patch.healthStatus ? { healthStatus: patch.healthStatus } : {}) },
        );
      })
      .catch((err) => {
        if (err instanceof PortTakenError) log.debug({ port: err.port, key }, err.message);
        else log.warn({ err, action: a.type, key }, 'action failed; it will be decided again');
      })
      .finally(() => {
        busy.delete(key);
        pending.delete(key);
        kick();
      });
    busy.set(key, p);
  };

  const reconcileOnce = async () => {
    if (!tasks) return;
    // Snapshot what we know before asking the runtime: an action finishing during the list would
    // otherwise show its task RUNNING (and no longer busy) beside a list taken before its container
    // existed, and the task would be stopped as "vanished".
    const assigned = tasks;
    const inFlight = new Set(busy.keys());
    const pendingPorts = new Set([...pending.values()].flat());
    const observed = await runtime.list(ownedBy(cluster, ec2InstanceId));
    shipper.sync(assigned, observed);
    const now = clock.now();
    for (const [p, until] of cooldownUntil) if (until <= now) cooldownUntil.delete(p);
    const plan = converge({
      tasks: assigned,
      observed,
      busy: inFlight,
      ports: { range: portRange, reserved: new Set(reservedPorts), pending: pendingPorts, cooldownUntil, ...(cursor !== undefined ? { cursor } : {}) },
      advertiseAddress,
      now,
      retentionMs: options.containerRetentionMs ?? 3_600_000,
    });
    cursor = plan.cursor ?? cursor;
    if (plan.actions.length > 0) log.debug({ actions: plan.actions.map((a) => `${a.type} ${keyOf(a)}`) }, 'converging');
    for (const a of plan.actions) if (!busy.has(keyOf(a))) launch(a);
  };

  function kick(): void {
    if (stopped) return;
    dirty = true;
    if (pass) return;
    pass = (async () => {
      while (dirty && !stopped) {
        // Let I/O (watch answers, exits) in between passes: runtimes and stores that answer from
        // memory would otherwise keep this loop on the microtask queue.
        await new Promise((r) => setImmediate(r));
        dirty = false;
        try {
          await reconcileOnce();
          failures = 0;
        } catch (err) {
          failures++;
          log.warn({ err, failures }, 'reconcile failed (runtime unavailable?); backing off');
          await sleep(Math.min(10_000, 250 * 2 ** failures));
          dirty = true;
        }
      }
    })().finally(() => (pass = undefined));
  }

  // The watch: long polls, each answer replaces the whole set (level, not edges).
  const watchAbort = new AbortController();
  const watching = (async () => {
    let revision: number | undefined;
    let attempt = 0;
    while (!stopped) {
      try {
        const r = await client.watchTasks(
          { cluster, containerInstanceArn, ...(revision !== undefined ? { fromRevision: revision } : {}), timeoutMs: options.watchTimeoutMs ?? 20_000 },
          watchAbort.signal,
        );
        if (stopped) return;
        log.debug({ revision: r.revision, tasks: r.tasks.length }, 'tasks assigned');
        revision = r.revision;
        tasks = r.tasks;
        attempt = 0;
        kick();
      } catch (err) {
        if (stopped) return;
        revision = undefined;
        log.warn({ err }, 'watching tasks failed; retrying');
        await sleep(Math.min(5_000, 200 * 2 ** attempt++));
      }
    }
  })();

  const heartbeat = setInterval(() => {
    client.heartbeat({ cluster, containerInstanceArn }).catch(async (err) => {
      if (stopped) return;
      if (err instanceof ControlPlaneError && err.status === 404) {
        log.warn('the control plane forgot this instance; registering again');
        containerInstanceArn = await register().catch(() => containerInstanceArn);
      } else log.warn({ err }, 'heartbeat failed');
    });
  }, options.heartbeatIntervalMs ?? 10_000);
  const tick = setInterval(kick, options.reconcileIntervalMs ?? 2_000);
  const unsubscribe = runtime.onExit?.(() => kick());

  const settle = async () => {
    for (let i = 0; i < 50; i++) {
      kick();
      while (pass) await pass;
      if (busy.size === 0) return;
      await Promise.all([...busy.values()]);
    }
  };

  return {
    get containerInstanceArn() {
      return containerInstanceArn;
    },
    ec2InstanceId,
    portRange,
    settle,
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      clearInterval(tick);
      unsubscribe?.();
      watchAbort.abort();
      await watching;
      while (pass) await pass;
      await Promise.all([...busy.values()]);
      await shipper.stop();
    },
    async logs(taskArn, containerName, opts = {}) {
      const found = (await runtime.list({ ...ownedBy(cluster, ec2InstanceId), [BERTH_LABELS.taskArn]: taskArn })).find((c) => c.name === containerName);
      if (!found) throw new ControlPlaneError('ResourceNotFoundException', `No container ${containerName} of task ${taskArn} on this instance.`, 404);
      return runtime.logs(found.runtimeId, opts);
    },
  };
}
