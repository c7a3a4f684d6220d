/**
 * Scale-out on one machine: `berth server` with two `berth agent` processes advertising 127.0.0.2
 * and 127.0.0.3 (process runtime, so no Docker needed). Each registers its own container instance;
 * a service behind an ALB spreads over both; the load balancer reaches each task on its own host's
 * address; requests through the listener reach both hosts. The server runs `--auth sigv4`, so the
 * agents sign every call of the agent protocol with their key, and unsigned ones are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  waitUntilTargetInService,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { removeDataDir, repoRoot, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { startAgentProcess } from '../support/agent-process.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { freePort } from '../../src/platform/free-port.js';
import { signRequest } from '../../src/platform/sigv4.js';
import { berthCli } from './cli-harness.js';
import { startLoad } from '../support/load-loop.js';
import { ecsClient, elbv2Client } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';

const creds = { accessKeyId: 'AKIDMULTIHOST', secretAccessKey: 'multi-host-secret' };

describe('berth server with two berth agents on 127.0.0.2 and 127.0.0.3', () => {
  let server: BerthProcess;
  const agents: ChildProcess[] = [];
  const dirs: string[] = [];
  let ecs: ECSClient;

  before(async () => {
    server = await startBerthProcess({
      command: 'server',
      args: ['--auth', 'sigv4', '--access-key-id', creds.accessKeyId],
      env: { BERTH_SECRET_ACCESS_KEY: creds.secretAccessKey },
    });
  });
  after(async () => {
    if (server) await stopAllTasks(server.apiUrl, 45_000, creds);
    for (const a of agents) a.kill('SIGTERM');
    await server?.stop();
    if (server) removeDataDir(server.dataDir);
    for (const d of dirs) removeDataDir(d);
  });

  test('the agent protocol refuses unsigned and wrongly signed calls', async () => {
    const unsigned = await fetch(`${server.apiUrl}/berth/agent/v1/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    // The agent protocol answers auth failures as ECS's JSON does: 400.
    assert.equal(unsigned.status, 400);
    assert.equal(((await unsigned.json()) as { code: string }).code, 'MissingAuthenticationTokenException');
    const logs = await fetch(`${server.apiUrl}/berth/agent/v1/logs?task=x&container=y`);
    assert.equal(logs.status, 400);
    await logs.arrayBuffer();
    const url = new URL(`${server.apiUrl}/berth/agent/v1/heartbeat`);
    const body = Buffer.from('{}');
    const headers = { 'content-type': 'application/json', host: url.host };
    const bad = signRequest(
      { method: 'POST', url: url.pathname, headers, body },
      { accessKeyId: creds.accessKeyId, secretAccessKey: 'wrong' },
      Date.now(),
      'us-east-1',
      'berth',
    );
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...bad }, body });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { code: string }).code, 'InvalidSignatureException');
  });

  test('each agent registers its host; a service spreads over both and the ALB reaches both', async () => {
    for (const ip of ['127.0.0.2', '127.0.0.3']) {
      const dir = mkdtempSync(join(tmpdir(), 'berth-agent-'));
      dirs.push(dir);
      agents.push(
        await startAgentProcess(
          [
            '--server',
            server.apiUrl,
            '--advertise-ip',
            ip,
            '--state-dir',
            dir,
            '--runtime',
            'process',
            '--log-level',
            'warn',
            '--access-key-id',
            creds.accessKeyId,
            '--attribute',
            `rack=${ip}`,
            '--reserved-ports-udp',
            '5353',
            '--memory-reserve',
            '512',
          ],
          // The secret goes in the environment: a command line is readable by every user of the host.
          { BERTH_SECRET_ACCESS_KEY: creds.secretAccessKey },
        ),
      );
    }
    ecs = ecsClient(server.apiUrl, { credentials: creds });
    const elb = elbv2Client(server.apiUrl, { credentials: creds });

    const arns = (await ecs.send(new ListContainerInstancesCommand({}))).containerInstanceArns ?? [];
    assert.equal(arns.length, 2, 'one container instance per agent');
    const instances = (await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: arns }))).containerInstances!;
    assert.ok(instances.every((i) => i.agentConnected && /^i-[0-9a-f]{17}$/.test(i.ec2InstanceId!)));
    // The host flags reach the instance: custom attribute, reserved UDP port.
    assert.deepEqual(instances.map((i) => i.attributes!.find((a) => a.name === 'rack')?.value).sort(), ['127.0.0.2', '127.0.0.3']);
    for (const i of instances) assert.deepEqual(i.registeredResources!.find((r) => r.name === 'PORTS_UDP')!.stringSetValue, ['5353']);

    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'spread', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'spread',
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
          family: 'spread',
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
    ).taskDefinition!;
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'spread',
        taskDefinition: td.taskDefinitionArn,
        desiredCount: 2,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'app', containerPort: 8080 }],
      }),
    );
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 90 }, { services: ['spread'] });

    const taskArns = (await ecs.send(new ListTasksCommand({ serviceName: 'spread' }))).taskArns!;
    const tasks = (await ecs.send(new DescribeTasksCommand({ tasks: taskArns }))).tasks!;
    const bindIps = tasks.map((t) => t.containers![0]!.networkBindings![0]!.bindIP).sort();
    assert.deepEqual(bindIps, ['127.0.0.2', '127.0.0.3'], 'one task per host, published on its own address');
    for (const t of tasks) {
      const b = t.containers![0]!.networkBindings![0]!;
      const r = await fetch(`http://${b.bindIP}:${b.hostPort}/`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    // services-stable counts running tasks; health checks may still be passing their threshold.
    await waitUntilTargetInService({ client: elb, minDelay: 1, maxDelay: 1, maxWaitTime: 30 }, { TargetGroupArn: tg.TargetGroupArn });
    const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!;
    assert.equal(new Set(health.map((h) => h.Target!.Id)).size, 2, 'two instances in the target group');
    assert.ok(
      health.every((h) => h.TargetHealth!.State === 'healthy'),
      JSON.stringify(health.map((h) => [h.Target?.Id, h.Target?.Port, h.TargetHealth])),
    );

    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(r.status, 200);
      pids.add(((await r.json()) as { pid: number }).pid);
    }
    assert.equal(pids.size, 2, 'requests through the listener reach both hosts');

    // berth logs of a task on a remote agent: the server asks that agent, signing with its key.
    for (const t of tasks) {
      const out = await eventually(
        () =>
          berthCli(server.apiUrl, ['logs', t.taskArn!, '--tail', '5'], {
            env: { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey },
          }),
        { what: `berth logs of ${t.taskArn} has the listening line`, timeoutMs: 10_000, intervalMs: 250, until: (r) => r.stdout.includes('listening') },
      );
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /"msg":"listening"/);
    }
    // berth drain of one host under load: its task is replaced on the other (start first, then the
    // old one drains), with no failed request; the service ends with both tasks on 127.0.0.3.
    const drained = instances.find((i) => i.attributes!.some((a) => a.name === 'rack' && a.value === '127.0.0.2'))!;
    const load = startLoad(`http://127.0.0.1:${port}/`, { concurrency: 2, maxMs: 90_000 });
    const drain = await berthCli(server.apiUrl, ['drain', drained.ec2InstanceId!], {
      env: { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey },
    });
    assert.equal(drain.code, 0, drain.stderr);
    const placed = await eventually(
      async () => {
        const arnsNow = (await ecs.send(new ListTasksCommand({ serviceName: 'spread', desiredStatus: 'RUNNING' }))).taskArns ?? [];
        const now = arnsNow.length ? ((await ecs.send(new DescribeTasksCommand({ tasks: arnsNow }))).tasks ?? []) : [];
        const hosts = now
          .filter((t) => t.lastStatus === 'RUNNING')
          .map((t) => t.containers?.[0]?.networkBindings?.[0]?.bindIP ?? '?')
          .sort();
        return { tasks: now.length, hosts };
      },
      {
        what: 'both tasks run on the host left ACTIVE',
        timeoutMs: 60_000,
        intervalMs: 500,
        until: (p) => p.tasks === 2 && p.hosts.join() === '127.0.0.3,127.0.0.3',
      },
    );
    assert.deepEqual(placed.hosts, ['127.0.0.3', '127.0.0.3'], 'both tasks run on the host left ACTIVE');
    await waitUntilServicesStable({ client: ecs, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { services: ['spread'] });
    const drainLoad = await load.stop();
    assert.ok(drainLoad.total > 20, `load ran (${drainLoad.total})`);
    assert.equal(drainLoad.total - drainLoad.ok, 0, `failed requests while draining a host: ${JSON.stringify([...drainLoad.failures])}`);

    // The agents' log routes refuse a caller without the key.
    const direct = await fetch(`http://127.0.0.2:51678/berth/agent/v1/logs?cluster=default&task=${encodeURIComponent(tasks[0]!.taskArn!)}&container=app`);
    assert.equal(direct.status, 403);
    await direct.arrayBuffer();
  });
});
