/** Shared set-up for the ELBv2 handler tests: real MemoryStore, ManualClock, seeded randomness. */
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext, type ServiceHandlers, type WireService } from '../api/operation.js';
import { operationCaller } from '../api/handler-test-kit.js';
import { createElbv2Handlers } from './elbv2-handlers.js';
import { createEc2Handlers } from '../ec2/ec2-handlers.js';

export const ctx: RequestContext = { requestId: 'r', region: DEFAULT_REGION, accountId: ACCOUNT_ID, now: 0, sourceIp: '127.0.0.1' };

/** Calls the handlers of service `S` with the fixture's context, typed by operation: `call('DescribeRules', {...})`. */
export const caller = <S extends WireService>(h: ServiceHandlers) => operationCaller<S>(h, () => ctx);

export function fixture(seed = 1) {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const deps = { store, clock, random: seededRandom(seed) };
  const elb = createElbv2Handlers(deps);
  const ec2 = createEc2Handlers(deps);
  const e = caller<'elbv2'>(elb);
  return {
    store,
    clock,
    elb: e,
    ec2: caller<'ec2'>(ec2),
    async lb(name = 'web', extra: object = {}) {
      return (await e('CreateLoadBalancer', { Name: name, ...extra })).LoadBalancers[0];
    },
    async tg(name = 'web-tg', extra: object = {}) {
      return (await e('CreateTargetGroup', { Name: name, Protocol: 'HTTP', Port: 80, ...extra })).TargetGroups[0];
    },
    async listener(lbArn: string, tgArn: string, port = 80) {
      return (await e('CreateListener', { LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: port, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }))
        .Listeners[0];
    },
  };
}

/** `value`, which the test expects to be there (a failed assertion naming `what` otherwise). */
export function found<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} is missing`);
  return value;
}

export async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
}
