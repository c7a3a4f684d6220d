/**
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment
 * through @aws-sdk/client-ecs against the real API server, while the real service controller runs the
 * service and the world plays agent and health checker (service-world.test-support.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { createWorld, type World } from '../../src/control-plane/controllers/service-world.test-support.js';
import { rejectsWith } from '../support/ecs-sdk-server.js';

describe('the service deployment API through the AWS SDK v3', () => {
  let w: World;
  let app: FastifyInstance;
  let client: ecs.ECSClient;
  const svc = { cluster: 'prod', service: 'web' };
  const list = async (input: Partial<ecs.ListServiceDeploymentsRequest> = {}) =>
    (await client.send(new ecs.ListServiceDeploymentsCommand({ ...svc, ...input }))).serviceDeployments ?? [];

  /** Rounds of controller, agent and health checks, with time moving on (drains, backoffs), until one COMPLETED deployment is left. */
  const converge = async () => {
    for (let i = 0; i < 60; i++) {
      await w.run();
      const d = (await w.service()).deployments;
      if (d.length === 1 && d[0]!.rolloutState === 'COMPLETED') return;
      await w.advance(10_000);
    }
    throw new Error('the service did not converge');
  };

  before(async () => {
    w = await createWorld({ desiredCount: 2, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } });
    app = await createApiServer({
      handlers: { ecs: createEcsHandlers({ store: w.store, clock: w.clock, random: w.random }), elbv2: {}, ec2: {} },
      clock: w.clock,
    });
    client = new ecs.ECSClient({
      region: 'us-east-1',
      endpoint: await app.listen({ host: '127.0.0.1', port: 0 }),
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    });
    await w.run();
  });
  after(async () => {
    client?.destroy();
    await app?.close();
    await w?.close();
  });

  test('a completed deployment, then one stopped with ROLLBACK: history, statuses, revisions, and the tasks go back', async () => {
    const first = await list();
    assert.equal(first.length, 1);
    assert.equal(first[0]?.status, 'SUCCESSFUL');
    assert.match(first[0]?.serviceDeploymentArn ?? '', /^arn:aws:ecs:us-east-1:000000000000:service-deployment\/prod\/web\/[A-Za-z0-9_-]+$/);
    assert.match(first[0]?.targetServiceRevisionArn ?? '', /^arn:aws:ecs:us-east-1:000000000000:service-revision\/prod\/web\/\d{19}$/);
    const deployment1 = (await w.service()).deployments[0]!;
    assert.ok(first[0]?.targetServiceRevisionArn?.endsWith(deployment1.id.split('/')[1]!), 'the revision is named after the deployment');

    const td2 = await w.registerTd('app:2');
    w.clock.advance(1000);
    const t0 = w.clock.now();
    await client.send(new ecs.UpdateServiceCommand({ ...svc, taskDefinition: td2 }));
    const [ongoing] = await list({ status: ['IN_PROGRESS'] });
    assert.ok(ongoing, 'the new deployment is IN_PROGRESS');
    const stop = await client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: ongoing.serviceDeploymentArn!, stopType: 'ROLLBACK' }));
    assert.equal(stop.serviceDeploymentArn, ongoing.serviceDeploymentArn);
    await rejectsWith(
      client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: ongoing.serviceDeploymentArn! })),
      ecs.ConflictException,
      /ROLLBACK_IN_PROGRESS: only an IN_PROGRESS/,
    );

    await converge();
    const s = await w.service();
    assert.equal(s.taskDefinition, w.td1, 'the service is back on its first task definition');
    assert.deepEqual(
      s.deployments.map((d) => [d.status, d.taskDefinition, d.rolloutState]),
      [['PRIMARY', w.td1, 'COMPLETED']],
    );
    const live = (await w.tasks()).filter((t) => t.lastStatus !== 'STOPPED');
    assert.deepEqual(
      live.map((t) => t.taskDefinitionArn),
      [w.td1, w.td1],
    );

    const all = await list();
    assert.deepEqual(
      all.map((d) => d.status),
      ['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'SUCCESSFUL'],
      'newest first: the rollback, the stopped one, the first',
    );
    assert.ok(all.every((d) => d.finishedAt instanceof Date && d.startedAt instanceof Date));
    assert.deepEqual(
      (await list({ status: ['ROLLBACK_SUCCESSFUL'] })).map((d) => d.serviceDeploymentArn),
      [ongoing.serviceDeploymentArn],
    );
    assert.equal((await list({ createdAt: { before: new Date(t0) } })).length, 1);
    const pages: string[] = [];
    let nextToken: string | undefined;
    do {
      const p = await client.send(new ecs.ListServiceDeploymentsCommand({ ...svc, maxResults: 1, ...(nextToken ? { nextToken } : {}) }));
      pages.push(...p.serviceDeployments!.map((d) => d.serviceDeploymentArn!));
      nextToken = p.nextToken;
    } while (nextToken);
    assert.deepEqual(
      pages,
      all.map((d) => d.serviceDeploymentArn),
    );

    const described = await client.send(
      new ecs.DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: [
          ongoing.serviceDeploymentArn!,
          all[0]!.serviceDeploymentArn!,
          'arn:aws:ecs:us-east-1:000000000000:service-deployment/prod/web/nope',
        ],
      }),
    );
    const [stopped, rollback] = described.serviceDeployments!;
    assert.equal(stopped?.status, 'ROLLBACK_SUCCESSFUL');
    assert.equal(stopped?.statusReason, 'Service deployment rolled back by StopServiceDeployment.');
    assert.equal(stopped?.rollback?.serviceRevisionArn, all[0]?.targetServiceRevisionArn);
    assert.equal(stopped?.targetServiceRevision?.arn, ongoing.targetServiceRevisionArn);
    assert.deepEqual(
      stopped?.sourceServiceRevisions?.map((r) => r.arn),
      [first[0]?.targetServiceRevisionArn],
    );
    assert.equal(stopped?.deploymentCircuitBreaker?.status, 'MONITORING_COMPLETE');
    assert.equal(rollback?.status, 'SUCCESSFUL');
    assert.equal(rollback?.targetServiceRevision?.runningTaskCount, 2);
    assert.deepEqual(described.failures, [{ arn: 'arn:aws:ecs:us-east-1:000000000000:service-deployment/prod/web/nope', reason: 'MISSING' }]);

    const revs = await client.send(
      new ecs.DescribeServiceRevisionsCommand({ serviceRevisionArns: [ongoing.targetServiceRevisionArn!, all[0]!.targetServiceRevisionArn!] }),
    );
    assert.deepEqual(
      revs.serviceRevisions?.map((r) => r.taskDefinition),
      [td2, w.td1],
    );
    assert.deepEqual(revs.serviceRevisions?.[0]?.containerImages, [{ containerName: 'app', image: 'app:2' }]);
    assert.equal(revs.serviceRevisions?.[0]?.loadBalancers?.[0]?.targetGroupArn, w.tgArn);
    assert.deepEqual(revs.failures, []);
  });

  test("the circuit breaker's rollback shows as ROLLBACK_SUCCESSFUL with the breaker TRIGGERED", async () => {
    const td3 = await w.registerTd('app:3');
    w.setStartsFail((t) => t.taskDefinitionArn === td3);
    w.clock.advance(1000);
    await client.send(new ecs.UpdateServiceCommand({ ...svc, taskDefinition: td3 }));
    await converge();
    const [newest, failed] = await list();
    assert.equal(newest?.status, 'SUCCESSFUL');
    assert.equal(failed?.status, 'ROLLBACK_SUCCESSFUL');
    const d = (await client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [failed!.serviceDeploymentArn!] })))
      .serviceDeployments![0]!;
    assert.equal(d.deploymentCircuitBreaker?.status, 'TRIGGERED');
    assert.ok((d.deploymentCircuitBreaker?.failureCount ?? 0) >= (d.deploymentCircuitBreaker?.threshold ?? 1));
    assert.match(d.statusReason ?? '', /circuit breaker/);
  });

  test('bad input is refused with the field named', async () => {
    const [done] = await list();
    await rejectsWith(
      client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: done!.serviceDeploymentArn! })),
      ecs.ConflictException,
      /SUCCESSFUL: only an IN_PROGRESS/,
    );
    await rejectsWith(
      client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: done!.serviceDeploymentArn!, stopType: 'ABORT' })),
      ecs.UnsupportedFeatureException,
      /stopType 'ABORT'/,
    );
    await rejectsWith(
      client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: 'arn:aws:ecs:us-east-1:000000000000:service-deployment/prod/ghost/x' })),
      ecs.ServiceDeploymentNotFoundException,
    );
    await rejectsWith(client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: 'nope' })), ecs.ServiceDeploymentNotFoundException);
    await rejectsWith(client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'ghost' })), ecs.ServiceNotFoundException);
    await rejectsWith(client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'ghost', service: 'web' })), ecs.ClusterNotFoundException);
    await rejectsWith(client.send(new ecs.ListServiceDeploymentsCommand({ ...svc, maxResults: 101 })), ecs.InvalidParameterException, /maxResults/);
    await rejectsWith(
      client.send(new ecs.ListServiceDeploymentsCommand({ ...svc, status: ['DONE' as ecs.ServiceDeploymentStatus] })),
      ecs.InvalidParameterException,
      /status/,
    );
    await rejectsWith(
      client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [] })),
      ecs.InvalidParameterException,
      /serviceDeploymentArns/,
    );
    await rejectsWith(
      client.send(new ecs.DescribeServiceRevisionsCommand({ serviceRevisionArns: Array.from({ length: 21 }, () => 'x') })),
      ecs.InvalidParameterException,
      /at most 20/,
    );
    const bad = await client.send(new ecs.DescribeServiceRevisionsCommand({ serviceRevisionArns: ['not-an-arn', done!.serviceDeploymentArn!] }));
    assert.deepEqual(
      bad.failures?.map((f) => f.reason),
      ['MISSING', 'MISSING'],
      'a deployment ARN is not a revision ARN',
    );
  });
});
