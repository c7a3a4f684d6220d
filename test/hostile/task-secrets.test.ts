/**
 * Who can read a task's secrets on `POST /berth/agent/v1/tasks/secrets`, over real HTTP under
 * `--auth sigv4`: an unsigned or wrongly signed caller, another instance naming the task, a forged
 * cluster, a task already stopped, a malformed body. Each is refused, and no answer holds a value.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { sealedBoxFromKey } from '../../src/platform/sealed-box.js';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { ACCOUNT_ID } from '../../src/control-plane/api/operation.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { createSsmHandlers } from '../../src/control-plane/ssm/ssm-handlers.js';
import { createSecretsManagerHandlers } from '../../src/control-plane/secrets-manager/secrets-manager-handlers.js';
import { handlerSecretSources } from '../../src/control-plane/task-secrets/handler-secret-sources.js';
import { AgentService } from '../../src/control-plane/agent-api/agent-service.js';
import { registerAgentRoutes } from '../../src/control-plane/agent-api/agent-routes.js';
import { HttpControlPlaneClient } from '../../src/agent/http-control-plane-client.js';
import { ControlPlaneError } from '../../src/agent/control-plane-client.js';
import { hostResources } from '../../src/agent/instance-identity.js';
import { signRequest } from '../../src/platform/sigv4.js';
import { operationCaller } from '../../src/control-plane/api/handler-test-kit.js';

const SECRET = `hostile-${randomBytes(8).toString('hex')}`;
const KEY = { accessKeyId: 'AKIDAGENT', secretAccessKey: 'agent-secret' };

describe("tasks/secrets refuses everyone but the task's own instance", () => {
  const store = new MemoryStore();
  const random = seededRandom(3);
  const sealedBox = sealedBoxFromKey(randomBytes(32));
  const ecsHandlers = createEcsHandlers({ store, clock: systemClock, random });
  const ssm = createSsmHandlers({ store, sealedBox });
  const sm = createSecretsManagerHandlers({ store, random, sealedBox });
  const service = new AgentService({ store, clock: systemClock, random, secrets: handlerSecretSources(ssm, sm) });
  const ctx = () => ({ requestId: 'r', region: 'us-east-1', accountId: ACCOUNT_ID, now: systemClock.now(), sourceIp: '127.0.0.1' });
  const ecs = operationCaller<'ecs'>(ecsHandlers, ctx);
  let api: Awaited<ReturnType<typeof createApiServer>>;
  let url: string;
  let client: HttpControlPlaneClient;
  let mine: string;
  let theirs: string;
  let taskArn: string;
  const bodies: string[] = [];

  const register = (ec2InstanceId: string) =>
    client.register({
      cluster: 'h',
      ec2InstanceId,
      advertiseAddress: '127.0.0.2',
      attributes: [],
      versionInfo: {},
      totalResources: hostResources({ cpuCount: 2, totalMemoryBytes: 2048 * 1024 * 1024 }, { memoryReserveMiB: 0 }),
    });
  const refused = async (p: Promise<unknown>, status: number): Promise<void> => {
    await assert.rejects(p, (e: unknown) => {
      bodies.push(JSON.stringify(e), String((e as Error).message));
      return e instanceof ControlPlaneError && e.status === status;
    });
  };

  before(async () => {
    api = await createApiServer({
      handlers: { ecs: ecsHandlers, elbv2: {}, ec2: {} },
      plugins: [async (app) => registerAgentRoutes(app, { service, auth: { mode: 'sigv4', credentials: new Map([[KEY.accessKeyId, KEY.secretAccessKey]]) } })],
    });
    url = await api.listen({ host: '127.0.0.1', port: 0 });
    client = new HttpControlPlaneClient(url, { accessKey: KEY });
    await ecs('CreateCluster', { clusterName: 'h' });
    await ecs('CreateCluster', { clusterName: 'other' });
    await ssm.PutParameter!({ Name: '/h/secret', Value: SECRET, Type: 'SecureString' }, ctx());
    await ecs('RegisterTaskDefinition', {
      family: 'h',
      containerDefinitions: [{ name: 'app', image: 'img', memory: 32, secrets: [{ name: 'S', valueFrom: '/h/secret' }] }],
    });
    mine = (await register('i-00000000000000aa1')).containerInstanceArn;
    theirs = (await register('i-00000000000000aa2')).containerInstanceArn;
    taskArn = (await ecs('StartTask', { cluster: 'h', taskDefinition: 'h', containerInstances: [mine] })).tasks[0].taskArn;
  });
  after(async () => {
    await client.close();
    await api.close();
    await store.close();
  });

  test('the owner gets the value (the baseline the refusals are measured against)', async () => {
    const r = await client.taskSecrets({ cluster: 'h', containerInstanceArn: mine, taskArn });
    assert.deepEqual(r, { ok: true, containers: [{ name: 'app', environment: { S: SECRET } }] });
  });

  test('unsigned, or signed with a wrong secret: 400 before anything is looked up', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDAGENT/20260101/us-east-1/berth/aws4_request, SignedHeaders=host, Signature=00' },
    ]) {
      const res = await fetch(`${url}/berth/agent/v1/tasks/secrets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ cluster: 'h', containerInstanceArn: mine, taskArn }),
      });
      const text = await res.text();
      bodies.push(text);
      assert.equal(res.status, 400, text);
    }
    const forger = new HttpControlPlaneClient(url, { accessKey: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'guess' } });
    await refused(forger.taskSecrets({ cluster: 'h', containerInstanceArn: mine, taskArn }), 400);
    await forger.close();
    // The right key, but a signature made for another service (an AWS API call replayed here) is refused too.
    const body = JSON.stringify({ cluster: 'h', containerInstanceArn: mine, taskArn });
    const u = new URL(`${url}/berth/agent/v1/tasks/secrets`);
    const base = { host: u.host, 'content-type': 'application/json' };
    const forEcs = signRequest({ method: 'POST', url: u.pathname, headers: base, body: Buffer.from(body) }, KEY, Date.now(), 'us-east-1', 'ecs');
    const res = await fetch(u, { method: 'POST', headers: { ...base, ...forEcs }, body });
    const text = await res.text();
    bodies.push(text);
    assert.equal(res.status, 400, text);
    assert.match(text, /scoped to correct service: 'berth'/);
  });

  test('another instance naming the task, a forged cluster, a made-up instance: 404 like a missing task', async () => {
    await refused(client.taskSecrets({ cluster: 'h', containerInstanceArn: theirs, taskArn }), 404);
    await refused(
      client.taskSecrets({ cluster: 'other', containerInstanceArn: mine.replace('/h/', '/other/'), taskArn: taskArn.replace('/h/', '/other/') }),
      404,
    );
    await refused(client.taskSecrets({ cluster: 'h', containerInstanceArn: mine.replace(/[0-9a-f]{32}$/, 'f'.repeat(32)), taskArn }), 404);
    await refused(client.taskSecrets({ cluster: 'h', containerInstanceArn: mine, taskArn: `${taskArn.slice(0, -4)}ffff` }), 404);
  });

  test('a malformed body is refused, not thrown', async () => {
    for (const body of [
      {},
      { cluster: 'h' },
      { cluster: 'h', containerInstanceArn: 'x', taskArn: 'y' },
      { cluster: 'h', containerInstanceArn: mine, taskArn: 42 },
    ]) {
      await assert.rejects(client.taskSecrets(body as never), (e: unknown) => {
        bodies.push(JSON.stringify(e));
        return e instanceof ControlPlaneError && e.status >= 400 && e.status < 500;
      });
    }
  });

  test('once the task is stopping, its secrets are no longer served', async () => {
    await ecs('StopTask', { cluster: 'h', task: taskArn });
    await refused(client.taskSecrets({ cluster: 'h', containerInstanceArn: mine, taskArn }), 400);
  });

  test('no refusal carries the value', () => {
    assert.ok(bodies.length >= 10);
    for (const b of bodies) assert.ok(!b.includes(SECRET), b);
  });
});
