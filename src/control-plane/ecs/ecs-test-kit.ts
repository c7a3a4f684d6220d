/** Shared setup for the handler tests: a real MemoryStore, a ManualClock, seeded randomness. */
import { MemoryStore } from '../../store/memory-store.js';
import type { Store } from '../../store/store.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { ACCOUNT_ID, type RequestContext } from '../api/operation.js';
import { AwsError } from '../../domain/aws-error.js';
import { createEcsHandlers } from './ecs-handlers.js';
import { registerContainerInstance, type RegisterContainerInstanceInput } from './container-instances.js';

export function ecsKit(seed = 1, store: Store = new MemoryStore()) {
  const clock = new ManualClock();
  const random = seededRandom(seed);
  const handlers = createEcsHandlers({ store, clock, random });
  let n = 0;
  const ctx = (): RequestContext => ({ requestId: `req-${++n}`, region: 'us-east-1', accountId: ACCOUNT_ID, now: clock.now(), sourceIp: '127.0.0.1' });
  // biome-ignore lint/suspicious/noExplicitAny: tests read handler answers by path; the handlers' own types are checked where they are built
  const call = async (op: string, input: object = {}): Promise<any> => {
    const h = handlers[op];
    if (!h) throw new Error(`no handler for ${op}`);
    return h(input, ctx());
  };
  const instance = (over: Partial<RegisterContainerInstanceInput> = {}) =>
    registerContainerInstance(
      store,
      {
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
          { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
          { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
        ],
        ...over,
      },
      ctx(),
      random,
    );
  const taskDefinition = async (family = 'web', container: object = {}, over: object = {}) =>
    (
      await call('RegisterTaskDefinition', {
        family,
        containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, cpu: 128, portMappings: [{ containerPort: 80 }], ...container }],
        ...over,
      })
    ).taskDefinition;
  return { store, clock, random, handlers, ctx, call, instance, taskDefinition };
}

/** An assert.rejects matcher on the AWS code and (optionally) the exact message. */
export const awsError = (code: string, message?: string | RegExp) => (e: unknown) => {
  if (!(e instanceof AwsError)) throw e;
  if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
  if (typeof message === 'string' && e.message !== message) throw new Error(`expected message "${message}", got "${e.message}"`);
  if (message instanceof RegExp && !message.test(e.message)) throw new Error(`message "${e.message}" does not match ${message}`);
  return true;
};
