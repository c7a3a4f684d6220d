import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { createElbv2Handlers } from './elbv2-handlers.js';
import { caller, rejects } from './fixture.test-support.js';
import type { AwsError } from '../../domain/aws-error.js';

test('CreateListener and ModifyListener refuse a port the host reports as taken, and only a new port is checked', async () => {
  const asked: Array<[number, string]> = [];
  const elb = createElbv2Handlers({
    store: new MemoryStore(),
    clock: new ManualClock(),
    random: seededRandom(3),
    checkListenerPort: async (port, scheme) => {
      asked.push([port, scheme]);
      return port === 8081 ? `Port ${port} is already in use on this host` : undefined;
    },
  });
  const call = caller<'elbv2'>(elb);
  const lb = (await call('CreateLoadBalancer', { Name: 'web', Scheme: 'internal' })).LoadBalancers[0];
  const tg = (await call('CreateTargetGroup', { Name: 'tg', Protocol: 'HTTP', Port: 80 })).TargetGroups[0];
  const create = (Port: number) =>
    call('CreateListener', {
      LoadBalancerArn: lb.LoadBalancerArn,
      Protocol: 'HTTP',
      Port,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
    });
  await assert.rejects(create(8081), (e: AwsError) => e.code === 'InvalidConfigurationRequest' && /Port 8081 is already in use on this host/.test(e.message));
  const l = (await create(8080)).Listeners[0];
  assert.deepEqual(asked, [
    [8081, 'internal'],
    [8080, 'internal'],
  ]);
  // The same listener again (idempotent) and a modify that keeps the port do not probe.
  await create(8080);
  await call('ModifyListener', { ListenerArn: l.ListenerArn, Port: 8080 });
  assert.equal(asked.length, 2);
  await rejects(call('ModifyListener', { ListenerArn: l.ListenerArn, Port: 8081 }), 'InvalidConfigurationRequest');
  assert.equal((await call('ModifyListener', { ListenerArn: l.ListenerArn, Port: 8082 })).Listeners[0].Port, 8082);
});
