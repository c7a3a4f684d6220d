/**
 * The seed workflow, end to end, with the unmodified AWS CLI v2 and real Docker containers:
 * an internal ALB on two subnets, a target group, a listener, a task definition with hostPort 0, a
 * service of 2 behind the target group, `aws ecs wait services-stable`. Then: one instance twice on
 * two ports, both healthy; both containers in `docker ps`; requests reach both; a rolling update to
 * a new revision on new ports with zero failed requests under load; `docker kill` of a container
 * under load with zero failed requests, healed by a new task on a new host port, healthy in the target
 * group; StopTask under POST load with zero failed requests (drained first); the old containers gone.
 * The same target group also sits behind an HTTPS listener (an imported ACM certificate, verified by
 * the client): the rolling update runs under HTTPS load too, with zero failed requests, and the new
 * revision answers over HTTPS at the end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { startLoad } from '../support/load-loop.js';
import { containersOfInstance, instanceIdOf, removeContainersOfInstance } from '../support/own-containers.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { NetworkBinding, Task } from '@aws-sdk/client-ecs';
import type { Answer } from '../../src/control-plane/api/handler-test-kit.js';

/** A target's health as `aws elbv2 describe-target-health` prints it. */
type Health = Answer<TargetHealthDescription>;

const skip = requirement('docker') || requirement('aws-cli');

