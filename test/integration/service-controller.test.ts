/**
 * The service controller against the real ECS and ELBv2 handlers and a real store, with the agent
 * and the health checker played through the store (see service-world.test-support.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, CLUSTER, EC2_ID, eventTexts } from '../../src/control-plane/controllers/service-world.test-support.js';
import { registerContainerInstance } from '../../src/control-plane/ecs/container-instances.js';
import { ACCOUNT_ID } from '../../src/control-plane/api/operation.js';
import { found } from '../../src/control-plane/elbv2/fixture.test-support.js';
import { keys } from '../../src/domain/keys.js';
import type { AwsError } from '../../src/domain/aws-error.js';
import type { TargetRecord } from '../../src/domain/elbv2/target.js';

const live = <T extends { lastStatus: string }>(ts: T[]) => ts.filter((t) => t.lastStatus !== 'STOPPED');

describe('service controller', () => {
  test('desiredCount tasks start, register as (instance, hostPort) and the service reaches a steady state', async () => {
    const w = await createWorld({ desiredCount: 2 });
    try {
      await w.settle();
      const created = await w.tasks();
      assert.equal(created.length, 2);
      for (const t of created) {
        assert.equal(t.lastStatus, 'PROVISIONING');
        assert.equal(t.desiredStatus, 'RUNNING');
        assert.equal(t.group, 'service:web');
        assert.match(t.startedBy ?? '', /^ecs-svc\//);
        assert.equal(t.startedBy, (await w.service()).deployments[0]!.id);
      }
      await w.run();
      const targets = await w.targets();
      assert.equal(targets.length, 2);
      assert.deepEqual(
        targets.map((t) => t.Id),
        [EC2_ID, EC2_ID],
        'the same instance id twice',
      );
      assert.notEqual(targets[0]!.Port, targets[1]!.Port, 'on two ports');
      const health = await w.elb('DescribeTargetHealth', { TargetGroupArn: w.tgArn });
      assert.deepEqual(
        health.TargetHealthDescriptions.map((d) => d.TargetHealth.State),
        ['healthy', 'healthy'],
      );
      const svc = await w.service();
      assert.equal(svc.runningCount, 2);
      assert.equal(svc.deployments.length, 1);
      assert.equal(svc.deployments[0]!.rolloutState, 'COMPLETED');
      const ev = eventTexts(svc);
      assert.match(ev[0]!, /^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/);
      assert.ok(ev.includes(`(service web) registered 2 targets in (target-group ${w.tgArn})`), ev.join('\n'));
      assert.match(ev.at(-2)!, /^\(service web\) \(deployment ecs-svc\/\d+\) deployment completed\.$/);
      assert.equal(ev.at(-1), '(service web) has reached a steady state.');
      // The wire never shows the controller's own bookkeeping.
      const described = await w.ecs('DescribeServices', { cluster: 'prod', services: ['web'] });
      assert.equal('lastCompletedTaskDefinition' in described.services[0], false);
      assert.equal(svc.lastCompletedTaskDefinition, w.td1);
    } finally {
      await w.close();
    }
  });

  test('a rolling deployment (D=2, min 100, max 200) never drops below 2 healthy and drains old tasks before stopping them', async () => {
    const w = await createWorld({ desiredCount: 2, deregistrationDelayS: 5 });
    try {
      await w.run();
      const old = (await w.tasks()).map((t) => t.taskArn);
      const td2 = await w.registerTd('app:2');
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: td2 });
      let sawNewHealthyBeforeOldStop = false;
      const invariant = async () => {
        const ts = await w.tasks();
        const tg = await w.targets();
        const healthyTasks = ts.filter(
          (t) =>
            t.lastStatus === 'RUNNING' &&
            t.desiredStatus === 'RUNNING' &&
            tg.some((g) => g.state === 'healthy' && g.Port === t.containers[0]!.networkBindings[0]?.hostPort),
        );
        assert.ok(healthyTasks.length >= 2, `healthy tasks dropped to ${healthyTasks.length}`);
        for (const t of ts.filter((x) => old.includes(x.taskArn) && x.desiredStatus === 'STOPPED')) {
          const port = t.containers[0]!.networkBindings[0]!.hostPort;
          const reg = tg.find((g) => g.Port === port);
          assert.ok(!reg || reg.state === 'draining', 'an old task is told to stop only once its target is deregistered');
          sawNewHealthyBeforeOldStop ||= healthyTasks.filter((h) => !old.includes(h.taskArn)).length > 0;
        }
      };
      await w.run(invariant);
      // Draining: the old tasks are deactivating, their targets draining, until the delay passes.
      const draining = (await w.targets()).filter((t) => t.state === 'draining');
      assert.equal(draining.length, 2);
      const deactivating = (await w.tasks()).filter((t) => old.includes(t.taskArn));
      assert.ok(
        deactivating.every((t) => t.stoppingAt !== undefined && t.desiredStatus === 'RUNNING'),
        'held until draining ends',
      );
      await w.advance(5_001);
      await w.run(invariant);
      assert.ok(sawNewHealthyBeforeOldStop);
      const ts = await w.tasks();
      assert.deepEqual(
        live(ts).map((t) => t.taskDefinitionArn),
        [td2, td2],
      );
      assert.ok(ts.filter((t) => old.includes(t.taskArn)).every((t) => t.lastStatus === 'STOPPED'));
      const svc = await w.service();
      assert.equal(svc.deployments.length, 1);
      assert.equal(svc.deployments[0]!.taskDefinition, td2);
      assert.equal(svc.deployments[0]!.rolloutState, 'COMPLETED');
      const ev = eventTexts(svc);
      assert.ok(
        ev.some((e) => e === '(service web) has begun draining connections on 2 tasks.' || e === '(service web) has begun draining connections on 1 tasks.'),
        ev.join('\n'),
      );
      assert.ok(
        ev.some((e) => /^\(service web\) has stopped \d running tasks/.test(e)),
        ev.join('\n'),
      );
      assert.match(ev.at(-2)!, /deployment completed\.$/);
      assert.equal(ev.at(-1), '(service web) has reached a steady state.');
    } finally {
      await w.close();
    }
  });

  test('draining ends early when the load balancer says nothing is in flight (drainedAt)', async () => {
    const w = await createWorld({ desiredCount: 1, deregistrationDelayS: 300 });
    try {
      await w.run();
      const [first] = await w.tasks();
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', forceNewDeployment: true });
      await w.run();
      const reg = found(
        (await w.store.list<TargetRecord>(keys.targets())).records.find((r) => r.value.state === 'draining'),
        'the draining target',
      );
      assert.ok(reg, 'the old target drains');
      assert.equal((await w.tasks()).find((t) => t.taskArn === first!.taskArn)!.desiredStatus, 'RUNNING');
      await w.store.put(reg.key, { ...reg.value, drainedAt: w.clock.now() }, { expectedRevision: reg.modRevision });
      await w.run();
      assert.equal((await w.tasks()).find((t) => t.taskArn === first!.taskArn)!.lastStatus, 'STOPPED', 'stopped without waiting 300 s');
      const health = await w.elb('DescribeTargetHealth', { TargetGroupArn: w.tgArn });
      assert.ok(
        health.TargetHealthDescriptions.some((d) => d.TargetHealth.State === 'draining'),
        'still shown draining until drainUntil',
      );
    } finally {
      await w.close();
    }
  });

  test('an unhealthy target after the grace period is replaced, with ECS stoppedReason', async () => {
    const w = await createWorld({ desiredCount: 2, grace: 30 });
    try {
      await w.run();
      const victim = (await w.targets())[0]!;
      w.setVerdict((t) => (t.Port === victim.Port ? 'unhealthy' : 'healthy'));
      await w.run();
      assert.equal(live(await w.tasks()).length, 2, 'not replaced within the grace period');
      await w.advance(31_000);
      await w.run();
      await w.advance(6_000);
      await w.run();
      const ts = await w.tasks();
      const bad = ts.find((t) => t.containers[0]!.networkBindings[0]?.hostPort === victim.Port)!;
      assert.equal(bad.stoppedReason, `Task failed ELB health checks in (target-group ${w.tgArn})`);
      assert.equal(bad.lastStatus, 'STOPPED');
      assert.equal(live(ts).length, 2, 'replaced');
      const ev = eventTexts(await w.service());
      assert.ok(
        ev.some((e) => e.startsWith(`(service web) (instance ${EC2_ID}) (port ${victim.Port}) is unhealthy in (target-group ${w.tgArn})`)),
        ev.join('\n'),
      );
    } finally {
      await w.close();
    }
  });

  test('scale out and in', async () => {
    const w = await createWorld({ desiredCount: 1, deregistrationDelayS: 0 });
    try {
      await w.run();
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 3 });
      await w.run();
      assert.equal(live(await w.tasks()).length, 3);
      assert.equal((await w.targets()).length, 3);
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 1 });
      await w.run();
      assert.equal(live(await w.tasks()).length, 1);
      assert.equal((await w.targets()).length, 1, 'a zero deregistration delay removes the targets at once');
      const svc = await w.service();
      assert.equal(svc.runningCount, 1);
      assert.equal(svc.deployments.length, 1, 'resizing makes no new deployment');
    } finally {
      await w.close();
    }
  });

  test('scale-in honours the placement strategy: spread(instanceId) stops on the fuller instance, not the newest task', async () => {
    const w = await createWorld({ desiredCount: 2, deregistrationDelayS: 0 });
    try {
      await w.run();
      const first = w.instance.containerInstanceArn;
      assert.ok(
        live(await w.tasks()).every((t) => t.containerInstanceArn === first),
        'two tasks on the only instance',
      );
      const second = await registerContainerInstance(
        w.store,
        {
          cluster: CLUSTER,
          ec2InstanceId: 'i-0fedcba9876543210',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
          ],
        },
        { region: 'us-east-1', accountId: ACCOUNT_ID, now: w.clock.now() },
        w.random,
      );
      w.clock.advance(1000);
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 3 });
      await w.run();
      const onSecond = live(await w.tasks()).filter((t) => t.containerInstanceArn === second.containerInstanceArn);
      assert.equal(onSecond.length, 1, 'the third task spreads to the new instance');
      // The newest task is the one on the second instance; spread must stop one on the first instead.
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 2 });
      await w.run();
      const left = live(await w.tasks());
      assert.equal(left.length, 2);
      assert.deepEqual(left.map((t) => t.containerInstanceArn).sort(), [first, second.containerInstanceArn].sort(), 'one task per instance');
      assert.ok(
        left.some((t) => t.taskArn === onSecond[0]!.taskArn),
        'the newest task stays',
      );
    } finally {
      await w.close();
    }
  });

  test('StopTask on a task behind a target group: deregistered, drained, and only then told to stop, as scale-in', async () => {
    const w = await createWorld({ desiredCount: 2, deregistrationDelayS: 5 });
    try {
      await w.run();
      const [victim] = live(await w.tasks());
      const port = victim!.containers[0]!.networkBindings[0]!.hostPort;
      const r = await w.ecs('StopTask', { cluster: 'prod', task: victim!.taskArn, reason: 'operator' });
      assert.equal(r.task.lastStatus, 'DEACTIVATING');
      await w.run();
      const held = (await w.tasks()).find((t) => t.taskArn === victim!.taskArn)!;
      assert.equal(held.desiredStatus, 'RUNNING', 'still serving its in-flight requests while draining');
      assert.equal((await w.targets()).find((t) => t.Port === port)?.state, 'draining');
      assert.equal(live(await w.tasks()).filter((t) => t.desiredStatus === 'RUNNING' && t.stoppingAt === undefined).length, 2, 'replaced at once');
      await w.advance(5_001);
      await w.run();
      const done = (await w.tasks()).find((t) => t.taskArn === victim!.taskArn)!;
      assert.deepEqual([done.lastStatus, done.stopCode, done.stoppedReason], ['STOPPED', 'UserInitiated', 'operator']);
      assert.notEqual((await w.targets()).find((t) => t.Port === port)?.state ?? 'gone', 'healthy', 'its target never came back');
    } finally {
      await w.close();
    }
  });

  test('DeleteService: DRAINING, tasks stopped, then INACTIVE; UpdateService then fails', async () => {
    const w = await createWorld({ desiredCount: 2, deregistrationDelayS: 5 });
    try {
      await w.run();
      const del = await w.ecs('DeleteService', { cluster: 'prod', service: 'web', force: true });
      assert.equal(del.service.status, 'DRAINING');
      await w.run();
      assert.equal((await w.service()).status, 'DRAINING', 'draining targets first');
      await w.advance(5_001);
      await w.run();
      assert.equal(live(await w.tasks()).length, 0);
      assert.equal((await w.service()).status, 'INACTIVE');
      await assert.rejects(
        w.ecs('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 1 }),
        (e: AwsError) => e.code === 'ServiceNotActiveException',
      );
    } finally {
      await w.close();
    }
  });

  test('the circuit breaker trips on tasks that fail to start and rolls back', async () => {
    const w = await createWorld({ desiredCount: 2, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } });
    try {
      await w.run();
      const td2 = await w.registerTd('app:broken');
      w.setStartsFail((t) => t.taskDefinitionArn === td2);
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: td2 });
      for (let i = 0; i < 20; i++) {
        await w.run();
        const svc = await w.service();
        if (svc.deployments.some((d) => d.rolloutState === 'FAILED')) break;
        await w.advance(60_000); // past the start backoff
      }
      const svc = await w.service();
      const failed = svc.deployments.find((d) => d.taskDefinition === td2);
      assert.ok(!failed || failed.rolloutState === 'FAILED');
      const primary = svc.deployments.find((d) => d.status === 'PRIMARY')!;
      assert.equal(primary.taskDefinition, w.td1, 'rolled back to the last completed task definition');
      assert.equal(svc.taskDefinition, w.td1);
      const ev = eventTexts(svc);
      assert.ok(
        ev.some((e) => e.includes('deployment failed: ECS deployment circuit breaker: tasks failed to start.')),
        ev.join('\n'),
      );
      assert.ok(
        ev.some((e) => e.includes(`rolling back to ${w.td1}`)),
        ev.join('\n'),
      );
      await w.run();
      assert.equal(live(await w.tasks()).filter((t) => t.taskDefinitionArn === w.td1).length, 2, 'the old tasks keep serving');
    } finally {
      await w.close();
    }
  });

  test('a rollback restores the whole deployment: the old container port comes back with the old task definition, and it completes', async () => {
    const w = await createWorld({ desiredCount: 2, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } });
    try {
      await w.run();
      const oldLbs = (await w.service()).loadBalancers;
      const td2 = await w.registerTd('app:8080', { portMappings: [{ containerPort: 8080, hostPort: 0 }] });
      w.setStartsFail((t) => t.taskDefinitionArn === td2);
      // As `berth apply` did: a new task definition and the load balancer on its new port.
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: td2, loadBalancers: [{ ...oldLbs[0], containerPort: 8080 }] });
      for (let i = 0; i < 20; i++) {
        await w.run();
        if ((await w.service()).deployments.some((d) => d.taskDefinition === w.td1 && d.status === 'PRIMARY')) break;
        await w.advance(60_000); // past the start backoff
      }
      await w.run();
      const svc = await w.service();
      assert.equal(svc.taskDefinition, w.td1);
      assert.deepEqual(svc.loadBalancers, oldLbs, 'the old port is back');
      const primary = svc.deployments.find((d) => d.status === 'PRIMARY')!;
      assert.equal(primary.rolloutState, 'COMPLETED', `${primary.rolloutState}: ${primary.rolloutStateReason}`);
      const health = await w.elb('DescribeTargetHealth', { TargetGroupArn: w.tgArn });
      // The rollback is a new deployment (as in ECS): its two tasks healthy, the first deployment's draining.
      assert.equal(health.TargetHealthDescriptions.filter((d) => d.TargetHealth.State === 'healthy').length, 2);
      const described = (await w.ecs('DescribeServices', { cluster: 'prod', services: ['web'] })).services[0];
      assert.equal('lastCompletedRevision' in described, false, 'internal');
      assert.ok(
        described.deployments.every((d: object) => !('failuresCounted' in d)),
        'internal',
      );
    } finally {
      await w.close();
    }
  });

  test('a deployment that cannot place its tasks is stuck visibly, in an event and in rolloutStateReason, and says so no more once it moves', async () => {
    const w = await createWorld({ desiredCount: 1 });
    try {
      await w.run();
      const td2 = await w.registerTd('app:2');
      // 4096 MB of instance, 128 MB a task: 40 cannot all be placed.
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: td2, desiredCount: 40 });
      await w.run();
      const d = (await w.ecs('DescribeServices', { cluster: 'prod', services: ['web'] })).services[0];
      const primary = found(
        d.deployments.find((x) => x.status === 'PRIMARY'),
        'the PRIMARY deployment',
      );
      assert.equal(primary.rolloutState, 'IN_PROGRESS');
      assert.match(
        primary.rolloutStateReason,
        /^ECS deployment ecs-svc\/\d+ is stuck: \(service web\) was unable to place a task because no container instance met all of its requirements/,
      );
      assert.ok(d.events.some((e) => e.message.includes('was unable to place a task')));
      // Later passes, with time moving, write nothing: the stuck service does not wake itself.
      const rev = await w.store.revision();
      await w.advance(10_000);
      assert.equal(await w.store.revision(), rev, 'no write per pass while stuck');
      await w.ecs('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 2 });
      await w.run();
      const after = (await w.service()).deployments.find((x) => x.status === 'PRIMARY')!;
      assert.doesNotMatch(after.rolloutStateReason, /is stuck/);
    } finally {
      await w.close();
    }
  });

  test('a host silent for longer than lostAfterMs has its tasks marked STOPPED and its targets deregistered (Berth extension)', async () => {
    const heartbeats = new Map<string, number>();
    const w = await createWorld({ desiredCount: 1, deregistrationDelayS: 0, controller: { heartbeats, reconcile: { lostAfterMs: 30_000 } } });
    try {
      heartbeats.set(`/berth/ecs/container-instances/prod/${w.instance.id}`, w.clock.now());
      await w.run();
      const [first] = await w.tasks();
      await w.advance(31_000);
      const t = (await w.tasks()).find((x) => x.taskArn === first!.taskArn)!;
      assert.equal(t.lastStatus, 'STOPPED');
      assert.equal(t.stoppedReason, `Host EC2 (instance ${EC2_ID}) lost.`);
      assert.equal(
        (await w.targets()).some((g) => g.Port === first!.containers[0]!.networkBindings[0]!.hostPort),
        false,
      );
      const ev = eventTexts(await w.service());
      assert.ok(ev.includes(`(service web) (instance ${EC2_ID}) was lost; 1 tasks marked STOPPED.`), ev.join('\n'));
      assert.match(
        ev.at(-1)!,
        /was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]+\) doesn't have the agent connected\./,
        'no replacement on the lost host',
      );
    } finally {
      await w.close();
    }
  });
});
