/**
 * `berth up` (and `berth server`): the composition root, the only place concrete adapters are wired
 * together. `berth up` runs the API, the store, the controllers, one local agent and one
 * load-balancer node in one process over embedded SQLite; `berth server` leaves the agent out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { UpConfig } from './config.js';
import { readCredentialsFile } from './credentials-file.js';
import { ensurePrivateDir } from './private-files.js';
import { hostname } from 'node:os';
import { lockDataDir } from '../store/sqlite-lock.js';
import { openStore, type OpenedStore } from './open-store.js';
import { SingleProcessLeader, type LeaderGate } from '../store/leader-gate.js';
import { EtcdLeaderElection } from '../store/etcd-leader-election.js';
import { FencedStore } from '../store/fenced-store.js';
import { whileLeading } from './while-leading.js';
import { startServerRegistry, type ServerRegistry } from '../control-plane/servers/server-registry.js';
import { etcdLeasedRecord } from '../store/etcd-leased-record.js';
import { claimSecretsKey } from './secrets-key-check.js';
import { FRESH_NODE_MS } from '../protocols/load-balancer/index.js';
import { systemReport, type SystemReport } from '../control-plane/servers/system-report.js';
import { etcdMembers } from '../store/etcd-members.js';
import { LEADER_KEY, type LeaderRecord } from '../store/etcd-leader-election.js';
import { keys } from '../domain/keys.js';
import type { ContainerInstanceRecord } from '../domain/ecs/records.js';
import { raiseFdLimit } from './fd-limit.js';
import { healthRoute } from '../control-plane/api/health-route.js';
import type { Store } from '../store/store.js';
import { createApiServer } from '../control-plane/api/api-server.js';
import { createEcsHandlers } from '../control-plane/ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../control-plane/ec2/ec2-handlers.js';
import { createStsHandlers } from '../control-plane/sts/sts-handlers.js';
import { createSsmHandlers } from '../control-plane/ssm/ssm-handlers.js';
import { createSecretsManagerHandlers } from '../control-plane/secrets-manager/secrets-manager-handlers.js';
import { createLogsHandlers } from '../control-plane/logs/logs-handlers.js';
import { awslogsLogSource } from '../control-plane/logs/awslogs-log-source.js';
import { loadOrCreateSealedBox } from '../platform/sealed-box.js';
import { createAcmService } from '../control-plane/acm/acm-handlers.js';
import { loadOrCreateCertificateAuthority } from '../control-plane/acm/certificate-authority.js';
import { caRoute } from '../control-plane/acm/ca-route.js';
import { startCertificateExpiryWatch } from '../control-plane/acm/certificate-expiry-watch.js';
import { handlerSecretSources } from '../control-plane/task-secrets/handler-secret-sources.js';
import { AgentService, type LogSource } from '../control-plane/agent-api/agent-service.js';
import { EcsMetricRecorder } from '../control-plane/cloudwatch/ecs-metric-recorder.js';
import { registerAgentRoutes } from '../control-plane/agent-api/agent-routes.js';
import { InProcessControlPlaneClient } from '../control-plane/agent-api/in-process-client.js';
import { inProcessLogSource } from '../control-plane/agent-api/agent-log-source.js';
import { instanceOfTask, remoteLogSource } from '../control-plane/agent-api/remote-log-source.js';
import { startAgentLiveness } from '../control-plane/agent-api/agent-liveness.js';
import { startStoppedTaskSweeper } from '../control-plane/agent-api/stopped-task-sweeper.js';
import { startAlarmEvaluator } from '../control-plane/cloudwatch/alarm-evaluator.js';
import { startAutoScaler } from '../control-plane/autoscaling/auto-scaler.js';
import { createAutoScalingHandlers } from '../control-plane/autoscaling/autoscaling-handlers.js';
import { createCloudWatchHandlers } from '../control-plane/cloudwatch/cloudwatch-handlers.js';
import { startMetricPruner } from '../control-plane/cloudwatch/metric-pruner.js';
import { SqliteMetricStore } from '../control-plane/cloudwatch/sqlite-metric-store.js';
import type { MetricStore } from '../control-plane/cloudwatch/metric-store.js';
import { ReplicaMetricStore } from '../control-plane/cloudwatch/replica-metric-store.js';
import { replicaMetricRoutes } from '../control-plane/cloudwatch/replica-metric-routes.js';
import { replicaKey } from '../control-plane/cloudwatch/replica-key.js';
import { publishedApiUrl } from './published-api-url.js';
import { startServiceController } from '../control-plane/controllers/service-controller.js';
import { startAgent, type RunningAgent } from '../agent/agent.js';
import { startLoadBalancerNode, type RunningLoadBalancerNode } from '../load-balancer/node/start-load-balancer-node.js';
import { LbNodeService } from '../control-plane/load-balancer-api/lb-node-service.js';
import { metricsPlugin } from '../load-balancer/node/prometheus-metrics.js';
import { startNodeProcess } from '../load-balancer/workers/node-process.js';
import { lbNodeProcessExec } from './lb-worker-exec.js';
import { InProcessLbControlPlane } from '../control-plane/load-balancer-api/in-process-lb-control-plane.js';
import { registerLbRoutes } from '../control-plane/load-balancer-api/lb-routes.js';
import { createDemoStack, findDemoStack, type DemoStack } from './demo-stack.js';
import { stopLocalTasks } from './stop-local-tasks.js';
import { selectRuntime } from '../agent/runtime/runtime-selection.js';
import type { RuntimeKind } from '../agent/runtime/runtime.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { systemRandom, type Random } from '../platform/random.js';
import type { Logger } from '../platform/logger.js';
import { DEFAULT_REGION, type RequestContext } from '../control-plane/api/operation.js';
import { consolePlugin } from '../control-plane/console/console-plugin.js';

/** Where `npm ci` (prepare: vite build) puts the console, from src/main or dist/main alike. */
const PACKAGED_WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

