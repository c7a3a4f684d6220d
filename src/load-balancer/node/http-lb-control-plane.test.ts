import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { systemClock } from '../../platform/clock.js';
import { freePort } from '../../platform/free-port.js';
import { keys } from '../../domain/keys.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import { createApiServer } from '../../control-plane/api/api-server.js';
import { LbNodeService } from '../../control-plane/load-balancer-api/lb-node-service.js';
import { registerLbRoutes } from '../../control-plane/load-balancer-api/lb-routes.js';
import type { RoutingRecords } from '../../protocols/load-balancer/index.js';
import { eventually } from '../../../test/support/eventually.js';
import { HttpLbControlPlane } from './http-lb-control-plane.js';

const TG_ID = '00000000000000aa';
const TG_ARN = `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/${TG_ID}`;
const target: TargetRecord = { TargetGroupArn: TG_ARN, Id: '10.0.0.1', Port: 80, registeredAt: 1, state: 'initial' };

test('with the server down the watch hands over nothing and a health transition waits; both resume once it is back', async () => {
  const store = new MemoryStore();
  const service = new LbNodeService({ store, clock: systemClock });
  const port = await freePort('127.0.0.1');
  const serve = async () => {
    const api = await createApiServer({ handlers: { ecs: {}, elbv2: {}, ec2: {} }, plugins: [async (app) => registerLbRoutes(app, { service })] });
    await api.listen({ host: '127.0.0.1', port });
    return api;
  };
  let api = await serve();
  await store.put(keys.target(TG_ID, target.Id, target.Port), target);
  const cp = new HttpLbControlPlane([`http://127.0.0.1:${port}`], { nodeId: 'lb-x', advertiseAddress: '127.0.0.30' }, { pollTimeoutMs: 300, retryMs: 50 });
  const seen: RoutingRecords[] = [];
  const errors: Error[] = [];
  const sub = await cp.watchRecords(
    (r) => seen.push(r),
    (e) => errors.push(e),
  );
  assert.equal(seen.length, 1);

  await api.close();
  // The watch has noticed (it failed at least once) and handed over nothing since.
  await eventually(() => (errors.length > 0 ? true : undefined), { what: 'the watch failing against the stopped server', timeoutMs: 5000, intervalMs: 20 });
  assert.equal(seen.length, 1);
  await assert.rejects(cp.reportTargetHealth({ targetGroupArn: TG_ARN, id: target.Id, port: target.Port }, { state: 'healthy' }));

  api = await serve();
  const rec = await eventually(
    async () => {
      const r = (await store.get<TargetRecord>(keys.target(TG_ID, target.Id, target.Port)))?.value;
      return r?.state === 'healthy' ? r : undefined;
    },
    { what: 'the unsent transition delivered once the server is back', timeoutMs: 5000, intervalMs: 20 },
  );
  assert.equal(rec.nodeHealth?.['lb-x']?.state, 'healthy');
  // And the watch resumed: the record change it caused arrives as a new whole set.
  await eventually(() => seen.find((r) => r.targets[0]?.state === 'healthy'), { what: 'the watch resumed', timeoutMs: 5000, intervalMs: 20 });
  sub.close();
  await cp.close();
  await api.close();
  service.close();
  await store.close();
});
