/**
 * `berth up`: the whole system in one process over embedded SQLite. The composition root: the only
 * place concrete adapters are wired together.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { UpConfig } from './config.js';
import { readCredentialsFile } from './credentials-file.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createApiServer } from '../control-plane/api/api-server.js';
import { createEcsHandlers } from '../control-plane/ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../control-plane/ec2/ec2-handlers.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { systemRandom, type Random } from '../platform/random.js';
import type { Logger } from '../platform/logger.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext } from '../control-plane/api/operation.js';

export interface RunningBerth {
  readonly apiUrl: string;
  readonly store: Store;
  stop(): Promise<void>;
}

export async function startBerth(
  config: UpConfig,
  logger: Logger,
  deps: { clock?: Clock; random?: Random } = {},
): Promise<RunningBerth> {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? systemRandom;
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const store = SqliteStore.open(join(dataDir, 'berth.db'));

  const handlerDeps = { store, clock, random, logger };
  const handlers = {
    ecs: createEcsHandlers(handlerDeps),
    elbv2: createElbv2Handlers(handlerDeps),
    ec2: createEc2Handlers(handlerDeps),
  };

  let api: FastifyInstance | undefined;
  try {
    const credentials = readCredentialsFile(join(dataDir, 'credentials'));
    if (config.accessKeyId && config.secretAccessKey) credentials.set(config.accessKeyId, config.secretAccessKey);
    if (config.auth === 'sigv4' && credentials.size === 0) {
      throw new Error(
        `--auth sigv4 needs keys: pass --access-key-id and --secret-access-key, or write ${join(dataDir, 'credentials')}`,
      );
    }
    api = await createApiServer({
      handlers,
      auth: config.auth === 'sigv4' ? { mode: 'sigv4', credentials } : { mode: 'none' },
      logger: logger.child({ component: 'api' }),
      clock,
      random,
    });
    await api.listen({ host: config.host, port: config.apiPort });

    // The configured cluster exists from the first start on (CreateCluster is idempotent).
    const ctx: RequestContext = {
      requestId: random.uuid(),
      region: DEFAULT_REGION,
      accountId: ACCOUNT_ID,
      now: clock.now(),
      sourceIp: '127.0.0.1',
    };
    await handlers.ecs.CreateCluster!({ clusterName: config.cluster }, ctx);
  } catch (err) {
    await api?.close();
    await store.close();
    throw err;
  }

  const address = api.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const apiUrl = `http://${shownHost}:${address.port}`;
  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    store,
    stop: () =>
      (stopping ??= (async () => {
        await api!.close();
        await store.close();
      })()),
  };
}
