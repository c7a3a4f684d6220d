/** Shared set-up for the ELBv2 handler tests: real MemoryStore, ManualClock, seeded randomness. */
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext, type ServiceHandlers } from '../api/operation.js';
import { createElbv2Handlers } from './elbv2-handlers.js';
import { createEc2Handlers } from '../ec2/ec2-handlers.js';

export const ctx: RequestContext = { requestId: 'r', region: DEFAULT_REGION, accountId: ACCOUNT_ID, now: 0, sourceIp: '127.0.0.1' };

export function fixture(seed = 1) {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const deps = { store, clock, random: seededRandom(seed) };
  const elb = createElbv2Handlers(deps);
  const ec2 = createEc2Handlers(deps);
  // biome-ignore lint/suspicious/noExplicitAny: tests read handler answers by path; the handlers' own types are checked where they are built
  type Answer = any;
  const call =
    (h: ServiceHandlers) =>
    async (op: string, input: unknown = {}): Promise<Answer> => {
      const fn = h[op];
      assert.ok(fn, `no handler for ${op}`);
      return fn(input, ctx);
    };
  const e = call(elb);
  return {
    store,
    clock,
    elb: e,
    ec2: call(ec2),
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

export async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
}
