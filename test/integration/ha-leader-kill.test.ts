/**
 * High availability with real processes on loopback: a 3-member etcd, two `berth server` replicas
 * on it (A leads, B waits), one `berth agent` (process runtime) attached to B, and steady load
 * through B's load-balancer node. kill -9 of the leader in the middle of a rolling deployment:
 * B leads within one TTL, the deployment completes, no request fails, and no task is lost or doubled.
 * Then one etcd member is killed: API writes go on, and the member catches up after a restart.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ModifyTargetGroupAttributesCommand,
  waitUntilTargetInService,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { removeDataDir, repoRoot, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { startAgentProcess } from '../support/agent-process.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { etcdRequirement, startEtcdCluster, type EtcdCluster } from '../support/etcd-cluster.js';
import { eventually } from '../support/eventually.js';
import { startLoad } from '../support/load-loop.js';
import { ecsClient, elbv2Client } from '../support/sdk-clients.js';
import { freePort } from '../../src/platform/free-port.js';
import { EtcdStore } from '../../src/store/etcd-store.js';
import { LEADER_KEY, type LeaderRecord } from '../../src/store/etcd-leader-election.js';

const skip = etcdRequirement();
const TTL_S = 2;

describe('two berth servers on a 3-member etcd', { skip }, () => {
  let etcd: EtcdCluster | undefined;
  let watcher: EtcdStore | undefined;
  const servers: BerthProcess[] = [];
  const agents: ChildProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    const alive = servers.find((s) => s.child.exitCode === null && s.child.signalCode === null);
    if (alive) await stopAllTasks(alive.apiUrl, 45_000).catch(() => undefined);
    for (const a of agents) a.kill('SIGTERM');
    for (const s of servers) await s.stop();
    for (const s of servers) removeDataDir(s.dataDir);
    for (const d of dirs) removeDataDir(d);
    await watcher?.close();
    await etcd?.stop();
  });

  const leader = async () => (await watcher!.get<LeaderRecord>(LEADER_KEY))?.value.holder;
  const serverArgs = (internal: string) => ['--store', etcd!.storeUrl, '--leader-ttl', String(TTL_S), '--internal-address', internal];

  test('kill -9 the leader mid-deployment: a new leader within one TTL, the deployment completes, zero failed requests', { timeout: 240_000 }, async () => {
    etcd = await startEtcdCluster({ members: 3 });
    watcher = await EtcdStore.connect({ endpoints: etcd.endpoints });
    const a = await startBerthProcess({ command: 'server', args: serverArgs('127.0.0.11') });
    servers.push(a);
    const aId = await eventually(leader, { what: 'server A leads', timeoutMs: 15_000, intervalMs: 100 });
    const b = await startBerthProcess({ command: 'server', args: serverArgs('127.0.0.12') });
    servers.push(b);
    const dir = mkdtempSync(join(tmpdir(), 'berth-ha-agent-'));
    dirs.push(dir);
    agents.push(
      await startAgentProcess(['--server', b.apiUrl, '--advertise-ip', '127.0.0.2', '--state-dir', dir, '--runtime', 'process', '--log-level', 'warn']),
    );

    // Everything through B, which does not lead: every replica serves the whole API.
    const ecs = ecsClient(b.apiUrl);
    const elb = elbv2Client(b.apiUrl);
    // A read through one replica right after a write through the other sees it (reads go to etcd, linearizable).
    const ecsA = ecsClient(a.apiUrl);
    for (let i = 0; i < 5; i++) {
      const written = (await ecsA.send(new RegisterTaskDefinitionCommand({ family: 'rw', containerDefinitions: [{ name: 'x', image: 'x', memory: 8 }] })))
        .taskDefinition!;
      const read = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rw' }))).taskDefinition!;
      assert.equal(read.revision, written.revision);
    }
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'ha', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'ha',
          Protocol: 'HTTP',
          Port: 8080,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
          HealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!;
    await elb.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '2' }] }),
    );
    const port = await freePort('127.0.0.1');
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    const register = async (version: string) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'ha',
            containerDefinitions: [
              {
                name: 'app',
                image: 'sample-app',
                memory: 32,
                environment: [{ name: 'VERSION', value: version }],
                entryPoint: ['node', join(repoRoot, 'examples/sample-app/server.js')],
                portMappings: [{ containerPort: 8080, hostPort: 0 }],
              },
            ],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    const v1 = await register('v1');
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'ha',
        taskDefinition: v1,
        desiredCount: 2,
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'app', containerPort: 8080 }],
      }),
    );
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 90 }, { services: ['ha'] });
    await waitUntilTargetInService({ client: elb, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { TargetGroupArn: tg.TargetGroupArn });

    // Steady load through B's load-balancer node, which outlives A.
    const load = startLoad(`http://127.0.0.12:${port}/`, { concurrency: 2, maxMs: 180_000 });
    await eventually(() => (load.snapshot().ok > 20 ? true : undefined), { what: 'load flowing through B', timeoutMs: 15_000, intervalMs: 100 });
    const v2 = await register('v2');
    await ecs.send(new UpdateServiceCommand({ service: 'ha', taskDefinition: v2 }));
    const tasksOf = async () => {
      const arns = (await ecs.send(new ListTasksCommand({ serviceName: 'ha' }))).taskArns ?? [];
      return arns.length ? (await ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks! : [];
    };
    // Mid-deployment: the leader already started a v2 task, the v1 tasks are still there.
    await eventually(async () => ((await tasksOf()).some((t) => t.taskDefinitionArn === v2) ? true : undefined), {
      what: 'a v2 task started',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const killedAt = Date.now();
    await a.kill9();
    const bId = await eventually(
      async () => {
        const h = await leader();
        return h !== undefined && h !== aId ? h : undefined;
      },
      { what: 'B leads', timeoutMs: TTL_S * 1000 + 5_000, intervalMs: 50 },
    );
    const movedMs = Date.now() - killedAt;
    console.log(`leadership moved from A to B ${movedMs} ms after kill -9 (TTL ${TTL_S} s)`);
    assert.notEqual(bId, aId);
    assert.ok(movedMs <= TTL_S * 1000 + 1_000, `leadership took ${movedMs} ms to move`);

    const completed = await eventually(
      async () => {
        const s = (await ecs.send(new DescribeServicesCommand({ services: ['ha'] }))).services![0]!;
        const primary = s.deployments!.find((d) => d.status === 'PRIMARY')!;
        return s.deployments!.length === 1 && primary.taskDefinition === v2 && primary.rolloutState === 'COMPLETED' ? s : undefined;
      },
      { what: 'the v2 deployment completed under B', timeoutMs: 90_000, intervalMs: 500 },
    );
    assert.equal(completed.runningCount, 2);
    const result = await load.stop();
    console.log(
      `load through B: ${result.total} requests, ${result.total - result.ok} failed, bodies ${JSON.stringify([...result.bodies.keys()].map((x) => x.slice(0, 40)))}`,
    );
    assert.ok(result.total > 100, `load ran (${result.total})`);
    assert.equal(result.total - result.ok, 0, `failed requests: ${JSON.stringify([...result.failures])}`);
    const running = (await tasksOf()).filter((t) => t.desiredStatus === 'RUNNING');
    assert.equal(running.length, 2, 'no task lost or doubled');
    assert.ok(running.every((t) => t.taskDefinitionArn === v2));

    // kill -9 one etcd member: API writes go on; the member catches up after a restart.
    await etcd.kill(2);
    for (let i = 0; i < 5; i++)
      await ecs.send(new RegisterTaskDefinitionCommand({ family: 'ha-after', containerDefinitions: [{ name: 'x', image: 'x', memory: 8 }] }));
    await etcd.restart(2);
    await etcd.healthy();
    const lagging = await EtcdStore.connect({ endpoints: [etcd.endpoints[2]!] });
    try {
      await eventually(async () => ((await lagging.list('/berth/ecs/task-definitions/ha-after/')).records.length === 5 ? true : undefined), {
        what: 'the restarted member caught up',
        timeoutMs: 20_000,
      });
    } finally {
      await lagging.close();
    }
  });
});
