/**
 * End-to-end timings on a real `berth up` started in this process (temp data dir, `--runtime
 * process`, `--no-demo`), driven through the AWS SDK v3 clients, loopback only:
 *
 *  - RUNNING → first proxied request: a service of 10 sample-app tasks behind an internal ALB
 *    (health check interval 5 s, healthy threshold 2). A store watch stamps each task's move to
 *    RUNNING; two pollers on the listener stamp the first answer from each host port (the sample app
 *    reports its port). Measured twice: "cold", the service's first tasks, which the listener
 *    reaches while no target is healthy yet (fail-open, as ALB), and "gated", the new tasks of the
 *    rolling deployment, which join a group of healthy targets and so wait for their health checks.
 *  - a 10-task rolling deployment (min 100 %, max 200 %, deregistration delay 5 s), started once all
 *    10 first targets are healthy: from UpdateService to rolloutState COMPLETED, and to every old
 *    task STOPPED.
 *
 * Everything it started is stopped before it returns: the service is deleted and its tasks waited
 * for (tasks outlive Berth by design), then Berth, then the data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ecs from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as ec2 from '@aws-sdk/client-ec2';
import { startBerth } from '../src/main/up.js';
import { median } from './stats.js';
import { parseUpConfig } from '../src/main/config.js';
import { silentLogger } from '../src/platform/logger.js';
import { keys } from '../src/domain/keys.js';
import type { TaskRecord } from '../src/domain/ecs/records.js';
import { stopAllTasks } from '../test/support/stop-everything.js';
import { freePort } from '../src/platform/free-port.js';

// Berth supports Node 20; the SDK's notice that its 2027 releases will not would clutter the tables.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SAMPLE_APP = fileURLToPath(new URL('../examples/sample-app/server.js', import.meta.url));
const TASKS = 10;
const CLUSTER = 'default';

export interface EndToEndFigures {
  /** Per first task, ms from lastStatus RUNNING to its first proxied answer (no target healthy yet: fail-open). */
  coldRunningToFirstRequestMs: number[];
  /** Per rollout task, ms from lastStatus RUNNING to its first proxied answer (joining healthy targets). */
  gatedRunningToFirstRequestMs: number[];
  /** ms from CreateService to all 10 targets healthy. */
  allHealthyMs: number;
  /** ms from UpdateService to the new deployment's rolloutState COMPLETED. */
  rolloutCompletedMs: number;
  /** ms from UpdateService to every old task STOPPED. */
  oldTasksStoppedMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Pollers on the listener: the first time each host port answered (performance.now()). */
function pollListener(url: string, concurrency = 2): { firstSeen: Map<number, number>; stop: () => Promise<void> } {
  const firstSeen = new Map<number, number>();
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        const at = performance.now();
        if (r.status === 200) {
          const { port } = (await r.json()) as { port: number };
          if (!firstSeen.has(port)) firstSeen.set(port, at);
        } else await r.arrayBuffer();
      } catch {
        /* nothing routable yet */
      }
      await sleep(5);
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return { firstSeen, stop: async () => void ((running = false), await Promise.all(loops)) };
}

