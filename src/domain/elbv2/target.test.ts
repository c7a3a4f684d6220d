import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTarget, ipTargetProblem, newRegistration, registrationExpired, startDraining } from './target.js';

const inUse = { LoadBalancerArns: ['lb'], HealthCheckEnabled: true, HealthCheckPort: 'traffic-port' };

describe('target health derivation', () => {
  const t0 = 1_000_000;
  const reg = newRegistration('tg', 'i-1', 32768, undefined, t0);
  test('newly registered is initial, checked on its own port', () => {
    assert.deepEqual(describeTarget(reg, inUse, t0), {
      Target: { Id: 'i-1', Port: 32768 },
      HealthCheckPort: '32768',
      TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
    });
  });
  test('a fixed health check port is shown as is', () => {
    assert.equal(describeTarget(reg, { ...inUse, HealthCheckPort: '8081' }, t0).HealthCheckPort, '8081');
  });
  test('unused when no load balancer uses the group, still with its HealthCheckPort', () => {
    const d = describeTarget(reg, { ...inUse, LoadBalancerArns: [] }, t0);
    assert.equal(d.TargetHealth.State, 'unused');
    assert.equal(d.TargetHealth.Reason, 'Target.NotInUse');
    assert.equal(d.HealthCheckPort, '32768');
  });
  test('unavailable when health checks are disabled', () => {
    const d = describeTarget({ ...reg, state: 'healthy' }, { ...inUse, HealthCheckEnabled: false }, t0);
    assert.deepEqual(d.TargetHealth, { State: 'unavailable', Reason: 'Target.HealthCheckDisabled', Description: 'Health checks are disabled' });
  });
  test('healthy has no reason; unhealthy keeps the checker reason', () => {
    assert.deepEqual(describeTarget({ ...reg, state: 'healthy' }, inUse, t0).TargetHealth, { State: 'healthy' });
    const u = describeTarget(
      { ...reg, state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' },
      inUse,
      t0,
    );
    assert.deepEqual(u.TargetHealth, {
      State: 'unhealthy',
      Reason: 'Target.ResponseCodeMismatch',
      Description: 'Health checks failed with these codes: [503]',
    });
  });
  test('draining until the delay ends, then unused/NotRegistered', () => {
    const d = startDraining({ ...reg, state: 'healthy' }, t0 + 10, 300);
    assert.equal(d.drainUntil, t0 + 10 + 300_000);
    assert.equal(describeTarget(d, inUse, t0 + 10).TargetHealth.State, 'draining');
    assert.equal(describeTarget(d, inUse, t0 + 10).TargetHealth.Reason, 'Target.DeregistrationInProgress');
    assert.equal(describeTarget(d, inUse, t0 + 300_009).TargetHealth.State, 'draining');
    assert.ok(!registrationExpired(d, t0 + 300_009));
    assert.ok(registrationExpired(d, t0 + 300_010));
    assert.deepEqual(describeTarget(d, inUse, t0 + 300_010).TargetHealth, {
      State: 'unused',
      Reason: 'Target.NotRegistered',
      Description: 'Target is not registered to the target group',
    });
  });
  test('draining wins over disabled health checks', () => {
    const d = startDraining(reg, t0, 5);
    assert.equal(describeTarget(d, { ...inUse, HealthCheckEnabled: false }, t0).TargetHealth.State, 'draining');
  });
});

test('ip targets: loopback only when allowed; link-local, unspecified, broadcast and multicast never', () => {
  for (const ok of ['10.0.0.7', '192.168.1.2', '172.16.0.1', '100.64.0.1', 'fd00::1', '2001:db8::1']) assert.equal(ipTargetProblem(ok, false), undefined, ok);
  for (const lo of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1']) {
    assert.match(ipTargetProblem(lo, false)!, new RegExp(`^The IP address '${lo.replaceAll('.', '\\.')}' is not a valid target: loopback`), lo);
    assert.equal(ipTargetProblem(lo, true), undefined, lo);
  }
  const never: Array<[string, string]> = [
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
  ];
  for (const [ip, kind] of never) {
    for (const allow of [false, true])
      assert.match(ipTargetProblem(ip, allow) ?? '', new RegExp(`: ${kind} addresses cannot be registered$`), `${ip} allow=${allow}`);
  }
  assert.match(ipTargetProblem('300.1.1.1', true)!, /not a valid IPv4 or IPv6 address/);
});
