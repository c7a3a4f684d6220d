import { MemoryStore } from '../../store/memory-store.js';
import { systemClock } from '../../platform/clock.js';
import { createApiServer } from '../../control-plane/api/api-server.js';
import { LbNodeService } from '../../control-plane/load-balancer-api/lb-node-service.js';
import { InProcessLbControlPlane } from '../../control-plane/load-balancer-api/in-process-lb-control-plane.js';
import { registerLbRoutes } from '../../control-plane/load-balancer-api/lb-routes.js';
import type { MetricSampleReport } from '../../protocols/load-balancer/index.js';
import { HttpLbControlPlane } from './http-lb-control-plane.js';
import { lbControlPlaneConformance, type LbConformanceRig } from './lb-control-plane.conformance.js';

lbControlPlaneConformance('in process', async (): Promise<LbConformanceRig> => {
  const store = new MemoryStore();
  const metricSamples: MetricSampleReport[] = [];
  const service = new LbNodeService({ store, clock: systemClock, metrics: { record: async (s) => void metricSamples.push(...s) } });
  return {
    store,
    metricSamples,
    node: async (identity) => new InProcessLbControlPlane(service, identity),
    async close() {
      service.close();
      await store.close();
    },
  };
});

lbControlPlaneConformance('HTTP, signed, with a dead server listed first', async (): Promise<LbConformanceRig> => {
  const store = new MemoryStore();
  const metricSamples: MetricSampleReport[] = [];
  const service = new LbNodeService({ store, clock: systemClock, metrics: { record: async (s) => void metricSamples.push(...s) } });
  const credentials = new Map([['AKIDLBNODE', 'lb-node-secret']]);
  const api = await createApiServer({
    handlers: { ecs: {}, elbv2: {}, ec2: {} },
    plugins: [async (app) => registerLbRoutes(app, { service, auth: { mode: 'sigv4', credentials } })],
  });
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  // A server that is gone: port 9 (discard) on loopback refuses at once.
  const dead = 'http://127.0.0.1:9';
  return {
    store,
    metricSamples,
    node: async (identity) =>
      new HttpLbControlPlane([dead, url], identity, { accessKey: { accessKeyId: 'AKIDLBNODE', secretAccessKey: 'lb-node-secret' }, pollTimeoutMs: 2000 }),
    async close() {
      await api.close();
      service.close();
      await store.close();
    },
  };
});
