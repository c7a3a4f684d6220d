/**
 * All of etcd away for 30 s under one `berth server` and one agent (process runtime): the tasks keep
 * running untouched, the API answers AWS server errors within its deadline instead of hanging, and
 * once etcd is back everything converges with the very same tasks (none lost, none duplicated).
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
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
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

const skip = etcdRequirement();
const OUTAGE_MS = 30_000;

describe('berth server on etcd, with all of etcd stopped for 30 s', { skip }, () => {
  let etcd: EtcdCluster | undefined;
  let server: BerthProcess | undefined;
  const agents: ChildProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    if (server) await stopAllTasks(server.apiUrl, 45_000).catch(() => undefined);
    for (const a of agents) a.kill('SIGTERM');
    await server?.stop();
    if (server) removeDataDir(server.dataDir);
    for (const d of dirs) removeDataDir(d);
    await etcd?.stop();
  });

  test('tasks untouched, the API answers server errors, everything converges when etcd is back', { timeout: 240_000 }, async () => {
    etcd = await startEtcdCluster({ members: 3 });
    server = await startBerthProcess({ command: 'server', args: ['--store', etcd.storeUrl, '--leader-ttl', '2', '--internal-address', '127.0.0.13'] });
    const dir = mkdtempSync(join(tmpdir(), 'berth-outage-agent-'));
    dirs.push(dir);
    agents.push(
      await startAgentProcess(['--server', server.apiUrl, '--advertise-ip', '127.0.0.4', '--state-dir', dir, '--runtime', 'process', '--log-level', 'warn']),
    );
    const ecs = ecsClient(server.apiUrl, { maxAttempts: 1 });
    const elb = elbv2Client(server.apiUrl);
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'outage', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'outage',
          Protocol: 'HTTP',
          Port: 8080,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
          HealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!;
    const port = await freePort('127.0.0.1');
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    const td = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'outage',
          containerDefinitions: [
            {
              name: 'app',
              image: 'sample-app',
              memory: 32,
              entryPoint: ['node', join(repoRoot, 'examples/sample-app/server.js')],
              portMappings: [{ containerPort: 8080, hostPort: 0 }],
            },
          ],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'outage',
        taskDefinition: td,
        desiredCount: 2,
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'app', containerPort: 8080 }],
      }),
    );
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 90 }, { services: ['outage'] });
    await waitUntilTargetInService({ client: elb, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { TargetGroupArn: tg.TargetGroupArn });
    const runningTasks = async () => {
      const arns = (await ecs.send(new ListTasksCommand({ serviceName: 'outage', desiredStatus: 'RUNNING' }))).taskArns ?? [];
      return (await ecs.send(new DescribeTasksCommand({ tasks: arns })))
        .tasks!.filter((t) => t.lastStatus === 'RUNNING')
        .map((t) => t.taskArn!)
        .sort();
    };
    const before = await runningTasks();
    assert.equal(before.length, 2);
    const pidsOf = async () => {
      const pids = new Set<number>();
      for (let i = 0; i < 10; i++) {
        const r = await fetch(`http://127.0.0.13:${port}/`);
        pids.add(((await r.json()) as { pid: number }).pid);
      }
      return [...pids].sort();
    };
    const pidsBefore = await pidsOf();

    const load = startLoad(`http://127.0.0.13:${port}/`, { concurrency: 2, maxMs: 120_000 });
    for (let i = 0; i < 3; i++) await etcd.kill(i);
    const downAt = Date.now();
    // The API: a server error, within the store's deadline, every time.
    const answers: string[] = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      const t0 = Date.now();
      const err = await ecs.send(new DescribeServicesCommand({ services: ['outage'] })).then(
        () => undefined,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e,
      );
      const took = Date.now() - t0;
      assert.ok(err, 'DescribeServices answered with etcd down');
      assert.equal(err.name, 'ServerException');
      assert.equal(err.$metadata?.httpStatusCode, 500);
      assert.ok(took < 12_000, `the API took ${took} ms to answer`);
      answers.push(`${err.name} in ${took} ms`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const during = load.snapshot();
    console.log(
      `etcd down ${Date.now() - downAt} ms: API answers ${answers.join(', ')}; load ${during.total} requests, ${[...during.failures.values()].reduce((a, b) => a + b, 0)} failed`,
    );
    for (let i = 0; i < 3; i++) await etcd.restart(i);
    await etcd.healthy();

    await eventually(async () => ((await runningTasks()).length === 2 ? true : undefined), {
      what: 'the API answers again',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { services: ['outage'] });
    assert.deepEqual(await runningTasks(), before, 'the same tasks, none replaced, none added');
    assert.deepEqual(await pidsOf(), pidsBefore, 'the same processes serve');
    const result = await load.stop();
    console.log(`load through the outage: ${result.total} requests, ${result.total - result.ok} failed ${JSON.stringify([...result.failures])}`);
    assert.equal(result.total - result.ok, 0, `failed requests: ${JSON.stringify([...result.failures])}`);

    // Restart every Berth process (server on its data dir, agent on its state dir): the same tasks, none orphaned, duplicated or lost.
    const agentExited = new Promise((r) => agents[0]!.once('exit', r));
    agents[0]!.kill('SIGTERM');
    await agentExited;
    await server.stop();
    server = await startBerthProcess({
      command: 'server',
      dataDir: server.dataDir,
      args: ['--store', etcd.storeUrl, '--leader-ttl', '2', '--internal-address', '127.0.0.13'],
    });
    agents[0] = await startAgentProcess([
      '--server',
      server.apiUrl,
      '--advertise-ip',
      '127.0.0.4',
      '--state-dir',
      dir,
      '--runtime',
      'process',
      '--log-level',
      'warn',
    ]);
    const ecs2 = ecsClient(server.apiUrl);
    const again = async () => {
      const arns = (await ecs2.send(new ListTasksCommand({ serviceName: 'outage', desiredStatus: 'RUNNING' }))).taskArns ?? [];
      return (await ecs2.send(new DescribeTasksCommand({ tasks: arns })))
        .tasks!.filter((t) => t.lastStatus === 'RUNNING')
        .map((t) => t.taskArn!)
        .sort();
    };
    await waitUntilServicesStable({ client: ecs2, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { services: ['outage'] });
    await eventually(async () => ((await pidsOf().catch(() => [])).join() === pidsBefore.join() ? true : undefined), {
      what: 'the same processes serve after the restart',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    assert.deepEqual(await again(), before, 'the same tasks after restarting every process');
    const stopped = (await ecs2.send(new ListTasksCommand({ serviceName: 'outage', desiredStatus: 'STOPPED' }))).taskArns ?? [];
    assert.deepEqual(stopped, [], 'no task was replaced');
  });
});