describe('the seed workflow with the AWS CLI and real containers', { skip }, () => {
  let berth: BerthProcess;
  // The walkthrough's cluster is `default`, as a user's own `berth up` beside the suite may be: this
  // test finds and cleans up containers by its own agent's instance id only.
  let instanceId: string | undefined;
  const containers = (): string[] => containersOfInstance(instanceId!);
  const { aws } = awsCli(() => berth.apiUrl, { timeoutMs: 300_000 });
  const containerDefs = (version: string) =>
    JSON.stringify([
      {
        name: 'web',
        image: TEST_IMAGE,
        memory: 32,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 0 }],
        environment: [{ name: 'APP_VERSION', value: version }],
        stopTimeout: 2,
      },
    ]);

  before(async () => {
    await ensureTestImage();
    berth = await startBerthProcess({ args: ['--runtime', 'docker'] });
    instanceId = instanceIdOf(berth.dataDir);
  });
  const certDir = mkdtempSync(join(tmpdir(), 'berth-seed-tls-'));
  after(async () => {
    rmSync(certDir, { recursive: true, force: true });
    if (berth) await stopAllTasks(berth.apiUrl).catch(() => undefined);
    if (instanceId) removeContainersOfInstance(instanceId);
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  test('create, stabilise, route, deploy and survive a killed container without a failed request', async () => {
    // 1-3: load balancer on two subnets, target group, listener.
    const subnets = (await aws('ec2', 'describe-subnets')).Subnets.map((s: { SubnetId: string }) => s.SubnetId);
    const vpc = (await aws('ec2', 'describe-vpcs')).Vpcs[0].VpcId;
    const lb = (await aws('elbv2', 'create-load-balancer', '--name', 'seed', '--scheme', 'internal', '--subnets', ...subnets)).LoadBalancers[0];
    const tg = (
      await aws(
        'elbv2',
        'create-target-group',
        '--name',
        'seed-web',
        '--protocol',
        'HTTP',
        '--port',
        '80',
        '--vpc-id',
        vpc,
        '--health-check-path',
        '/',
        '--health-check-interval-seconds',
        '5',
        '--healthy-threshold-count',
        '2',
      )
    ).TargetGroups[0];
    await aws(
      'elbv2',
      'modify-target-group-attributes',
      '--target-group-arn',
      tg.TargetGroupArn,
      '--attributes',
      'Key=deregistration_delay.timeout_seconds,Value=5',
    );
    const port = await freePort();
    await aws(
      'elbv2',
      'create-listener',
      '--load-balancer-arn',
      lb.LoadBalancerArn,
      '--protocol',
      'HTTP',
      '--port',
      String(port),
      '--default-actions',
      `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`,
    );
    // The same target group behind HTTPS: a certificate imported through ACM, the console's default policy.
    const cert = selfSigned(['seed.example.com']);
    writeFileSync(join(certDir, 'cert.pem'), cert.certificatePem);
    writeFileSync(join(certDir, 'key.pem'), cert.privateKeyPem);
    const certArn = (
      await aws('acm', 'import-certificate', '--certificate', `fileb://${join(certDir, 'cert.pem')}`, '--private-key', `fileb://${join(certDir, 'key.pem')}`)
    ).CertificateArn;
    const tlsPort = await freePort();
    await aws(
      'elbv2',
      'create-listener',
      '--load-balancer-arn',
      lb.LoadBalancerArn,
      '--protocol',
      'HTTPS',
      '--port',
      String(tlsPort),
      '--certificates',
      `CertificateArn=${certArn}`,
      '--ssl-policy',
      'ELBSecurityPolicy-TLS13-1-2-2021-06',
      '--default-actions',
      `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`,
    );
    await aws('elbv2', 'wait', 'load-balancer-available', '--load-balancer-arns', lb.LoadBalancerArn);

    // 4-6: task definition with hostPort 0, service of 2 behind the target group, wait until stable.
    const td1 = (await aws('ecs', 'register-task-definition', '--family', 'seed-web', '--container-definitions', containerDefs('v1'))).taskDefinition;
    await aws(
      'ecs',
      'create-service',
      '--service-name',
      'seed-web',
      '--task-definition',
      td1.taskDefinitionArn,
      '--desired-count',
      '2',
      '--deployment-configuration',
      'minimumHealthyPercent=100,maximumPercent=200',
      '--load-balancers',
      `targetGroupArn=${tg.TargetGroupArn},containerName=web,containerPort=80`,
    );
    await aws('ecs', 'wait', 'services-stable', '--services', 'seed-web');

    // One instance, twice, on two ports, both healthy; two containers on those ports.
    const health = (await aws('elbv2', 'describe-target-health', '--target-group-arn', tg.TargetGroupArn)).TargetHealthDescriptions;
    assert.equal(health.length, 2, JSON.stringify(health));
    assert.equal(health[0].Target.Id, health[1].Target.Id);
    assert.match(health[0].Target.Id, /^i-[0-9a-f]{17}$/);
    assert.notEqual(health[0].Target.Port, health[1].Target.Port);
    assert.deepEqual(
      health.map((h: Health) => h.TargetHealth.State),
      ['healthy', 'healthy'],
    );
    const firstPorts = health.map((h: Health) => h.Target.Port).sort();
    const ps = containers().join('\n');
    for (const p of firstPorts) assert.match(ps, new RegExp(`:${p}->80/tcp`));

    // Requests through the listener reach both containers.
    const url = `http://127.0.0.1:${port}/cgi-bin/whoami`;
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await fetch(url);
      assert.equal(r.status, 200);
      seen.add((JSON.parse(await r.text()) as { host: string }).host);
    }
    assert.equal(seen.size, 2, `both containers answer: ${[...seen].join(' | ')}`);

    // A rolling update to a new revision under steady load, over HTTP and HTTPS: zero failed requests.
    const tlsUrl = `https://127.0.0.1:${tlsPort}/cgi-bin/whoami`;
    const tlsLoad = startLoad(tlsUrl, { concurrency: 2, maxMs: 240_000, tls: { ca: cert.certificatePem, servername: 'seed.example.com' } });
    await eventually(async () => (tlsLoad.snapshot().ok > 5 ? true : undefined), {
      what: 'HTTPS answers before the deployment',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const load = startLoad(url, { concurrency: 4, maxMs: 240_000 });
    const td2 = (await aws('ecs', 'register-task-definition', '--family', 'seed-web', '--container-definitions', containerDefs('v2'))).taskDefinition;
    await aws('ecs', 'update-service', '--service', 'seed-web', '--task-definition', td2.taskDefinitionArn);
    await aws('ecs', 'wait', 'services-stable', '--services', 'seed-web');
    // Let draining end and the old containers go.
    const after = await eventually(
      async () => (await aws('elbv2', 'describe-target-health', '--target-group-arn', tg.TargetGroupArn)).TargetHealthDescriptions,
      {
        what: 'every target healthy again (the old ones drained and gone)',
        timeoutMs: 60_000,
        intervalMs: 1000,
        until: (hs: Health[]) => hs.every((h) => h.TargetHealth.State === 'healthy'),
      },
    );
    // The new revision answers over HTTPS once the old tasks are gone.
    const tlsBefore = tlsLoad.snapshot().bodies;
    await eventually(
      async () => {
        const now = tlsLoad.snapshot().bodies;
        const fresh = [...now].filter(([b, n]) => n > (tlsBefore.get(b) ?? 0));
        return fresh.length > 0 && fresh.every(([b]) => b.includes('v2')) ? true : undefined;
      },
      { what: 'only v2 answering over HTTPS', timeoutMs: 30_000, intervalMs: 200 },
    );
    const tlsDeploy = await tlsLoad.stop();
    assert.equal(tlsDeploy.total - tlsDeploy.ok, 0, `failed HTTPS requests during the deployment: ${JSON.stringify([...tlsDeploy.failures])}`);
    assert.ok(tlsDeploy.total > 50, `HTTPS load ran (${tlsDeploy.total} requests)`);
    const deploy = await load.stop();
    assert.equal(deploy.total - deploy.ok, 0, `failed requests during the deployment: ${JSON.stringify([...deploy.failures])}`);
    assert.ok(deploy.total > 50, `load ran (${deploy.total} requests)`);
    assert.ok(
      [...deploy.bodies.keys()].some((b) => b.includes('v2')),
      'the new version answered',
    );

    assert.equal(after.length, 2, JSON.stringify(after));
    const newPorts = after.map((h: Health) => h.Target.Port).sort();
    assert.equal(new Set(after.map((h: Health) => h.Target.Id)).size, 1, 'same instance');
    for (const p of newPorts) assert.ok(!firstPorts.includes(p), `new task on a new port (${p})`);
    const psAfter = containers().join('\n');
    for (const p of firstPorts) assert.doesNotMatch(psAfter, new RegExp(`:${p}->80/tcp`), 'old containers are gone');

    // docker kill one container under load: zero failed requests, and the service heals: a new task,
    // on a new host port, becomes healthy in the target group while the killed one's target goes.
    const tgHealth = async () => (await aws('elbv2', 'describe-target-health', '--target-group-arn', tg.TargetGroupArn)).TargetHealthDescriptions as Health[];
    const kill = startLoad(url, { concurrency: 4, maxMs: 120_000 });
    await eventually(async () => (kill.snapshot().total > 20 ? true : undefined), { what: 'the load to run', timeoutMs: 90_000, intervalMs: 500 });
    const killedPort = newPorts[0]!;
    const victim = containers()
      .find((l) => l.includes(`:${killedPort}->80/tcp`))!
      .split(' ')[0]!;
    execFileSync('docker', ['kill', victim], { stdio: 'ignore' });
    const healed = await eventually(
      async () => {
        const h = await tgHealth();
        const healthy = h.filter((x) => x.TargetHealth.State === 'healthy').map((x) => x.Target.Port as number);
        const fresh = healthy.filter((p) => !newPorts.includes(p) && !firstPorts.includes(p));
        return healthy.length === 2 && fresh.length === 1 && !h.some((x) => x.Target.Port === killedPort) ? h : undefined;
      },
      { what: 'a replacement healthy on a new port', timeoutMs: 90_000, intervalMs: 500 },
    );
    await aws('ecs', 'wait', 'services-stable', '--services', 'seed-web');
    const killed = await kill.stop();
    assert.equal(killed.total - killed.ok, 0, `failed requests around docker kill: ${JSON.stringify([...killed.failures])}`);
    assert.ok(killed.total > 50, `load ran through the kill (${killed.total} requests)`);
    const svc = (await aws('ecs', 'describe-services', '--services', 'seed-web')).services[0];
    assert.equal(svc.runningCount, 2);
    const healedPorts = healed.map((x) => x.Target.Port as number);
    assert.ok(
      containers()
        .join('\n')
        .includes(`:${healedPorts.find((p) => !newPorts.includes(p))}->80/tcp`),
      'the replacement container runs',
    );

    // StopTask on a task behind the target group, under POST load (which nothing retries): it is
    // deregistered and drained before its container stops, so no request fails.
    const post = startLoad(url, { concurrency: 4, maxMs: 120_000, method: 'POST' });
    await eventually(async () => (post.snapshot().total > 20 ? true : undefined), { what: 'the POST load to run', timeoutMs: 90_000, intervalMs: 500 });
    const stopPort = healedPorts[0]!;
    const tasks = (await aws('ecs', 'describe-tasks', '--tasks', ...(await aws('ecs', 'list-tasks', '--service-name', 'seed-web')).taskArns))
      .tasks as Answer<Task>[];
    const target = tasks.find((t) => t.containers[0].networkBindings?.some((b: NetworkBinding) => b.hostPort === stopPort))!;
    const stopped = (await aws('ecs', 'stop-task', '--task', target.taskArn, '--reason', 'seed test')).task;
    assert.equal(stopped.lastStatus, 'DEACTIVATING', 'deregistered first, not killed');
    await eventually(
      async () => {
        const t = (await aws('ecs', 'describe-tasks', '--tasks', target.taskArn)).tasks[0];
        const h = await tgHealth();
        const healthy = h.filter((x) => x.TargetHealth.State === 'healthy');
        return t.lastStatus === 'STOPPED' && healthy.length === 2 && !h.some((x) => x.Target.Port === stopPort) ? t : undefined;
      },
      { what: 'the stopped task to be STOPPED and a replacement healthy', timeoutMs: 90_000, intervalMs: 500 },
    );
    const posted = await post.stop();
    assert.equal(posted.total - posted.ok, 0, `failed POSTs around StopTask: ${JSON.stringify([...posted.failures])}`);
    assert.ok(posted.total > 50, `POST load ran through the stop (${posted.total} requests)`);
    const final = (await aws('ecs', 'describe-tasks', '--tasks', target.taskArn)).tasks[0];
    assert.deepEqual([final.stopCode, final.stoppedReason], ['UserInitiated', 'seed test']);
  });
});
