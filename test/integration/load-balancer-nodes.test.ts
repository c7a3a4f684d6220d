/**
 * Load-balancer nodes on their own: one `berth server --no-lb`, one `berth agent` (process runtime)
 * on 127.0.0.2, and two `berth lb` nodes on 127.0.0.21 and 127.0.0.22 serving the same listener,
 * fed by the load-balancer node protocol alone (signed; each node lists a dead server first, so
 * every call fails over). Node B cannot health-check the targets (the app answers its checks 503):
 * its verdicts are recorded, but the merged state stays healthy and no task is replaced. kill -9
 * of one node leaves the other serving with no failed request, and the restarted node serves within
 * 2 s; with the server stopped, both nodes keep forwarding with zero failures and the tasks run on,
 * and once it is back a routing change reaches both nodes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateServiceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  waitUntilTargetInService,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { startAgentProcess } from '../support/agent-process.js';
import { startLbProcess, type LbProcess } from '../support/lb-process.js';
import { startLoad } from '../support/load-loop.js';
import { eventually } from '../support/eventually.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { ecsClient, elbv2Client } from '../support/sdk-clients.js';
import { freePort } from '../../src/platform/free-port.js';
import { signedHeaders } from '../../src/protocols/signing.js';
import type { RoutingSnapshot } from '../../src/protocols/load-balancer/index.js';

const creds = { accessKeyId: 'AKIDLBNODES', secretAccessKey: 'lb-nodes-secret' };
const A = '127.0.0.21';
const B = '127.0.0.22';

async function status(url: string): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

describe('berth lb nodes on 127.0.0.21 and 127.0.0.22 fed by one berth server', () => {
  let server: BerthProcess;
  let apiPort: number;
  let agent: ChildProcess | undefined;
  const nodes = new Map<string, LbProcess>();
  const dirs: string[] = [];
  let ecs: ECSClient;
  let elb: ElasticLoadBalancingV2Client;
  let listenerPort: number;
  let listenerArn: string;
  let deadServer: string;

  const serverArgs = (): string[] => ['--no-lb', '--api-port', String(apiPort), '--auth', 'sigv4', '--access-key-id', creds.accessKeyId];
  const startServer = async (dataDir?: string): Promise<BerthProcess> =>
    startBerthProcess({
      command: 'server',
      ...(dataDir ? { dataDir } : {}),
      args: serverArgs(),
      env: { BERTH_SECRET_ACCESS_KEY: creds.secretAccessKey },
      timeoutMs: 90_000,
    });
  const startNode = async (ip: string): Promise<LbProcess> => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-lb-node-'));
    dirs.push(dir);
    const node = await startLbProcess(
      ['--server', `${deadServer},${server.apiUrl}`, '--advertise-ip', ip, '--data-dir', dir, '--access-key-id', creds.accessKeyId, '--log-level', 'warn'],
      { BERTH_SECRET_ACCESS_KEY: creds.secretAccessKey },
    );
    nodes.set(ip, node);
    return node;
  };
  const routing = async (): Promise<RoutingSnapshot> => {
    const url = new URL(`${server.apiUrl}/berth/lb/v1/routing`);
    const headers = signedHeaders('GET', url, {}, Buffer.alloc(0), creds, Date.now());
    const r = await fetch(url, { headers });
    assert.equal(r.status, 200);
    return (await r.json()) as RoutingSnapshot;
  };
  const runningTasks = async (): Promise<string[]> =>
    ((await ecs.send(new ListTasksCommand({ serviceName: 'web', desiredStatus: 'RUNNING' }))).taskArns ?? []).sort();

  before(async () => {
    apiPort = await freePort('127.0.0.1');
    deadServer = `http://127.0.0.1:${await freePort('127.0.0.1')}`;
    server = await startServer();
  });
  after(async () => {
    // The tasks first, the nodes after: a service's task is deregistered and drains before it stops,
    // and only a node reports that nothing is in flight on it (else the drain lasts the 300 s delay).
    // A test that failed with the server down leaves it down: bring it back to stop the tasks it placed.
    if (server && (server.child.exitCode !== null || server.child.signalCode !== null)) server = await startServer(server.dataDir);
    if (server) await stopAllTasks(server.apiUrl, 45_000, creds).catch((err: unknown) => console.log(`teardown: ${String(err)}`));
    for (const n of nodes.values()) await n.stop();
    agent?.kill('SIGTERM');
    await server?.stop();
    if (server) removeDataDir(server.dataDir);
    for (const d of dirs) removeDataDir(d);
  });

  test('both nodes serve the same listener; a node that cannot reach the targets gets no healthy task replaced', async () => {
    const agentDir = mkdtempSync(join(tmpdir(), 'berth-agent-'));
    dirs.push(agentDir);
    agent = await startAgentProcess(
      [
        '--server',
        `${deadServer},${server.apiUrl}`,
        '--advertise-ip',
        '127.0.0.2',
        '--state-dir',
        agentDir,
        '--runtime',
        'process',
        '--log-level',
        'warn',
        '--access-key-id',
        creds.accessKeyId,
        '--logs-port',
        '0',
      ],
      { BERTH_SECRET_ACCESS_KEY: creds.secretAccessKey },
    );
    await startNode(A);
    await startNode(B);
    ecs = ecsClient(server.apiUrl, { credentials: creds });
    elb = elbv2Client(server.apiUrl, { credentials: creds });

    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'nodes', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'nodes',
          Protocol: 'HTTP',
          Port: 8080,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!;
    listenerPort = await freePort(A);
    listenerArn = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: listenerPort,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
        }),
      )
    ).Listeners![0]!.ListenerArn!;
    const td = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [
            {
              name: 'app',
              image: 'partitioned-app',
              memory: 32,
              entryPoint: ['node', join(import.meta.dirname, 'fixtures/partitioned-app.js')],
              environment: [{ name: 'REFUSE_HEALTH_FROM', value: B }],
              portMappings: [{ containerPort: 8080, hostPort: 0 }],
            },
          ],
        }),
      )
    ).taskDefinition!;
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'web',
        taskDefinition: td.taskDefinitionArn,
        desiredCount: 2,
        healthCheckGracePeriodSeconds: 0,
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'app', containerPort: 8080 }],
      }),
    );
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 90 }, { services: ['web'] });
    await waitUntilTargetInService({ client: elb, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { TargetGroupArn: tg.TargetGroupArn });
    const tasks = await runningTasks();
    assert.equal(tasks.length, 2);

    for (const ip of [A, B]) assert.equal(await status(`http://${ip}:${listenerPort}/`), 200, `node ${ip} serves the listener`);

    // Node B's checker has concluded: its unhealthy verdict is on every target record...
    const verdicts = await eventually(
      async () => {
        const targets = (await routing()).records.targets.filter((t) => t.TargetGroupArn === tg.TargetGroupArn);
        const ok =
          targets.length === 2 && targets.every((t) => t.nodeHealth?.[`lb-${B}`]?.state === 'unhealthy' && t.nodeHealth?.[`lb-${A}`]?.state === 'healthy');
        return ok ? targets : undefined;
      },
      { what: `both nodes' verdicts recorded (${A} healthy, ${B} unhealthy)`, timeoutMs: 40_000, intervalMs: 500 },
    );
    // ...and the merged state, what DescribeTargetHealth and the scheduler see, stays healthy.
    assert.ok(verdicts.every((t) => t.state === 'healthy'));
    const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!;
    assert.deepEqual(
      health.map((h) => h.TargetHealth!.State),
      ['healthy', 'healthy'],
    );
    // With a 0 s grace period the scheduler would replace an unhealthy task on the pass that sees it. Proof
    // that a pass ran with both verdicts recorded: one more task is asked for and placed by it; the first two remain.
    await ecs.send(new UpdateServiceCommand({ service: 'web', desiredCount: 3 }));
    const after = await eventually(runningTasks, {
      what: 'the scheduler placed the third task',
      timeoutMs: 30_000,
      intervalMs: 250,
      until: (t) => t.length >= 3,
    });
    assert.equal(after.length, 3, 'no task replaced');
    for (const t of tasks) assert.ok(after.includes(t), `${t} was replaced`);
  });

  test('kill -9 of one node: the other keeps serving with no failed request; the restarted node serves within 2 s', async () => {
    const load = startLoad(`http://${A}:${listenerPort}/`, { concurrency: 2, maxMs: 60_000 });
    await eventually(() => (load.snapshot().ok > 20 ? true : undefined), { what: 'load through node A', timeoutMs: 10_000, intervalMs: 50 });
    await nodes.get(B)!.kill9();
    assert.equal(await status(`http://${B}:${listenerPort}/`), 0, 'node B is gone');
    const restartedAt = Date.now();
    const restarted = await startNode(B);
    const upAt = Date.now();
    await eventually(async () => ((await status(`http://${B}:${listenerPort}/`)) === 200 ? true : undefined), {
      what: 'the restarted node serves its listener',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const servingMs = Date.now() - upAt;
    console.log(`restarted node: up in ${restarted.startedInMs} ms from spawn, serving ${servingMs} ms after up`);
    assert.ok(servingMs < 2000, `the restarted node served ${servingMs} ms after it was up`);
    const result = await load.stop();
    assert.ok(result.total > 50, `load ran (${result.total})`);
    assert.equal(result.total - result.ok, 0, `failed requests at node A: ${JSON.stringify([...result.failures])}`);
    // The restarted node's checker concludes (unhealthy: it cannot reach the targets) and its verdict
    // is recorded before the next test stops the server. A verdict still unsent then would reach
    // the restarted server first, before node A's first heartbeat there, while only B counts as
    // fresh, and the merged state would turn unhealthy.
    await eventually(
      async () => {
        const targets = (await routing()).records.targets.filter((t) => t.state !== 'draining');
        const concluded = targets.every((t) => {
          const verdict = t.nodeHealth?.[`lb-${B}`];
          return verdict?.state === 'unhealthy' && verdict.at >= restartedAt;
        });
        return targets.length > 0 && concluded ? true : undefined;
      },
      { what: `the restarted node ${B}'s verdicts recorded`, timeoutMs: 30_000, intervalMs: 250 },
    );
  });

  test('with the server stopped, both nodes keep forwarding and the tasks run on; once it is back, changes reach both nodes', async () => {
    const tasks = await runningTasks();
    const loads = [A, B].map((ip) => startLoad(`http://${ip}:${listenerPort}/`, { concurrency: 2, maxMs: 60_000 }));
    await eventually(() => (loads.every((l) => l.snapshot().ok > 10) ? true : undefined), {
      what: 'load through both nodes',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    const dataDir = server.dataDir;
    await server.kill9();
    // Proof that the nodes lived through the outage, not only that time passed: each node's heartbeat failed
    // twice (a whole heartbeat interval, 5 s, as long as a health-check interval, and its routing poll retried meanwhile).
    const logged = [A, B].map((ip) => nodes.get(ip)?.output().length ?? 0);
    const failedBeats = (ip: string, i: number): number =>
      (
        nodes
          .get(ip)
          ?.output()
          .slice(logged[i])
          .match(/load-balancer heartbeat failed/g) ?? []
      ).length;
    await eventually(() => [A, B].map(failedBeats), {
      what: 'two failed heartbeats on each node with the server down',
      timeoutMs: 20_000,
      intervalMs: 200,
      until: (beats) => beats.every((n) => n >= 2),
    });
    const during = await Promise.all(loads.map((l) => l.stop()));
    for (const [i, r] of during.entries()) {
      assert.ok(r.total > 50, `load ran through node ${i} (${r.total})`);
      assert.equal(r.total - r.ok, 0, `failed requests at node ${[A, B][i]} with the server down: ${JSON.stringify([...r.failures])}`);
    }
    server = await startServer(dataDir);
    assert.deepEqual(await runningTasks(), tasks, 'the tasks ran on');
    // A routing change after the restart reaches both nodes (they reconnected and resynchronised).
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 5,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/after-restart'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', ContentType: 'text/plain', MessageBody: 'back' } }],
      }),
    );
    for (const ip of [A, B]) {
      await eventually(async () => ((await status(`http://${ip}:${listenerPort}/after-restart`)) === 418 ? true : undefined), {
        what: `node ${ip} has the new rule`,
        timeoutMs: 30_000,
        intervalMs: 100,
      });
    }
  });
});
