import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, found, rejects } from './fixture.test-support.js';
import { keys } from '../../domain/keys.js';

async function attached() {
  const f = fixture();
  const tg = await f.tg();
  const lb = await f.lb();
  await f.listener(lb.LoadBalancerArn, tg.TargetGroupArn);
  const health = async (targets?: unknown[]) =>
    (await f.elb('DescribeTargetHealth', { TargetGroupArn: tg.TargetGroupArn, ...(targets ? { Targets: targets } : {}) })).TargetHealthDescriptions;
  const reg = (targets: unknown[]) => f.elb('RegisterTargets', { TargetGroupArn: tg.TargetGroupArn, Targets: targets });
  const dereg = (targets: unknown[]) => f.elb('DeregisterTargets', { TargetGroupArn: tg.TargetGroupArn, Targets: targets });
  return { f, tg, lb, health, reg, dereg };
}

describe('targets', () => {
  test('same Id on two ports is two targets; port defaults to the group port', async () => {
    const { health, reg } = await attached();
    await reg([{ Id: 'i-1', Port: 32768 }, { Id: 'i-1', Port: 32771 }, { Id: 'i-2' }]);
    const h = await health();
    assert.deepEqual(h.map((d) => `${d.Target.Id}:${d.Target.Port}:${d.HealthCheckPort}`).sort(), ['i-1:32768:32768', 'i-1:32771:32771', 'i-2:80:80']);
    assert.ok(h.every((d) => d.TargetHealth.State === 'initial' && d.TargetHealth.Reason === 'Elb.RegistrationInProgress'));
  });
  test('re-registering a registered pair changes nothing', async () => {
    const { f, tg, reg } = await attached();
    await reg([{ Id: 'i-1', Port: 32768 }]);
    const key = keys.target(tg.TargetGroupArn.split('/').pop() ?? '', 'i-1', 32768);
    const before = (await f.store.get(key))!.modRevision;
    f.clock.advance(5000);
    await reg([{ Id: 'i-1', Port: 32768 }]);
    assert.equal((await f.store.get(key))!.modRevision, before);
  });
  test('draining timeline: draining for the delay, then unused/NotRegistered, re-register makes it initial', async () => {
    const { f, tg, health, reg, dereg } = await attached();
    await f.elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: tg.TargetGroupArn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    });
    await reg([
      { Id: 'i-1', Port: 32768 },
      { Id: 'i-1', Port: 32771 },
    ]);
    await dereg([{ Id: 'i-1', Port: 32771 }]);
    await dereg([{ Id: 'i-1' }]); // without its port: the group port, not registered, silently nothing
    await dereg([{ Id: 'i-9', Port: 1 }]);
    let h = await health();
    const byPort = (p: number) =>
      found(
        h.find((d) => d.Target.Port === p),
        `the target on port ${p}`,
      );
    assert.equal(byPort(32768).TargetHealth.State, 'initial');
    assert.deepEqual(byPort(32771).TargetHealth, {
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress',
      Description: 'Target deregistration is in progress',
    });
    f.clock.advance(29_999);
    assert.equal((await health([{ Id: 'i-1', Port: 32771 }]))[0].TargetHealth.State, 'draining');
    f.clock.advance(1);
    const [gone] = await health([{ Id: 'i-1', Port: 32771 }]);
    assert.deepEqual(gone.TargetHealth, { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' });
    h = await health();
    assert.deepEqual(
      h.map((d) => d.Target.Port),
      [32768],
    );
    await reg([{ Id: 'i-1', Port: 32771 }]);
    assert.equal((await health([{ Id: 'i-1', Port: 32771 }]))[0].TargetHealth.State, 'initial');
  });
  test('re-registering a draining target makes it initial again', async () => {
    const { health, reg, dereg } = await attached();
    await reg([{ Id: 'i-1', Port: 32768 }]);
    await dereg([{ Id: 'i-1', Port: 32768 }]);
    assert.equal((await health())[0].TargetHealth.State, 'draining');
    await reg([{ Id: 'i-1', Port: 32768 }]);
    assert.equal((await health())[0].TargetHealth.State, 'initial');
  });
  test('a group no LB uses: unused/NotInUse, and deregistering removes at once', async () => {
    const f = fixture();
    const tg = await f.tg();
    await f.elb('RegisterTargets', { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] });
    const [d] = (await f.elb('DescribeTargetHealth', { TargetGroupArn: tg.TargetGroupArn })).TargetHealthDescriptions;
    assert.equal(d.TargetHealth.State, 'unused');
    assert.equal(d.TargetHealth.Reason, 'Target.NotInUse');
    assert.equal(d.HealthCheckPort, '32768');
    await f.elb('DeregisterTargets', { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] });
    assert.deepEqual((await f.elb('DescribeTargetHealth', { TargetGroupArn: tg.TargetGroupArn })).TargetHealthDescriptions, []);
  });
  test('health checks disabled: unavailable', async () => {
    const { f, tg, health, reg } = await attached();
    await f.elb('ModifyTargetGroup', { TargetGroupArn: tg.TargetGroupArn, HealthCheckEnabled: false });
    await reg([{ Id: 'i-1', Port: 32768 }]);
    assert.equal((await health())[0].TargetHealth.Reason, 'Target.HealthCheckDisabled');
  });
  test('asking without a port shows every registration of the Id; unknown ones are unused', async () => {
    const { health, reg } = await attached();
    await reg([
      { Id: 'i-1', Port: 32768 },
      { Id: 'i-1', Port: 32769 },
    ]);
    assert.equal((await health([{ Id: 'i-1' }])).length, 2);
    const [u] = await health([{ Id: 'i-7', Port: 5 }]);
    assert.deepEqual(u.Target, { Id: 'i-7', Port: 5 });
    assert.equal(u.TargetHealth.Reason, 'Target.NotRegistered');
  });
  test('errors', async () => {
    const { f, tg, reg } = await attached();
    await rejects(
      f.elb('RegisterTargets', { TargetGroupArn: tg.TargetGroupArn.replace(/.{16}$/, '0'.repeat(16)), Targets: [{ Id: 'i-1' }] }),
      'TargetGroupNotFound',
    );
    await rejects(reg([]), 'ValidationError');
    const ipTg = await f.tg('ips', { TargetType: 'ip' });
    await rejects(f.elb('RegisterTargets', { TargetGroupArn: ipTg.TargetGroupArn, Targets: [{ Id: 'i-1' }] }), 'InvalidTarget');
    await f.elb('RegisterTargets', { TargetGroupArn: ipTg.TargetGroupArn, Targets: [{ Id: '10.0.0.1', Port: 8080 }] });
  });
});
