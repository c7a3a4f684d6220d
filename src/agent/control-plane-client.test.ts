import { MemoryStore } from '../store/memory-store.js';
import { systemClock } from '../platform/clock.js';
import { seededRandom } from '../platform/random.js';
import { createApiServer } from '../control-plane/api/api-server.js';
import { ACCOUNT_ID } from '../control-plane/api/operation.js';
import { createEcsHandlers } from '../control-plane/ecs/ecs-handlers.js';
import { AgentService } from '../control-plane/agent-api/agent-service.js';
import { registerAgentRoutes } from '../control-plane/agent-api/agent-routes.js';
import { InProcessControlPlaneClient } from '../control-plane/agent-api/in-process-client.js';
import { randomBytes } from 'node:crypto';
import { sealedBoxFromKey } from '../platform/sealed-box.js';
import { createSsmHandlers } from '../control-plane/ssm/ssm-handlers.js';
import { createSecretsManagerHandlers } from '../control-plane/secrets-manager/secrets-manager-handlers.js';
import { handlerSecretSources } from '../control-plane/task-secrets/handler-secret-sources.js';
import { createLogsHandlers } from '../control-plane/logs/logs-handlers.js';
import { HttpControlPlaneClient } from './http-control-plane-client.js';
import { controlPlaneClientConformance, type ConformanceRig } from './control-plane-client.conformance.js';
import { operationCaller } from '../control-plane/api/handler-test-kit.js';
import { MemoryMetricStore } from '../control-plane/cloudwatch/memory-metric-store.js';
import { EcsMetricRecorder } from '../control-plane/cloudwatch/ecs-metric-recorder.js';

function controlPlane() {
  const store = new MemoryStore();
  const random = seededRandom(7);
  const handlers = createEcsHandlers({ store, clock: systemClock, random });
  const sealedBox = sealedBoxFromKey(randomBytes(32));
  const stores = { ssm: createSsmHandlers({ store, sealedBox }), secretsmanager: createSecretsManagerHandlers({ store, random, sealedBox }) };
  const metrics = new MemoryMetricStore();
  const service = new AgentService({
    store,
    clock: systemClock,
    random,
    secrets: handlerSecretSources(stores.ssm, stores.secretsmanager),
    taskStats: new EcsMetricRecorder({ store, metrics, clock: systemClock }),
  });
  const ctx = () => ({ requestId: 'r', region: 'us-east-1', accountId: ACCOUNT_ID, now: systemClock.now(), sourceIp: '127.0.0.1' });
  const apis = {
    ecs: operationCaller<'ecs'>(handlers, ctx),
    ssm: operationCaller<'ssm'>(stores.ssm, ctx),
    secretsmanager: operationCaller<'secretsmanager'>(stores.secretsmanager, ctx),
    logs: operationCaller<'logs'>(createLogsHandlers({ store }), ctx),
    metrics,
  };
  return { store, service, handlers, apis };
}

controlPlaneClientConformance('in process', async (): Promise<ConformanceRig> => {
  const cp = controlPlane();
  return { client: new InProcessControlPlaneClient(cp.service), ...cp.apis, close: () => cp.store.close() };
});

controlPlaneClientConformance('HTTP', async (): Promise<ConformanceRig> => {
  const cp = controlPlane();
  const api = await createApiServer({
    handlers: { ecs: cp.handlers, elbv2: {}, ec2: {} },
    plugins: [async (app) => registerAgentRoutes(app, { service: cp.service })],
  });
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  const client = new HttpControlPlaneClient(url);
  return {
    client,
    ...cp.apis,
    async close() {
      await client.close();
      await api.close();
      await cp.store.close();
    },
  };
});
