/**
 * A real Berth API server on 127.0.0.1 serving the ECS handlers over a MemoryStore, and
 * @aws-sdk/client-ecs clients for it in any region. No agent and no controllers run: where they
 * would move a record on, a test writes that record itself.
 */
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { ManualClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';

export interface EcsSdkServer {
  store: MemoryStore;
  clock: ManualClock;
  /** A client signing for `region` (us-east-1 when not given). */
  client(region?: string): ecs.ECSClient;
  close(): Promise<void>;
}

export async function startEcsSdkServer(): Promise<EcsSdkServer> {
  const store = new MemoryStore();
  const clock = new ManualClock(1_700_000_000_000);
  const app = await createApiServer({ handlers: { ecs: createEcsHandlers({ store, clock, random: seededRandom(7) }), elbv2: {}, ec2: {} }, clock });
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
  const clients: ecs.ECSClient[] = [];
  return {
    store,
    clock,
    client(region = 'us-east-1') {
      const c = new ecs.ECSClient({ region, endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await app.close();
      await store.close();
    },
  };
}

/** Asserts that `p` fails with error class `type` and, when given, a message matching `message`. */
export async function rejectsWith(p: Promise<unknown>, type: new (...args: never[]) => Error, message?: RegExp | string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    if (!(e instanceof type)) throw new Error(`expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (typeof message === 'string' && e.message !== message) throw new Error(`message was: ${e.message}`);
    if (message instanceof RegExp && !message.test(e.message)) throw new Error(`message was: ${e.message}`);
    return true;
  });
}
