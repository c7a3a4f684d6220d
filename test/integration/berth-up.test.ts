/**
 * `berth up` as a process: it starts, answers the SDK, keeps every acknowledged write through
 * kill -9, and shuts down quickly on SIGTERM.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListClustersCommand, RegisterTaskDefinitionCommand, DescribeTaskDefinitionCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { execFileSync } from 'node:child_process';
import { freePort } from '../../src/platform/free-port.js';
import { ecsClient, elbv2Client } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';

const client = (endpoint: string) => ecsClient(endpoint, { region: 'eu-west-1', maxAttempts: 1 });

describe('berth up process', () => {
  const started: BerthProcess[] = [];
  after(async () => {
    for (const b of started) await b.kill9();
    for (const b of started) removeDataDir(b.dataDir);
  });

  test('region comes from the credential scope; ARNs use account 000000000000', async () => {
    const b = await startBerthProcess();
    started.push(b);
    const out = await client(b.apiUrl).send(new CreateClusterCommand({ clusterName: 'eu' }));
    assert.equal(out.cluster?.clusterArn, 'arn:aws:ecs:eu-west-1:000000000000:cluster/eu');
  });

  test('acknowledged writes survive kill -9', async () => {
    const b = await startBerthProcess();
    started.push(b);
    const ecs = client(b.apiUrl);
    const acked: number[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'durable',
          containerDefinitions: [{ name: 'c', image: 'busybox', memory: 32, environment: [{ name: 'I', value: String(i) }] }],
        }),
      );
      acked.push(r.taskDefinition!.revision!);
    }
    await b.kill9();
    const again = await startBerthProcess({ dataDir: b.dataDir });
    started.push(again);
    const ecs2 = client(again.apiUrl);
    for (const rev of acked) {
      const d = await ecs2.send(new DescribeTaskDefinitionCommand({ taskDefinition: `durable:${rev}` }));
      assert.equal(d.taskDefinition?.containerDefinitions?.[0]?.environment?.[0]?.value, String(rev - 1));
    }
  });

  test('--auth sigv4 accepts the configured key and refuses a wrong secret or an unknown key with 400, as ECS does', async () => {
    const b = await startBerthProcess({ args: ['--auth', 'sigv4', '--access-key-id', 'AKIDBERTH'], env: { BERTH_SECRET_ACCESS_KEY: 'right' } });
    started.push(b);
    const signed = (accessKeyId: string, secretAccessKey: string) => ecsClient(b.apiUrl, { credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    const ok = await signed('AKIDBERTH', 'right').send(new ListClustersCommand({}));
    assert.equal(ok.clusterArns?.length, 1);
    for (const [id, secret, code] of [
      ['AKIDBERTH', 'wrong', 'InvalidSignatureException'],
      ['AKIDOTHER', 'right', 'UnrecognizedClientException'],
    ] as const) {
      await assert.rejects(signed(id, secret).send(new ListClustersCommand({})), (err: { name: string; $metadata: { httpStatusCode: number } }) => {
        assert.equal(err.name, code);
        assert.equal(err.$metadata.httpStatusCode, 400);
        return true;
      });
    }
  });

  test('SIGTERM shuts down cleanly and quickly', async () => {
    const b = await startBerthProcess();
    started.push(b);
    await client(b.apiUrl).send(new ListClustersCommand({}));
    const t0 = Date.now();
    const code = await b.stop();
    assert.equal(code, 0, b.output());
    assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  });

  test("--internal-address: internal load balancers listen there and only there, served by the node's own processes", async () => {
    const b = await startBerthProcess({ args: ['--internal-address', '127.0.0.9', '--runtime', 'process', '--lb-workers', '2'] });
    started.push(b);
    const lbs = elbv2Client(b.apiUrl);
    const lb = (await lbs.send(new elb.CreateLoadBalancerCommand({ Name: 'private', Scheme: 'internal' }))).LoadBalancers![0]!;
    const port = await freePort('127.0.0.9');
    await lbs.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'private' } }],
      }),
    );
    await eventually(() => fetch(`http://127.0.0.9:${port}/`).then((r) => r.text()), {
      what: 'the listener answers on 127.0.0.9',
      timeoutMs: 5_000,
      intervalMs: 100,
      until: (body) => body === 'private',
    });
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'nothing listens on the default loopback address');
    // The listening socket is held by the node's processes (its primary and two workers), never by berth up's own.
    const holders = new Set([...execFileSync('ss', ['-Htlnp', `( sport = :${port} )`], { encoding: 'utf8' }).matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
    assert.ok(holders.size >= 2 && !holders.has(b.child.pid ?? 0), `listener held by ${[...holders]}, berth up is ${b.child.pid}`);
    // One scrape of the API's /metrics sums the workers.
    const metrics = await (await fetch(`${b.apiUrl}/metrics`)).text();
    assert.match(metrics, /^berth_lb_requests_total\{load_balancer="private",target_group="",code="200",origin="elb"\} [1-9]\d*$/m);
    lbs.destroy();
  });
});
