/**
 * `waitUntilServicesStable` through the real @aws-sdk/client-ecs and the real API server, while the
 * service controller (on a real SQLite store) brings the service up and the world plays agent and
 * health checker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ecs from '@aws-sdk/client-ecs';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { createWorld } from '../../src/control-plane/controllers/service-world.test-support.js';
import { ecsClient } from '../support/sdk-clients.js';

test('aws ecs wait services-stable (SDK waiter) passes once the controller has converged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-svc-'));
  const w = await createWorld({ desiredCount: 2, store: SqliteStore.open(join(dir, 'berth.db')) });
  const deps = { store: w.store, clock: w.clock, random: w.random };
  const app = await createApiServer({ handlers: { ecs: createEcsHandlers(deps), elbv2: createElbv2Handlers(deps), ec2: {} }, clock: w.clock });
  const client = ecsClient(await app.listen({ host: '127.0.0.1', port: 0 }));
  try {
    const before = await client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    assert.equal(before.services?.[0]?.runningCount, 0, 'not stable yet: the waiter has to wait');
    const waiting = ecs.waitUntilServicesStable({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { cluster: 'prod', services: ['web'] });
    await w.run();
    const result = await waiting;
    assert.equal(result.state, 'SUCCESS');
    const after = await client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    assert.equal(after.services?.[0]?.runningCount, 2);
    assert.equal(after.services?.[0]?.deployments?.length, 1);
  } finally {
    client.destroy();
    await app.close();
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
