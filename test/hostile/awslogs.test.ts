/**
 * Who can write into a task's log stream on `POST /berth/agent/v1/logs/batch`, over real HTTP under
 * `--auth sigv4`: an unsigned caller, another instance naming the task, a container without awslogs,
 * malformed bodies and events, a batch the log store refuses whole. Each is refused (4xx, never a
 * 500), and nothing reaches the stream; the owner's batch, replayed, is stored once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { ACCOUNT_ID } from '../../src/control-plane/api/operation.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { createLogsHandlers } from '../../src/control-plane/logs/logs-handlers.js';
import { AgentService } from '../../src/control-plane/agent-api/agent-service.js';
import { registerAgentRoutes } from '../../src/control-plane/agent-api/agent-routes.js';
import { HttpControlPlaneClient } from '../../src/agent/http-control-plane-client.js';
import { ControlPlaneError, type LogBatchRequest } from '../../src/agent/control-plane-client.js';
import { hostResources } from '../../src/agent/instance-identity.js';
import { operationCaller } from '../../src/control-plane/api/handler-test-kit.js';

const KEY = { accessKeyId: 'AKIDAGENT', secretAccessKey: 'agent-secret' };

describe("logs/batch writes only the task's own instance's lines, once", () => {
  const store = new MemoryStore();
  const random = seededRandom(5);
  const ecsHandlers = createEcsHandlers({ store, clock: systemClock, random });
  const logs = createLogsHandlers({ store });
  const service = new AgentService({ store, clock: systemClock, random });
  const ctx = () => ({ requestId: 'r', region: 'us-east-1', accountId: ACCOUNT_ID, now: systemClock.now(), sourceIp: '127.0.0.1' });
  const ecs = operationCaller<'ecs'>(ecsHandlers, ctx);
  let api: Awaited<ReturnType<typeof createApiServer>>;
  let url: string;
  let client: HttpControlPlaneClient;
  let mine: string;
  let theirs: string;
  let taskArn: string;
  let stream: string;
  const base = (): Omit<LogBatchRequest, 'events'> => ({ cluster: 'h', containerInstanceArn: mine, taskArn, containerName: 'app', runtimeId: 'rid' });
  const stored = async (): Promise<string[]> =>
    ((await logs.GetLogEvents!({ logGroupName: '/h/app', logStreamName: stream, startFromHead: true }, ctx())) as { events: { message: string }[] }).events.map(
      (e) => e.message,
    );
  const refused = (p: Promise<unknown>, status?: number) =>
    assert.rejects(p, (e: unknown) => e instanceof ControlPlaneError && (status === undefined ? e.status >= 400 && e.status < 500 : e.status === status));

  before(async () => {
    api = await createApiServer({
      handlers: { ecs: ecsHandlers, elbv2: {}, ec2: {} },
      plugins: [async (app) => registerAgentRoutes(app, { service, auth: { mode: 'sigv4', credentials: new Map([[KEY.accessKeyId, KEY.secretAccessKey]]) } })],
    });
    url = await api.listen({ host: '127.0.0.1', port: 0 });
    client = new HttpControlPlaneClient(url, { accessKey: KEY });
    await ecs('CreateCluster', { clusterName: 'h' });
    await ecs('RegisterTaskDefinition', {
      family: 'h',
      containerDefinitions: [
        {
          name: 'app',
          image: 'img',
          memory: 32,
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/h/app', 'awslogs-stream-prefix': 'p', 'awslogs-create-group': 'true' } },
        },
        { name: 'plain', image: 'img', memory: 32 },
      ],
    });
    const register = (ec2InstanceId: string) =>
      client.register({
        cluster: 'h',
        ec2InstanceId,
        advertiseAddress: '127.0.0.2',
        attributes: [],
        versionInfo: {},
        totalResources: hostResources({ cpuCount: 2, totalMemoryBytes: 2048 * 1024 * 1024 }, { memoryReserveMiB: 0 }),
      });
    mine = (await register('i-00000000000000bb1')).containerInstanceArn;
    theirs = (await register('i-00000000000000bb2')).containerInstanceArn;
    taskArn = (await ecs('StartTask', { cluster: 'h', taskDefinition: 'h', containerInstances: [mine] })).tasks[0].taskArn;
    stream = `p/app/${taskArn.split('/').pop()}`;
    assert.equal((await client.shipLogs({ ...base(), events: [] })).ok, true);
  });
  after(async () => {
    await client.close();
    await api.close();
    await store.close();
  });

  test('unsigned: 400, nothing stored', async () => {
    const t = Date.now();
    const res = await fetch(`${url}/berth/agent/v1/logs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...base(), events: [{ timestamp: t, message: 'forged', last: { t, k: 0 } }] }),
    });
    assert.equal(res.status, 400, await res.text());
    assert.deepEqual(await stored(), []);
  });

  test('another instance, a container without awslogs, a made-up task: refused', async () => {
    const t = Date.now();
    const events = [{ timestamp: t, message: 'forged', last: { t, k: 0 } }];
    await refused(client.shipLogs({ ...base(), containerInstanceArn: theirs, events }), 404);
    await refused(client.shipLogs({ ...base(), containerName: 'plain', events }), 400);
    await refused(client.shipLogs({ ...base(), containerName: 'nope', events }), 400);
    await refused(client.shipLogs({ ...base(), taskArn: `${taskArn.slice(0, -4)}ffff`, events }), 404);
    assert.deepEqual(await stored(), []);
  });

  test('malformed bodies and events are refused, not thrown', async () => {
    const t = Date.now();
    for (const body of [
      {},
      { ...base() },
      { ...base(), events: 'x' },
      { ...base(), runtimeId: 7, events: [] },
      { ...base(), events: [{ message: 'no time', last: { t, k: 0 } }] },
      { ...base(), events: [{ timestamp: t, message: 'no position' }] },
      { ...base(), events: [{ timestamp: t, message: 42, last: { t, k: 0 } }] },
      { ...base(), events: [{ timestamp: t, message: 'k not an integer', last: { t, k: 0.5 } }] },
      { ...base(), events: [null] },
      // Out of order, and more than a PutLogEvents batch holds: the log store's own refusals.
      {
        ...base(),
        events: [
          { timestamp: t, message: 'b', last: { t, k: 1 } },
          { timestamp: t - 10, message: 'a', last: { t, k: 2 } },
        ],
      },
      { ...base(), events: [{ timestamp: t, message: 'x'.repeat(1_100_000), last: { t, k: 0 } }] },
    ]) {
      await refused(client.shipLogs(body as never));
    }
    assert.deepEqual(await stored(), []);
  });

  test("the owner's batch, sent three times, is stored once", async () => {
    const t = Date.now() - 100;
    const events = [
      { timestamp: t, message: 'one', last: { t, k: 0 } },
      { timestamp: t, message: 'two', last: { t, k: 1 } },
    ];
    for (let i = 0; i < 3; i++) await client.shipLogs({ ...base(), events });
    assert.deepEqual(await stored(), ['one', 'two']);
  });
});
