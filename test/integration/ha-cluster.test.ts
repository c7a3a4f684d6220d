/**
 * Issue 14's tests with real processes on loopback, on one cluster (test/support/ha-cluster.ts): a
 * 3-member etcd, two servers, two agents (127.0.0.2, 127.0.0.3) and two `berth lb` nodes (127.0.0.21,
 * 127.0.0.22). Steady load goes through both nodes and every failed request is counted. In sequence:
 * kill -9 the leader mid rolling deployment; kill -9 one etcd member; all of etcd away for 30 s;
 * kill -9 a load-balancer node; restart every process; drain a host. Everything runs `--auth sigv4`:
 * the protocols refuse unsigned calls, and the agents' host flags, remote logs and one task per host
 * (what multi-host.test.ts covered on a server of its own) are checked on the way, as is `berth status --json`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import {
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
  UpdateServiceCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
  waitUntilTargetInService,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { repoRoot } from '../support/berth-process.js';
import { etcdRequirement } from '../support/etcd-cluster.js';
import { eventually } from '../support/eventually.js';
import { AGENT_IPS, HA_KEY, LB_IPS, startHaCluster, type HaCluster } from '../support/ha-cluster.js';
import { signRequest } from '../../src/platform/sigv4.js';
import { signedHeaders } from '../../src/protocols/signing.js';
import { startLoad, type LoadLoop, type LoadResult } from '../support/load-loop.js';
import { freePort } from '../../src/platform/free-port.js';
import type { SystemReport } from '../../src/control-plane/servers/system-report.js';
import type { TargetRecord } from '../../src/domain/elbv2/target.js';
import { berthCli } from './cli-harness.js';

const skip = etcdRequirement();
const CLI_ENV = { AWS_ACCESS_KEY_ID: HA_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: HA_KEY.secretAccessKey };
const OUTAGE_MS = 30_000;
/**
 * spawn → first 200 of a restarted lb node: issue 14's 2 s. On a quiet 2-core machine the node serves
 * in ~0.3-0.4 s (bench/lb-spawn.bench.ts), and in CI's suite ~0.7 s. A loaded machine stretches
 * each of the three Node starts, so the bound grows with the load average over the cores, never below
 * the goal itself.
 */
function restartedLbBoundMs(): number {
  return Math.round(2_000 * Math.max(1, loadavg()[0]! / availableParallelism()));
}

async function statusOf(url: string): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

const failed = (r: LoadResult): number => r.total - r.ok;
const describeLoad = (r: LoadResult): string => `${r.total} requests, ${failed(r)} failed ${JSON.stringify([...r.failures])}`;