export interface RunningBerth {
  readonly apiUrl: string;
  /** The container runtime of the local agent (berth up), for the banner. */
  readonly runtime?: RuntimeKind;
  readonly store: Store;
  /** This replica's id in the servers registry and the leader key. */
  readonly serverId: string;
  readonly leader: LeaderGate;
  readonly agent?: RunningAgent;
  /** The demo stack, when this start created it or found the one an earlier start created. */
  readonly demo?: DemoStack;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly random?: Random;
  /** Run the local agent (berth up) or not (berth server). */
  readonly withAgent?: boolean;
}

/** Things to stop, last started first. */
type Stopper = () => Promise<void> | void;

export async function startBerth(config: UpConfig, logger: Logger, options: StartOptions = {}): Promise<RunningBerth> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const dataDir = resolve(config.dataDir);
  // The database holds task environment values: only this user may read it.
  ensurePrivateDir(dataDir);
  const fdLimit = raiseFdLimit(logger);
  // One owner per data dir, before anything reads or writes it; released last, held until exit.
  const lock = lockDataDir(dataDir);
  let opened: OpenedStore;
  try {
    opened = await openStore(config.store, dataDir);
  } catch (err) {
    lock.release();
    throw err;
  }
  const store = opened.store;
  const serverId = `${hostname()}-${process.pid}-${random.uuid().slice(0, 8)}`;
  // "No state yet": the demo stack is created once, on the first start of a data dir.
  const firstStart = (await store.revision()) === 0;
  const stoppers: Stopper[] = [() => lock.release(), () => store.close()];
  const stopAll = async (): Promise<void> => {
    for (const stop of stoppers.reverse().splice(0)) {
      try {
        await stop();
      } catch (err) {
        logger.error({ err }, 'error while stopping');
      }
    }
  };

  try {
    // One routing watch for every node this server feeds: its own, and `berth lb` nodes over HTTP.
    // Secret values (SSM SecureString, Secrets Manager, ACM private keys) are sealed under this key, kept beside the database.
    const secretsKeyPath = resolve(config.secretsKeyFile ?? join(dataDir, 'secrets.key'));
    const sealedBox = loadOrCreateSealedBox(secretsKeyPath);
    // Replicas on one etcd read each other's secrets: they must share the key (a mismatch stops this one here).
    const sharedKey = opened.kind === 'etcd' ? readFileSync(secretsKeyPath) : undefined;
    if (sharedKey) await claimSecretsKey(store, { key: sharedKey, path: secretsKeyPath, server: serverId });
    // The routing records carry HTTPS listeners' certificates with their keys opened by the same box.
    // CloudWatch metric data lives beside the store (metrics.db), fed by the load-balancer nodes' reports
    // and PutMetricData: each replica keeps what reached it.
    const localMetrics = new SqliteMetricStore(join(dataDir, 'metrics.db'));
    // On etcd (several replicas) reads ask the other live replicas too, over routes signed by a key
    // derived from the shared secrets key, so any replica and the leader's alarms see the cluster's data.
    // The registry and the leader gate start once the API listens (they need its URL): the report and the health merge read them late.
    const late: { registry?: ServerRegistry; gate?: LeaderGate } = {};
    const replicaSigningKey = sharedKey ? replicaKey(sharedKey) : undefined;
    const metrics: MetricStore = replicaSigningKey
      ? new ReplicaMetricStore({
          local: localMetrics,
          peers: () => late.registry?.peers() ?? [],
          key: replicaSigningKey,
          clock,
          logger: logger.child({ component: 'metrics' }),
        })
      : localMetrics;
    stoppers.push(() => metrics.close());
    const pruner = startMetricPruner({ metrics: localMetrics, clock, logger });
    stoppers.push(() => pruner.stop());
    const lbService = new LbNodeService({
      store,
      clock,
      sealedBox,
      metrics: localMetrics,
      remoteFreshNodes: (freshMs) => late.registry?.freshRemoteLbNodes(freshMs) ?? new Set(),
      onWatchError: (err) => logger.warn({ err }, 'routing records watch failed; listing again'),
    });
    stoppers.push(() => lbService.close());
    // The load-balancer node first: CreateListener asks it whether a port is free on this host.
    // It runs in its own processes (a primary and --lb-workers workers), never on this loop;
    // lbWorkers 0 (tests only) keeps the engine in this process.
    let lbReady: Promise<void> = Promise.resolve();
    let lbParts:
      | { checkListenerPort: RunningLoadBalancerNode['checkListenerPort']; metricsPlugin: FastifyPluginAsync; traffic: RunningLoadBalancerNode['traffic'] }
      | undefined;
    if (config.loadBalancer) {
      const identity = { nodeId: `in-process@${config.host}:${config.apiPort}`, advertiseAddress: config.internalAddress };
      const controlPlane = new InProcessLbControlPlane(lbService, identity);
      if (config.lbWorkers === 0) {
        const node = await startLoadBalancerNode({
          controlPlane,
          clock,
          random,
          logger: logger.child({ component: 'lb' }),
          dataDir,
          internalBindAddress: config.internalAddress,
        });
        lbParts = node;
        stoppers.push(() => node.stop());
      } else {
        const { exec, execArgv } = lbNodeProcessExec();
        // Started now, awaited last: the node's processes load while the control plane starts.
        const node = startNodeProcess({
          controlPlane,
          exec,
          execArgv,
          settings: { workers: config.lbWorkers, dataDir, internalBindAddress: config.internalAddress, logLevel: config.logLevel, logFormat: config.logFormat },
          logger: logger.child({ component: 'lb' }),
        });
        lbParts = { checkListenerPort: node.checkListenerPort, metricsPlugin: metricsPlugin(node.metrics), traffic: node.traffic };
        lbReady = node.ready;
        stoppers.push(() => node.stop());
      }
    }
    const lb = lbParts;
    // Without a node here, listeners are bound by `berth lb` nodes, which log a port they cannot take.
    const checkListenerPort = lb?.checkListenerPort ?? (async (): Promise<void> => {});
    const traffic = lb?.traffic ?? { snapshot: () => new Map() };

    const handlerDeps = { store, clock, random, logger };
    const authority = loadOrCreateCertificateAuthority(dataDir, random, clock.now());
    const acm = createAcmService({
      store,
      clock,
      random,
      sealedBox,
      authority,
      logger: logger.child({ component: 'acm' }),
    });
    const handlers = {
      ecs: createEcsHandlers({ ...handlerDeps, quotas: config.ecsQuotas }),
      elbv2: createElbv2Handlers({ ...handlerDeps, checkListenerPort, allowLoopbackTargets: config.allowLoopbackTargets }),
      ec2: createEc2Handlers(handlerDeps),
      sts: createStsHandlers(),
      ssm: createSsmHandlers({ store, sealedBox }),
      secretsmanager: createSecretsManagerHandlers({ store, random, sealedBox }),
      logs: createLogsHandlers({ store }),
      acm: acm.handlers,
      cloudwatch: createCloudWatchHandlers({ store, metrics }),
      applicationautoscaling: createAutoScalingHandlers({ store, random }),
    };
    void acm.resumePending();
    const expiry = startCertificateExpiryWatch({ store, clock, logger: logger.child({ component: 'acm' }) });
    stoppers.push(() => expiry.stop());
    const ctx = (): RequestContext => ({
      requestId: random.uuid(),
      region: DEFAULT_REGION,
      accountId: config.accountId,
      now: clock.now(),
      sourceIp: '127.0.0.1',
    });
    // The configured cluster exists from the first start on (CreateCluster is idempotent).
    await handlers.ecs.CreateCluster!({ clusterName: config.cluster }, ctx());

    // Logs come from the local agent for its own tasks, else from the remote agent that runs the
    // task (remote-log-source.ts). The route exists before the agent does.
    let agent: RunningAgent | undefined;
    let agentRuntimeKind: RuntimeKind | undefined;
    const credentials = readCredentialsFile(join(dataDir, 'credentials'));
    if (config.accessKeyId && config.secretAccessKey) credentials.set(config.accessKeyId, config.secretAccessKey);
    const remoteLogs = remoteLogSource({ store, clock, credentials });
    const hostLogs: LogSource = async (req, signal) => {
      if (agent && (await instanceOfTask(store, req)).containerInstanceArn === agent.containerInstanceArn) return inProcessLogSource(agent)(req, signal);
      return remoteLogs(req, signal);
    };
    // awslogs containers are read from the log store (what `aws logs` answers), the others from their host.
    const logs = awslogsLogSource({ store, clock, region: DEFAULT_REGION }, hostLogs);
    // Tasks' secrets are read through the same handlers the API serves (and only the agent protocol carries their values).
    const secrets = handlerSecretSources(handlers.ssm, handlers.secretsmanager);
    const agentService = new AgentService({
      store,
      clock,
      random,
      logs,
      secrets,
      accountId: config.accountId,
      // The agents' task usage becomes AWS/ECS CPUUtilization and MemoryUtilization in this replica's metrics.db (reads fan out).
      taskStats: new EcsMetricRecorder({ store, metrics: localMetrics, clock }),
    });
    if (config.auth === 'sigv4' && credentials.size === 0) {
      throw new Error(
        `--auth sigv4 needs keys: pass --access-key-id with BERTH_SECRET_ACCESS_KEY in the environment, or write ${join(dataDir, 'credentials')}`,
      );
    }
    const apiAuth = config.auth === 'sigv4' ? { mode: 'sigv4' as const, credentials } : { mode: 'none' as const };
    const webRoot = resolve(config.webRoot ?? PACKAGED_WEB_ROOT);
    const consoleBuilt = existsSync(join(webRoot, 'index.html'));
    if (!consoleBuilt) logger.warn({ webRoot }, 'the web console is not built (npx vite build); / explains how');
    const system = async (): Promise<SystemReport> => {
      const held = opened.etcd ? (await store.get<LeaderRecord>(LEADER_KEY))?.value : late.gate?.term();
      let members;
      let membersError: string | undefined;
      if (opened.etcd && config.store.kind === 'etcd') {
        const { endpoints: _endpoints, kind: _kind, ...connection } = config.store;
        try {
          members = await etcdMembers(opened.etcd.client, connection);
        } catch (err) {
          membersError = err instanceof Error ? err.message : String(err);
        }
      }
      const instances = (await store.list<ContainerInstanceRecord>(keys.containerInstances())).records.map((r) => r.value);
      const storedLbNodes = await lbService.storedNodes();
      return systemReport({
        server: serverId,
        kind: opened.kind,
        leader: held ? { holder: held.holder, since: held.since, ...('apiUrl' in held && held.apiUrl ? { apiUrl: held.apiUrl } : {}) } : undefined,
        servers: late.registry?.servers() ?? [],
        ...(members ? { members } : {}),
        ...(membersError ? { membersError } : {}),
        instances,
        heartbeats: late.registry?.heartbeats ?? agentService.heartbeats,
        now: clock.now(),
        lbNodes: late.registry?.lbNodes() ?? lbService.localNodes(),
        storedLbNodes,
        lbNodeFreshMs: FRESH_NODE_MS,
      });
    };
    const plugins: FastifyPluginAsync[] = [
      healthRoute({ store: () => store.health(), ...(fdLimit ? { fdLimit } : {}) }),
      caRoute(authority.certificatePem),
      async (app) => registerAgentRoutes(app, { service: agentService, auth: apiAuth, clock }),
      async (app) => registerLbRoutes(app, { service: lbService, auth: apiAuth, clock }),
      ...(lb ? [lb.metricsPlugin] : []),
      // Its peers' metric reads (ReplicaMetricStore), answered from this replica's own samples.
      ...(replicaSigningKey ? [replicaMetricRoutes({ local: localMetrics, key: replicaSigningKey, self: serverId, clock })] : []),
      consolePlugin({
        store,
        handlers,
        trafficStats: traffic,
        ...(consoleBuilt ? { webRoot } : {}),
        auth: apiAuth,
        accountId: config.accountId,
        clock,
        random,
        logs,
        system,
        logger: logger.child({ component: 'console' }),
      }),
    ];
    const api: FastifyInstance = await createApiServer({
      handlers,
      auth: apiAuth,
      accountId: config.accountId,
      allowedHosts: [config.host],
      logger: logger.child({ component: 'api' }),
      clock,
      random,
      plugins,
    });
    stoppers.push(() => api.close());
    await api.listen({ host: config.host, port: config.apiPort });
    // A failed accept (EMFILE, when libuv's spare descriptor is gone too) is an 'error' event on the
    // server: logged, never uncaught; the listener keeps serving once descriptors are back.
    api.server.on('error', (err) => logger.warn({ err }, 'API server: accept failed'));

    const address = api.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const apiUrl = `http://${shownHost}:${address.port}`;
    // Where the other replicas reach this one (a 0.0.0.0 bind is no address to connect to).
    const reachableUrl = publishedApiUrl(address, config.advertiseUrl);
    const etcdStore = opened.etcd;
    const registry = await startServerRegistry({
      store,
      clock,
      logger,
      self: { id: serverId, apiUrl: reachableUrl, store: opened.kind },
      localHeartbeats: agentService.heartbeats,
      localLbNodes: () => lbService.localNodes(),
      // Fresh well inside the agent timeout, so the leader times an agent heard by another server from its real last heartbeat.
      windows: { agentFreshMs: Math.min(30_000, config.agentTimeoutMs / 2), lbNodeFreshMs: FRESH_NODE_MS, forgetMs: 3_600_000 },
      // On etcd the record lives on this server's lease: alive costs no revision, and a killed server's record goes within the TTL.
      ...(etcdStore
        ? {
            slot: (onLost: () => void) =>
              etcdLeasedRecord(etcdStore, keys.server(serverId), config.leaderTtlSeconds, (err) => {
                logger.warn({ err }, 'server record lease lost; writing the record again');
                onLost();
              }),
          }
        : {}),
    });
    stoppers.push(() => registry.stop());
    late.registry = registry;
    // On etcd the replicas elect one leader; on SQLite this one process is it.
    const gate: LeaderGate = opened.etcd
      ? new EtcdLeaderElection({
          store: opened.etcd,
          holder: serverId,
          apiUrl: reachableUrl,
          ttlSeconds: config.leaderTtlSeconds,
          clock,
          logger: logger.child({ component: 'leader' }),
        })
      : new SingleProcessLeader(serverId, clock.now());
    late.gate = gate;
    stoppers.push(() => gate.close());
    const heartbeats = registry.heartbeats;
    // The controllers write on their own, so only the leader runs them, and every write they make is fenced by its term.
    const controllers = whileLeading(
      gate,
      async () => {
        const fenced = new FencedStore(store, gate);
        const liveness = startAgentLiveness({ store: fenced, clock, heartbeats, timeoutMs: config.agentTimeoutMs });
        const sweeper = startStoppedTaskSweeper({ store: fenced, clock, logger });
        const alarms = startAlarmEvaluator({ store: fenced, metrics, clock, logger: logger.child({ component: 'alarms' }) });
        // Scaling goes through UpdateService, as Application Auto Scaling drives ECS.
        const scaler = startAutoScaler({
          store: fenced,
          metrics,
          clock,
          random,
          logger: logger.child({ component: 'autoscaling' }),
          setDesiredCount: async (region, cluster, service, desiredCount) => {
            await handlers.ecs.UpdateService!({ cluster, service, desiredCount }, { ...ctx(), region });
          },
        });
        const controller = startServiceController({
          store: fenced,
          clock,
          random,
          logger: logger.child({ component: 'service-controller' }),
          options: {
            heartbeats,
            reconcile: { deploymentMinuteMs: config.deploymentMinuteMs, ...(config.lostAfterMs > 0 ? { lostAfterMs: config.lostAfterMs } : {}) },
          },
        });
        await controller.ready;
        return async () => {
          liveness.stop();
          sweeper.stop();
          alarms.stop();
          scaler.stop();
          await controller.stop();
        };
      },
      logger,
    );
    stoppers.push(() => controllers.stop());
    // One process leads at once; a replica on etcd may wait (another leads), and serves the API meanwhile.
    if (!opened.etcd) await controllers.started;

    if (options.withAgent ?? true) {
      const stateDir = join(dataDir, 'agent');
      const runtime = await selectRuntime(config.runtime, { stateDir: join(stateDir, 'processes') });
      agentRuntimeKind = runtime.kind;
      logger.info({ runtime: runtime.kind }, 'container runtime selected');
      agent = await startAgent({
        client: new InProcessControlPlaneClient(agentService),
        runtime,
        cluster: config.cluster,
        advertiseAddress: config.advertiseIp,
        stateDir,
        ...(config.portRange ? { portRange: config.portRange } : {}),
        ...config.agentHost,
        clock,
        random,
        logger,
      });
      // Containers keep running when Berth stops, and a restart adopts them, unless --stop-tasks-on-exit.
      stoppers.push(async () => {
        await agent?.stop();
        if (config.stopTasksOnExit) await stopLocalTasks(runtime, config.cluster, logger);
        await runtime.close?.();
      });
    }

    let demo: DemoStack | undefined;
    if (config.demo && firstStart && agent) {
      try {
        demo = await createDemoStack(handlers, ctx, { runtime: agentRuntimeKind!, cluster: config.cluster });
      } catch (err) {
        logger.warn({ err }, 'the demo stack could not be created; Berth runs without it');
      }
    } else if (config.demo && agent) {
      demo = await findDemoStack(handlers, ctx, { cluster: config.cluster });
    }

    // Up means serving: the load-balancer node has its first table too.
    await lbReady;
    let stopping: Promise<void> | undefined;
    return {
      apiUrl,
      store,
      serverId,
      leader: gate,
      ...(agent ? { agent } : {}),
      ...(agentRuntimeKind ? { runtime: agentRuntimeKind } : {}),
      ...(demo ? { demo } : {}),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
