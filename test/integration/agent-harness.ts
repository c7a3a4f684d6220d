/**
 * In-process Berth for the agent integration tests: SqliteStore, the real ECS handlers behind the
 * real API server (with the agent routes), a real ECS SDK client, and agents on real runtimes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { FastifyInstance } from 'fastify';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { systemRandom } from '../../src/platform/random.js';
import { silentLogger } from '../../src/platform/logger.js';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { AgentService } from '../../src/control-plane/agent-api/agent-service.js';
import { registerAgentRoutes } from '../../src/control-plane/agent-api/agent-routes.js';
import { InProcessControlPlaneClient } from '../../src/control-plane/agent-api/in-process-client.js';
import { HttpControlPlaneClient } from '../../src/agent/http-control-plane-client.js';
import { startAgent, type RunningAgent } from '../../src/agent/agent.js';
import type { ContainerRuntime } from '../../src/agent/runtime/runtime.js';
import type { PortRange } from '../../src/scheduling/port-allocator.js';
import { inProcessLogSource } from '../../src/control-plane/agent-api/agent-log-source.js';
import { ecsClient } from '../support/sdk-clients.js';

export interface TestControlPlane {
  dir: string;
  store: SqliteStore;
  service: AgentService;
  api: FastifyInstance;
  url: string;
  ecs: ECSClient;
  cluster: string;
  agents: RunningAgent[];
  close(): Promise<void>;
}

export async function startControlPlane(): Promise<TestControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-agent-it-'));
  const store = SqliteStore.open(join(dir, 'berth.db'));
  const agents: RunningAgent[] = [];
  // The log route asks whichever agent has the container.
  const service = new AgentService({
    store,
    clock: systemClock,
    random: systemRandom,
    logs: async (req, signal) => {
      for (const a of agents) {
        try {
          return await inProcessLogSource(a)(req, signal);
        } catch {
          /* not on this one */
        }
      }
      return inProcessLogSource(agents[0]!)(req, signal);
    },
  });
  const api = await createApiServer({
    handlers: { ecs: createEcsHandlers({ store, clock: systemClock, random: systemRandom }), elbv2: {}, ec2: {} },
    plugins: [async (app) => registerAgentRoutes(app, { service })],
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const address = api.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const ecs = ecsClient(url);
  const cluster = `agent-it-${systemRandom.hex(4)}`;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  return {
    dir,
    store,
    service,
    api,
    url,
    ecs,
    cluster,
    agents,
    async close() {
      for (const a of agents) await a.stop().catch(() => undefined);
      ecs.destroy();
      await api.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startTestAgent(
  cp: TestControlPlane,
  options: {
    runtime: ContainerRuntime;
    stateDir: string;
    advertiseAddress?: string;
    via?: 'in-process' | 'http';
    portRange?: PortRange;
    allowPrivileged?: boolean;
    containerRetentionMs?: number;
  },
): Promise<RunningAgent> {
  const client = options.via === 'http' ? new HttpControlPlaneClient(cp.url) : new InProcessControlPlaneClient(cp.service);
  const agent = await startAgent({
    client,
    runtime: options.runtime,
    cluster: cp.cluster,
    advertiseAddress: options.advertiseAddress ?? '127.0.0.1',
    stateDir: options.stateDir,
    portRange: options.portRange ?? randomRange(),
    clock: systemClock,
    random: systemRandom,
    logger: silentLogger,
    heartbeatIntervalMs: 1_000,
    reconcileIntervalMs: 300,
    watchTimeoutMs: 5_000,
    ...(options.allowPrivileged !== undefined ? { allowPrivileged: options.allowPrivileged } : {}),
    ...(options.containerRetentionMs !== undefined ? { containerRetentionMs: options.containerRetentionMs } : {}),
  });
  cp.agents.push(agent);
  return agent;
}

/** A range of 200 ports inside the default 20000-32000, different per test file, so parallel suites do not meet. */
export function randomRange(): PortRange {
  const low = 20_000 + Math.floor(Math.random() * 58) * 200;
  return { low, high: low + 199 };
}

/** Every container this test cluster left behind. */
export function removeClusterContainers(cluster: string): void {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.berth.cluster=${cluster}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

export function dockerPs(cluster: string): { name: string; ports: string; state: string }[] {
  const out = execFileSync('docker', ['ps', '-a', '--filter', `label=com.berth.cluster=${cluster}`, '--format', '{{.Names}}\t{{.Ports}}\t{{.State}}'], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name = '', ports = '', state = ''] = l.split('\t');
      return { name, ports, state };
    });
}

export function tempStateDir(cp: TestControlPlane, name: string): string {
  return join(cp.dir, name);
}