describe('the HA cluster: 3 etcd members, 2 servers, 2 agents, 2 lb nodes', { skip }, () => {
  let ha: HaCluster;
  let ecs: ECSClient;
  let port: number;
  let v2: string;
  const urls = (): string[] => LB_IPS.map((ip) => `http://${ip}:${port}/`);
  const loadThroughBoth = async (maxMs: number): Promise<LoadLoop[]> => {
    const loads = urls().map((u) => startLoad(u, { concurrency: 2, maxMs }));
    await eventually(() => (loads.every((l) => l.snapshot().ok > 10) ? true : undefined), {
      what: 'load flowing through both nodes',
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    return loads;
  };
  const tasksOf = async (client: ECSClient, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<Task[]> => {
    const arns = (await client.send(new ListTasksCommand({ serviceName: 'web', desiredStatus }))).taskArns ?? [];
    return arns.length ? ((await client.send(new DescribeTasksCommand({ tasks: arns }))).tasks ?? []) : [];
  };
  const runningArns = async (client: ECSClient): Promise<string[]> =>
    (await tasksOf(client, 'RUNNING'))
      .filter((t) => t.lastStatus === 'RUNNING')
      .map((t) => t.taskArn ?? '')
      .sort();
  /** The pids that answer through one node (the sample app says which process served). */
  const pidsThrough = async (url: string): Promise<number[]> => {
    const pids = new Set<number>();
    for (let i = 0; i < 12; i++) pids.add(((await (await fetch(url)).json()) as { pid: number }).pid);
    return [...pids].sort();
  };
  /** The console's /system read (what `berth status` prints), straight, for polling. */
  const system = async (server: number): Promise<SystemReport> => {
    const url = new URL(`${ha.serverUrls[server]}/berth/console/v1/system`);
    const r = await fetch(url, { headers: signedHeaders('GET', url, {}, Buffer.alloc(0), HA_KEY, Date.now()) });
    assert.equal(r.status, 200);
    return (await r.json()) as SystemReport;
  };
  const status = async (server: number): Promise<SystemReport> => {
    const r = await berthCli(ha.serverUrls[server] ?? '', ['status', '--json'], { env: CLI_ENV });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { system: SystemReport }).system;
  };

  before(async () => {
    // Host flags reach each agent's container instance.
    ha = await startHaCluster({ ttlSeconds: 2, agentArgs: (ip) => ['--attribute', `rack=${ip}`, '--reserved-ports-udp', '5353', '--memory-reserve', '512'] });
  });
  after(async () => {
    await ha?.stop();
  });

  test('the agent and load-balancer protocols refuse unsigned and wrongly signed calls', async () => {
    const base = ha.serverUrls[0] ?? '';
    const unsigned = await fetch(`${base}/berth/agent/v1/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    // The agent protocol answers auth failures as ECS's JSON does: 400.
    assert.equal(unsigned.status, 400);
    assert.equal(((await unsigned.json()) as { code: string }).code, 'MissingAuthenticationTokenException');
    const logs = await fetch(`${base}/berth/agent/v1/logs?task=x&container=y`);
    assert.equal(logs.status, 400);
    await logs.arrayBuffer();
    const routing = await fetch(`${base}/berth/lb/v1/routing`);
    assert.equal(((await routing.json()) as { code: string }).code, 'MissingAuthenticationTokenException');
    const url = new URL(`${base}/berth/agent/v1/heartbeat`);
    const body = Buffer.from('{}');
    const headers = { 'content-type': 'application/json', host: url.host };
    const bad = signRequest({ method: 'POST', url: url.pathname, headers, body }, { ...HA_KEY, secretAccessKey: 'wrong' }, Date.now(), 'us-east-1', 'berth');
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...bad }, body });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { code: string }).code, 'InvalidSignatureException');
  });

  test('set-up: a service behind a listener on both nodes; reads through one replica see writes through the other', { timeout: 180_000 }, async () => {
    ecs = ha.ecs(1);
    const elb = ha.elb(1);
    const ecsOther = ha.ecs(0);
    const arns = (await ecs.send(new ListContainerInstancesCommand({}))).containerInstanceArns ?? [];
    assert.equal(arns.length, 2, 'one container instance per agent');
    const instances = (await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: arns }))).containerInstances ?? [];
    assert.ok(instances.every((i) => i.agentConnected && /^i-[0-9a-f]{17}$/.test(i.ec2InstanceId ?? '')));
    assert.deepEqual(instances.map((i) => i.attributes?.find((a) => a.name === 'rack')?.value).sort(), [...AGENT_IPS]);
    for (const i of instances) assert.deepEqual(i.registeredResources?.find((r) => r.name === 'PORTS_UDP')?.stringSetValue, ['5353']);
    for (let i = 0; i < 3; i++) {
      const written = (await ecsOther.send(new RegisterTaskDefinitionCommand({ family: 'rw', containerDefinitions: [{ name: 'x', image: 'x', memory: 8 }] })))
        .taskDefinition?.revision;
      const read = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rw' }))).taskDefinition?.revision;
      assert.equal(read, written);
    }
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'ha', Scheme: 'internal' }))).LoadBalancers?.[0];
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
    ).TargetGroups?.[0];
    assert.ok(lb?.LoadBalancerArn && tg?.TargetGroupArn);
    await elb.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '2' }] }),
    );
    port = await freePort(LB_IPS[0]);
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    const v1 = await register('v1');
    v2 = await register('v2');
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'web',
        taskDefinition: v1,
        desiredCount: 2,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'app', containerPort: 8080 }],
      }),
    );
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 120 }, { services: ['web'] });
    await waitUntilTargetInService({ client: elb, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { TargetGroupArn: tg.TargetGroupArn });
    const tasks = await tasksOf(ecs, 'RUNNING');
    const bindings = tasks.map((t) => t.containers?.[0]?.networkBindings?.[0]);
    assert.deepEqual(bindings.map((b) => b?.bindIP).sort(), [...AGENT_IPS], 'one task per agent, published on its own address');
    for (const b of bindings) assert.equal(await statusOf(`http://${b?.bindIP}:${b?.hostPort}/`), 200);
    const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions ?? [];
    assert.equal(new Set(health.map((h) => h.Target?.Id)).size, 2, 'two instances in the target group');
    assert.ok(health.every((h) => h.TargetHealth?.State === 'healthy'));
    assert.equal((await pidsThrough(urls()[0] ?? '')).length, 2, 'requests through the listener reach both hosts');
    // berth logs of a task on a remote agent: the server asks that agent, signing with its key.
    for (const t of tasks) {
      const out = await eventually(
        async () => {
          const r = await berthCli(ha.serverUrls[0] ?? '', ['logs', t.taskArn ?? '', '--tail', '5'], { env: CLI_ENV });
          return r.code === 0 && r.stdout.includes('"msg":"listening"') ? r : undefined;
        },
        { what: `berth logs of the task on ${t.containers?.[0]?.networkBindings?.[0]?.bindIP}`, timeoutMs: 30_000, intervalMs: 250 },
      );
      assert.match(out.stdout, /"msg":"listening"/);
    }
    // The agents' log routes refuse a caller without the key.
    const direct = await fetch(
      `http://${AGENT_IPS[0]}:51678/berth/agent/v1/logs?cluster=default&task=${encodeURIComponent(tasks[0]?.taskArn ?? '')}&container=app`,
    );
    assert.equal(direct.status, 403);
    await direct.arrayBuffer();
    for (const u of urls()) await eventually(async () => ((await fetch(u)).status === 200 ? true : undefined), { what: `${u} serves`, timeoutMs: 15_000 });

    // berth status, asked of either server, shows the whole system.
    await eventually(
      async () => {
        const r = await system(0);
        return r.lbNodes.filter((n) => n.fresh).length === 2 && r.agents.filter((a) => a.agentConnected).length === 2 && r.leader ? r : undefined;
      },
      { what: 'two fresh lb nodes, two connected agents and a leader', timeoutMs: 30_000, intervalMs: 500 },
    );
    const report = await status(0);
    assert.deepEqual(
      report.lbNodes.map((n) => n.advertiseAddress),
      [...LB_IPS],
    );
    assert.equal(report.servers.length, 2);
    assert.equal(report.servers.filter((s) => s.leader).length, 1);
    assert.equal(report.store.kind, 'etcd');
    assert.equal(report.store.members?.length, 3);
    assert.ok(report.store.members?.every((m) => m.healthy));
    assert.ok(report.lbNodes.every((n) => Date.now() - n.lastSeenAt < 20_000));
    const other = await system(1);
    assert.deepEqual(
      other.lbNodes.map((n) => n.nodeId),
      report.lbNodes.map((n) => n.nodeId),
    );
    assert.equal(other.agents.length, AGENT_IPS.length);

    // A quiet cluster writes nothing: over two heartbeat rounds of every node and agent, etcd's revision stays put.
    const written = async (after: number): Promise<string[]> => {
      const store = await ha.memberStore(0);
      try {
        return (await store.list('/')).records.filter((r) => r.modRevision > after).map((r) => `${r.key}@${r.modRevision}`);
      } finally {
        await store.close();
      }
    };
    const revisionAt = async (): Promise<number> => {
      const store = await ha.memberStore(0);
      try {
        return await store.revision();
      } finally {
        await store.close();
      }
    };
    // Settled first: each node's own verdict on each target is in (a later report would be a real write).
    await eventually(
      async () => {
        const store = await ha.memberStore(0);
        try {
          const targets = (await store.list<TargetRecord>('/berth/elbv2/targets/')).records.map((r) => r.value);
          const settled = targets.length === 2 && targets.every((t) => LB_IPS.every((ip) => t.nodeHealth?.[`lb-${ip}`]?.state === 'healthy'));
          return settled ? true : undefined;
        } finally {
          await store.close();
        }
      },
      { what: 'both nodes see both targets healthy', timeoutMs: 30_000, intervalMs: 500 },
    );
    const quietFrom = await revisionAt();
    const seen = (await system(0)).lbNodes.map((n) => n.lastSeenAt);
    await eventually(
      async () => {
        const r = await system(0);
        return r.lbNodes.every((n, i) => n.lastSeenAt > (seen[i] ?? 0) + 5_000) ? true : undefined;
      },
      { what: 'two more heartbeats from each node', timeoutMs: 30_000, intervalMs: 1_000 },
    );
    assert.deepEqual(await written(quietFrom), [], 'a quiet cluster wrote to the store');
  });

  test('a server with another secrets key refuses to start, naming the key files', { timeout: 60_000 }, async () => {
    const stranger = await ha.extraServer();
    await assert.rejects(stranger.start(), (err: Error) => {
      assert.match(err.message, /secrets\.key is not the one the other servers on this store use/);
      assert.match(err.message, /--secrets-key-file/);
      return true;
    });
  });

  test('kill -9 the leader mid rolling deployment: a new leader within one TTL, the deployment completes, zero failed requests', {
    timeout: 180_000,
  }, async () => {
    const loads = await loadThroughBoth(150_000);
    const first = await eventually(() => ha.leader(), { what: 'a leader', timeoutMs: 10_000, intervalMs: 100 });
    // Clients on the replica that survives.
    ecs = ha.ecs(1 - first);
    await ecs.send(new UpdateServiceCommand({ service: 'web', taskDefinition: v2 }));
    await eventually(async () => ((await tasksOf(ecs, 'RUNNING')).some((t) => t.taskDefinitionArn === v2) ? true : undefined), {
      what: 'a v2 task started',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const killedAt = Date.now();
    await ha.servers[first]?.kill9();
    const next = await eventually(async () => ((await ha.leader()) === 1 - first ? true : undefined), {
      what: 'the other server leads',
      timeoutMs: ha.ttlSeconds * 1000 + 5_000,
      intervalMs: 50,
    });
    const movedMs = Date.now() - killedAt;
    console.log(`leadership moved ${movedMs} ms after kill -9 (TTL ${ha.ttlSeconds} s)`);
    assert.ok(next);
    assert.ok(movedMs <= ha.ttlSeconds * 1000 + 1_000, `leadership took ${movedMs} ms to move`);
    const done = await eventually(
      async () => {
        const s = (await ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services?.[0];
        const d = s?.deployments ?? [];
        return d.length === 1 && d[0]?.taskDefinition === v2 && d[0]?.rolloutState === 'COMPLETED' ? s : undefined;
      },
      { what: 'the v2 deployment completed under the new leader', timeoutMs: 90_000, intervalMs: 500 },
    );
    assert.equal(done.runningCount, 2);
    const results = await Promise.all(loads.map((l) => l.stop()));
    for (const [i, r] of results.entries()) {
      console.log(`load through ${LB_IPS[i]} across the leader kill: ${describeLoad(r)}`);
      assert.equal(failed(r), 0, `failed requests at ${LB_IPS[i]}: ${describeLoad(r)}`);
    }
    const running = await tasksOf(ecs, 'RUNNING');
    assert.equal(running.length, 2, 'no task lost or doubled');
    assert.ok(running.every((t) => t.taskDefinitionArn === v2));
    // The killed server comes back for the rest of the sequence.
    await ha.servers[first]?.start();
  });

  test('kill -9 one etcd member: API writes go on, and the member catches up after a restart', { timeout: 60_000 }, async () => {
    await ha.etcd.kill(2);
    for (let i = 0; i < 5; i++)
      await ecs.send(new RegisterTaskDefinitionCommand({ family: 'after-member', containerDefinitions: [{ name: 'x', image: 'x', memory: 8 }] }));
    await ha.etcd.restart(2);
    await ha.etcd.healthy();
    const lagging = await ha.memberStore(2);
    try {
      await eventually(async () => ((await lagging.list('/berth/ecs/task-definitions/after-member/')).records.length === 5 ? true : undefined), {
        what: 'the restarted member caught up',
        timeoutMs: 20_000,
      });
    } finally {
      await lagging.close();
    }
  });

  test('all of etcd away for 30 s: zero failed requests at both nodes, tasks untouched, the API answers server errors, then converges', {
    timeout: 150_000,
  }, async () => {
    const before = await runningArns(ecs);
    const pidsBefore = await Promise.all(urls().map(pidsThrough));
    const loads = await loadThroughBoth(120_000);
    const single = ha.ecs(0, { maxAttempts: 1 });
    for (let i = 0; i < 3; i++) await ha.etcd.kill(i);
    const downAt = Date.now();
    const answers: string[] = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      const t0 = Date.now();
      const err = await single.send(new DescribeServicesCommand({ services: ['web'] })).then(
        () => undefined,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e,
      );
      const took = Date.now() - t0;
      assert.ok(err, 'DescribeServices answered with etcd down');
      assert.equal(err.name, 'ServerException');
      assert.equal(err.$metadata?.httpStatusCode, 500);
      assert.ok(took < 12_000, `the API took ${took} ms to answer`);
      answers.push(`${took} ms`);
      // Paced, not polled: the outage itself is the 30 s under test.
      await new Promise((r) => setTimeout(r, 2_000));
    }
    console.log(`etcd down ${Date.now() - downAt} ms: ServerException in ${answers.join(', ')}`);
    for (let i = 0; i < 3; i++) await ha.etcd.restart(i);
    await ha.etcd.healthy();
    await eventually(async () => ((await runningArns(ecs)).length === 2 ? true : undefined), {
      what: 'the API answers again',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { services: ['web'] });
    await eventually(() => ha.leader(), { what: 'a leader again', timeoutMs: 15_000, intervalMs: 100 });
    assert.deepEqual(await runningArns(ecs), before, 'the same tasks, none replaced, none added');
    assert.deepEqual(await Promise.all(urls().map(pidsThrough)), pidsBefore, 'the same processes serve');
    const results = await Promise.all(loads.map((l) => l.stop()));
    for (const [i, r] of results.entries()) {
      console.log(`load through ${LB_IPS[i]} across the etcd outage: ${describeLoad(r)}`);
      assert.equal(failed(r), 0, `failed requests at ${LB_IPS[i]}: ${describeLoad(r)}`);
    }
  });

  test('kill -9 one lb node: the other keeps serving with zero failed requests; the restarted node serves soon after its spawn', {
    timeout: 90_000,
  }, async () => {
    const [a, b] = urls();
    const node = ha.lbNodes[1];
    assert.ok(a && b && node);
    const load = startLoad(a, { concurrency: 2, maxMs: 60_000 });
    await eventually(() => (load.snapshot().ok > 20 ? true : undefined), { what: `load through ${LB_IPS[0]}`, timeoutMs: 10_000, intervalMs: 50 });
    await node.kill9();
    assert.equal(await statusOf(b), 0, `${LB_IPS[1]} is gone`);
    const starting = node.start();
    await eventually(async () => ((await statusOf(b)) === 200 ? true : undefined), {
      what: 'the restarted node serves its listener',
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const servingAt = Date.now();
    await starting;
    const fromSpawn = servingAt - node.spawnedAt;
    const fromUp = servingAt - node.upAt;
    console.log(`restarted lb node: "up" ${node.upAt - node.spawnedAt} ms after spawn; serving ${fromSpawn} ms after spawn, ${fromUp} ms after "up"`);
    const result = await load.stop();
    assert.ok(result.total > 50, `load ran (${result.total})`);
    assert.equal(failed(result), 0, `failed requests at ${LB_IPS[0]}: ${describeLoad(result)}`);
    // The 2 s counts from spawn, and so does this bound (restartedLbBoundMs). The first worker
    // up serves at once, so "up" (every worker listening) may come after the first 200.
    const bound = restartedLbBoundMs();
    assert.ok(fromSpawn < bound, `the restarted node served ${fromSpawn} ms after its spawn (bound ${bound} ms at load ${loadavg()[0]})`);
    assert.ok(fromUp < 2_000, `the restarted node served ${fromUp} ms after it was up`);
  });

  test('restart every process: no task orphaned, duplicated or lost', { timeout: 180_000 }, async () => {
    const before = await runningArns(ecs);
    const stoppedBefore = (await tasksOf(ecs, 'STOPPED')).map((t) => t.taskArn).sort();
    const pidsBefore = await Promise.all(urls().map(pidsThrough));
    for (const c of [...ha.lbNodes, ...ha.agents, ...ha.servers]) await c.stop();
    await Promise.all(ha.servers.map((s) => s.start()));
    await Promise.all([...ha.agents, ...ha.lbNodes].map((c) => c.start()));
    ecs = ha.ecs(0);
    await eventually(() => ha.leader(), { what: 'a leader after the restart', timeoutMs: 15_000, intervalMs: 100 });
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { services: ['web'] });
    for (const [i, u] of urls().entries()) {
      await eventually(async () => ((await pidsThrough(u).catch(() => [])).join() === pidsBefore[i]?.join() ? true : undefined), {
        what: `the same processes serve through ${LB_IPS[i]}`,
        timeoutMs: 30_000,
        intervalMs: 500,
      });
    }
    assert.deepEqual(await runningArns(ecs), before, 'the same tasks after restarting every process');
    assert.deepEqual((await tasksOf(ecs, 'STOPPED')).map((t) => t.taskArn).sort(), stoppedBefore, 'no task was replaced');
  });

  test('berth drain of one host under load: its task is replaced on the other, with zero failed requests', { timeout: 120_000 }, async () => {
    const instances =
      (
        await ecs.send(
          new DescribeContainerInstancesCommand({ containerInstances: (await ecs.send(new ListContainerInstancesCommand({}))).containerInstanceArns ?? [] }),
        )
      ).containerInstances ?? [];
    const drained = instances.find((i) => i.attributes?.some((a) => a.name === 'rack' && a.value === AGENT_IPS[0]));
    assert.ok(drained?.ec2InstanceId);
    const loads = await loadThroughBoth(90_000);
    const drain = await berthCli(ha.serverUrls[0] ?? '', ['drain', drained.ec2InstanceId], { env: CLI_ENV });
    assert.equal(drain.code, 0, drain.stderr);
    await eventually(
      async () => {
        const running = (await tasksOf(ecs, 'RUNNING')).filter((t) => t.lastStatus === 'RUNNING');
        const hosts = running.map((t) => t.containers?.[0]?.networkBindings?.[0]?.bindIP).join();
        return running.length === 2 && hosts === `${AGENT_IPS[1]},${AGENT_IPS[1]}` ? true : undefined;
      },
      { what: 'both tasks on the host left ACTIVE', timeoutMs: 60_000, intervalMs: 500 },
    );
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { services: ['web'] });
    for (const [i, r] of (await Promise.all(loads.map((l) => l.stop()))).entries()) {
      console.log(`load through ${LB_IPS[i]} while draining a host: ${describeLoad(r)}`);
      assert.equal(failed(r), 0, `failed requests at ${LB_IPS[i]}: ${describeLoad(r)}`);
    }
  });

  async function register(version: string): Promise<string> {
    const td = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [
            {
              name: 'app',
              image: 'sample-app',
              memory: 32,
              environment: [{ name: 'APP_VERSION', value: version }],
              entryPoint: ['node', join(repoRoot, 'examples/sample-app/server.js')],
              portMappings: [{ containerPort: 8080, hostPort: 0 }],
            },
          ],
        }),
      )
    ).taskDefinition?.taskDefinitionArn;
    assert.ok(td);
    return td;
  }
});
