/**
 * A crash loop on real Docker (issue 10): a revision whose container runs, then exits 1 a second
 * later. Its tasks count as failed, launches are throttled with backoff and ECS's event, and with the
 * breaker on and rollback set the deployment goes FAILED and the last completed one comes back.
 * The bound over two minutes is the pure backoff's (start-backoff.test.ts): 6 launches for desired 1;
 * this run shows the throttle (the 4th launch waits >= 10 s after the 3rd failure) and the rollback.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { requirement } from '../support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';

const skip = requirement('docker');
const CLUSTER = `crash-${Math.random().toString(36).slice(2, 8)}`;

describe('a crash-looping revision on real Docker', { skip, timeout: 180_000 }, () => {
  let berth: BerthProcess;
  let client: ecs.ECSClient;
  let lbClient: elb.ElasticLoadBalancingV2Client;

  before(async () => {
    await ensureTestImage();
    berth = await startBerthProcess({ args: ['--runtime', 'docker', '--cluster', CLUSTER] });
    const config = { endpoint: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    client = new ecs.ECSClient(config);
    lbClient = new elb.ElasticLoadBalancingV2Client(config);
  });
  after(async () => {
    await client?.send(new ecs.DeleteServiceCommand({ cluster: CLUSTER, service: 'crash', force: true })).catch(() => undefined);
    client?.destroy();
    lbClient?.destroy();
    await berth?.stop();
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.berth.cluster=${CLUSTER}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
    if (berth) removeDataDir(berth.dataDir);
  });

  test('throttled with ECS event, counted as failed, then FAILED and rolled back to the last completed deployment', async () => {
    const lb = (await lbClient.send(new elb.CreateLoadBalancerCommand({ Name: 'crash', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await lbClient.send(
        new elb.CreateTargetGroupCommand({
          Name: 'crash',
          Protocol: 'HTTP',
          Port: 80,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
          HealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!;
    await lbClient.send(
      new elb.ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '0' }],
      }),
    );
    await lbClient.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: await freePort(),
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    const register = async (command?: string[]) =>
      (
        await client.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'crash',
            containerDefinitions: [
              {
                name: 'web',
                image: TEST_IMAGE,
                memory: 32,
                essential: true,
                portMappings: [{ containerPort: 80, hostPort: 0 }],
                stopTimeout: 1,
                ...(command ? { command } : {}),
              },
            ],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    const good = await register();
    const crashing = await register(['sh', '-c', 'sleep 1; exit 1']);
    await client.send(
      new ecs.CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'crash',
        taskDefinition: good,
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'web', containerPort: 80 }],
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 },
      }),
    );
    const describe = async () => (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['crash'] }))).services![0]!;
    await eventually(async () => ((await describe()).deployments?.[0]?.rolloutState === 'COMPLETED' ? true : undefined), {
      what: 'the first deployment to complete',
      timeoutMs: 60_000,
    });

    await client.send(new ecs.UpdateServiceCommand({ cluster: CLUSTER, service: 'crash', taskDefinition: crashing }));
    const crashTasks = async () => {
      const arns = [
        ...((await client.send(new ecs.ListTasksCommand({ cluster: CLUSTER, serviceName: 'crash' }))).taskArns ?? []),
        ...((await client.send(new ecs.ListTasksCommand({ cluster: CLUSTER, serviceName: 'crash', desiredStatus: 'STOPPED' }))).taskArns ?? []),
      ];
      const tasks = arns.length ? ((await client.send(new ecs.DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? []) : [];
      return tasks.filter((t) => t.taskDefinitionArn === crashing).sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime());
    };
    const throttledAt = await eventually(
      async () => ((await describe()).events ?? []).find((e) => e.message === '(service crash) is unable to consistently start tasks successfully.'),
      { what: 'the throttle event', timeoutMs: 90_000 },
    );
    const atThrottle = await crashTasks();
    assert.equal(atThrottle.length, 3, 'two free failures, the third launch, then the throttle');
    for (const t of atThrottle) {
      assert.ok(t.startedAt, 'each reached RUNNING before it died');
      assert.equal(t.stopCode, 'EssentialContainerExited');
    }
    const deployment = (await describe()).deployments!.find((d) => d.taskDefinition === crashing)!;
    assert.equal(deployment.failedTasks, 3, 'tasks that ran and exited count as failed');
    // The 4th launch waits out the backoff (10 s after the 3rd failure).
    const fourth = await eventually(async () => (await crashTasks())[3], { what: 'the launch after the backoff', timeoutMs: 60_000 });
    const third = atThrottle[2]!;
    assert.ok(fourth.createdAt!.getTime() - third.stoppedAt!.getTime() >= 9_500, `waited ${fourth.createdAt!.getTime() - third.stoppedAt!.getTime()} ms`);
    assert.ok(throttledAt.createdAt!.getTime() <= fourth.createdAt!.getTime());

    // Breaker on, with rollback: the deployment that already failed 3+ times goes FAILED and the first one comes back.
    await client.send(
      new ecs.UpdateServiceCommand({
        cluster: CLUSTER,
        service: 'crash',
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
      }),
    );
    const rolledBack = await eventually(
      async () => {
        const s = await describe();
        const primary = s.deployments?.find((d) => d.status === 'PRIMARY');
        return primary?.taskDefinition === good && primary.rolloutState === 'COMPLETED' ? s : undefined;
      },
      { what: 'the rollback to complete', timeoutMs: 90_000 },
    );
    assert.equal(rolledBack.taskDefinition, good);
    const texts = (rolledBack.events ?? []).map((e) => e.message!);
    assert.ok(
      texts.some((m) => /\(deployment ecs-svc\/\d+\) deployment failed: ECS deployment circuit breaker: tasks failed health checks\./.test(m)),
      texts.join('\n'),
    );
    assert.ok(texts.some((m) => m.includes(`rolling back to ${good}`)));
    const launched = (await crashTasks()).length;
    assert.ok(launched <= 5, `crash-looping launches bounded: ${launched}`);
    assert.equal((await client.send(new ecs.ListTasksCommand({ cluster: CLUSTER, serviceName: 'crash' }))).taskArns!.length, 1);
  });
});
