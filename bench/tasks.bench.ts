/**
 * npm run bench:tasks — how fast the agent turns RunTask into RUNNING.
 *  1. docker: median (and p90) time from RunTask to RUNNING, one task at a time, local busybox image.
 *  2. process: tasks started per second on one instance (50 tasks, 10 per RunTask, `sleep` processes).
 * Env: SKIP_DOCKER=1 skips part 1; BENCH_LOG=1 shows the agent log.
 * In process: SqliteStore, the real ECS handlers, the in-process agent protocol; no HTTP in the loop.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { systemClock } from '../src/platform/clock.js';
import { systemRandom } from '../src/platform/random.js';
import { createLogger, silentLogger } from '../src/platform/logger.js';
import { ACCOUNT_ID } from '../src/control-plane/api/operation.js';
import { createEcsHandlers } from '../src/control-plane/ecs/ecs-handlers.js';
import { AgentService } from '../src/control-plane/agent-api/agent-service.js';
import { InProcessControlPlaneClient } from '../src/control-plane/agent-api/in-process-client.js';
import { startAgent } from '../src/agent/agent.js';
import { DockerRuntime } from '../src/agent/runtime/docker-runtime.js';
import { ProcessRuntime } from '../src/agent/runtime/process-runtime.js';
import type { ContainerRuntime } from '../src/agent/runtime/runtime.js';
import { dockerAvailable } from '../test/support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../test/support/test-image.js';
import { operationCaller } from '../src/control-plane/api/handler-test-kit.js';

async function rig(runtime: ContainerRuntime, dir: string) {
  const store = SqliteStore.open(join(dir, 'berth.db'));
  const handlers = createEcsHandlers({ store, clock: systemClock, random: systemRandom });
  const call = operationCaller<'ecs'>(handlers, () => ({
    requestId: 'bench',
    region: 'us-east-1',
    accountId: ACCOUNT_ID,
    now: Date.now(),
    sourceIp: '127.0.0.1',
  }));
  const cluster = `bench-${systemRandom.hex(3)}`;
  await call('CreateCluster', { clusterName: cluster });
  const service = new AgentService({ store, clock: systemClock, random: systemRandom });
  const agent = await startAgent({
    client: new InProcessControlPlaneClient(service),
    runtime,
    cluster,
    advertiseAddress: '127.0.0.1',
    stateDir: join(dir, 'agent'),
    portRange: { low: 26000, high: 26999 },
    clock: systemClock,
    random: systemRandom,
    logger: process.env.BENCH_LOG ? createLogger({ level: 'info' }) : silentLogger,
  });
  const waitStatus = async (arns: string[], status: string) => {
    for (;;) {
      const { tasks } = await call('DescribeTasks', { cluster, tasks: arns });
      if (tasks.every((t: { lastStatus: string }) => t.lastStatus === status)) return;
      if (tasks.some((t: { lastStatus: string }) => t.lastStatus === 'STOPPED' && status !== 'STOPPED')) throw new Error('a task stopped');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const stopAll = async (arns: string[]) => {
    for (const task of arns) await call('StopTask', { cluster, task });
    await waitStatus(arns, 'STOPPED');
  };
  return { store, call, cluster, agent, waitStatus, stopAll };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function dockerBench(): Promise<void> {
  await ensureTestImage();
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const r = await rig(new DockerRuntime(), dir);
  try {
    await r.call('RegisterTaskDefinition', {
      family: 'web',
      containerDefinitions: [{ name: 'web', image: TEST_IMAGE, memory: 16, stopTimeout: 1, portMappings: [{ containerPort: 80 }] }],
    });
    const times: number[] = [];
    const arns: string[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const { tasks } = await r.call('RunTask', { cluster: r.cluster, taskDefinition: 'web' });
      await r.waitStatus([tasks[0].taskArn], 'RUNNING');
      times.push(performance.now() - t0);
      arns.push(tasks[0].taskArn);
    }
    console.log(
      `docker  RunTask -> RUNNING (busybox, local image, 20 tasks one by one): median ${percentile(times, 0.5).toFixed(0)} ms, p90 ${percentile(times, 0.9).toFixed(0)} ms`,
    );
    await r.stopAll(arns);
  } finally {
    await r.agent.stop();
    await r.store.close();
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.berth.cluster=${r.cluster}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function processBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const r = await rig(new ProcessRuntime({ stateDir: join(dir, 'processes') }), dir);
  try {
    await r.call('RegisterTaskDefinition', {
      family: 'sleeper',
      containerDefinitions: [
        { name: 'app', image: 'none', memory: 1, stopTimeout: 1, entryPoint: ['/bin/sleep', '600'], portMappings: [{ containerPort: 8080 }] },
      ],
    });
    const t0 = performance.now();
    const arns: string[] = [];
    for (let i = 0; i < 5; i++)
      arns.push(...(await r.call('RunTask', { cluster: r.cluster, taskDefinition: 'sleeper', count: 10 })).tasks.map((t: { taskArn: string }) => t.taskArn));
    await r.waitStatus(arns, 'RUNNING');
    const s = (performance.now() - t0) / 1000;
    console.log(`process tasks started per second (50 tasks, one instance): ${(arns.length / s).toFixed(1)} /s (${(s * 1000).toFixed(0)} ms for all)`);
    await r.stopAll(arns);
  } finally {
    await r.agent.stop();
    await r.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (dockerAvailable() && !process.env.SKIP_DOCKER) await dockerBench();
else console.log('docker  skipped (no Docker engine, or SKIP_DOCKER set)');
await processBench();