export async function measureEndToEnd(log: (line: string) => void = () => {}): Promise<EndToEndFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-e2e-'));
  const berth = await startBerth(parseUpConfig(['--data-dir', dataDir, '--api-port', '0', '--no-demo', '--runtime', 'process'], {}), silentLogger);
  const cfg = { endpoint: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const ecsClient = new ecs.ECSClient(cfg);
  const lbClient = new elbv2.ElasticLoadBalancingV2Client(cfg);
  const ec2Client = new ec2.EC2Client(cfg);
  const running = new Map<string, { at: number; port: number }>();
  const watch = berth.store.watch(keys.tasks(CLUSTER), {
    fromRevision: await berth.store.revision(),
    onEvents: (events) => {
      const at = performance.now();
      for (const e of events) {
        const t = e.value as TaskRecord | undefined;
        const port = t?.containers[0]?.networkBindings[0]?.hostPort;
        if (e.type === 'put' && t?.lastStatus === 'RUNNING' && port !== undefined && !running.has(t.taskArn)) running.set(t.taskArn, { at, port });
      }
    },
  });
  try {
    const subnets = ((await ec2Client.send(new ec2.DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => s.SubnetId!);
    const vpcId = (await ec2Client.send(new ec2.DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
    const lb = (await lbClient.send(new elbv2.CreateLoadBalancerCommand({ Name: 'bench', Scheme: 'internal', Subnets: subnets }))).LoadBalancers![0]!;
    const tg = (
      await lbClient.send(
        new elbv2.CreateTargetGroupCommand({
          Name: 'bench-web',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: vpcId,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
          HealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!;
    await lbClient.send(
      new elbv2.ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }],
      }),
    );
    const listenerPort = await freePort();
    await lbClient.send(
      new elbv2.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: listenerPort,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    const register = async (version: string) =>
      (
        await ecsClient.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'bench-web',
            containerDefinitions: [
              {
                name: 'web',
                image: 'sample-app',
                entryPoint: [process.execPath, SAMPLE_APP],
                memory: 64,
                essential: true,
                environment: [{ name: 'APP_VERSION', value: version }],
                portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
              },
            ],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    const td1 = await register('v1');

    // 1. A service of 10: RUNNING → first proxied request, per task.
    const url = `http://127.0.0.1:${listenerPort}/`;
    const poller = pollListener(url);
    const created = performance.now();
    await ecsClient.send(
      new ecs.CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'bench-web',
        taskDefinition: td1,
        desiredCount: TASKS,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'web', containerPort: 8080 }],
      }),
    );
    await until('10 tasks answering through the listener', 60_000, async () => {
      const ports = [...running.values()].map((r) => r.port);
      return ports.length >= TASKS && ports.every((p) => poller.firstSeen.has(p)) ? true : undefined;
    });
    await poller.stop();
    const coldRunningToFirstRequestMs = [...running.values()].map((r) => poller.firstSeen.get(r.port)! - r.at);
    log(`  cold: RUNNING → first proxied request, median ${median(coldRunningToFirstRequestMs).toFixed(0)} ms over ${TASKS} tasks`);
    await until('10 healthy targets', 90_000, async () => {
      const h = (await lbClient.send(new elbv2.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions ?? [];
      return h.length === TASKS && h.every((d) => d.TargetHealth?.State === 'healthy') ? true : undefined;
    });
    const allHealthyMs = performance.now() - created;
    log(`  CreateService → ${TASKS} targets healthy: ${(allHealthyMs / 1000).toFixed(1)} s`);
    await until('the service stable', 60_000, async () => {
      const s = (await ecsClient.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['bench-web'] }))).services![0]!;
      return s.runningCount === TASKS && s.deployments?.length === 1 ? true : undefined;
    });

    // 2. A rolling deployment of the 10 to a new revision.
    const oldArns = [...running.keys()];
    const td2 = await register('v2');
    const rollPoller = pollListener(url);
    const t0 = performance.now();
    await ecsClient.send(new ecs.UpdateServiceCommand({ cluster: CLUSTER, service: 'bench-web', taskDefinition: td2 }));
    let rolloutCompletedMs: number | undefined;
    let oldTasksStoppedMs: number | undefined;
    await until('the rollout COMPLETED with every old task STOPPED', 120_000, async () => {
      if (rolloutCompletedMs === undefined) {
        const s = (await ecsClient.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['bench-web'] }))).services![0]!;
        const primary = s.deployments?.find((d) => d.status === 'PRIMARY');
        if (primary?.taskDefinition === td2 && primary.rolloutState === 'COMPLETED') rolloutCompletedMs = performance.now() - t0;
      }
      if (oldTasksStoppedMs === undefined) {
        const tasks = (await ecsClient.send(new ecs.DescribeTasksCommand({ cluster: CLUSTER, tasks: oldArns }))).tasks ?? [];
        if (tasks.length === oldArns.length && tasks.every((t) => t.lastStatus === 'STOPPED')) oldTasksStoppedMs = performance.now() - t0;
      }
      return rolloutCompletedMs !== undefined && oldTasksStoppedMs !== undefined ? true : undefined;
    });
    await until('every new task answering through the listener', 30_000, async () => {
      const fresh = [...running].filter(([arn]) => !oldArns.includes(arn)).map(([, r]) => r.port);
      return fresh.length >= TASKS && fresh.every((p) => rollPoller.firstSeen.has(p)) ? true : undefined;
    });
    await rollPoller.stop();
    const gatedRunningToFirstRequestMs = [...running].filter(([arn]) => !oldArns.includes(arn)).map(([, r]) => rollPoller.firstSeen.get(r.port)! - r.at);
    log(
      `  gated: RUNNING → first proxied request, median ${median(gatedRunningToFirstRequestMs).toFixed(0)} ms over ${gatedRunningToFirstRequestMs.length} tasks`,
    );
    log(
      `  rolling deployment of ${TASKS}: COMPLETED after ${(rolloutCompletedMs! / 1000).toFixed(1)} s, old tasks stopped after ${(oldTasksStoppedMs! / 1000).toFixed(1)} s`,
    );
    return {
      coldRunningToFirstRequestMs,
      gatedRunningToFirstRequestMs,
      allHealthyMs,
      rolloutCompletedMs: rolloutCompletedMs!,
      oldTasksStoppedMs: oldTasksStoppedMs!,
    };
  } finally {
    watch.close();
    try {
      await stopAllTasks(berth.apiUrl, 60_000);
    } finally {
      ecsClient.destroy();
      lbClient.destroy();
      ec2Client.destroy();
      await berth.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
