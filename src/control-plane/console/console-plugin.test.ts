import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock, systemClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { createApiServer } from '../api/api-server.js';
import { createEcsHandlers } from '../ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../ec2/ec2-handlers.js';
import { consolePlugin, type ConsoleDeps } from './console-plugin.js';
import { keys } from '../../domain/keys.js';
import type { TrafficStatsSource } from './traffic-stats.js';
import { eventually } from '../../../test/support/eventually.js';

const V1 = '/berth/console/v1';

/** The SDK's hash contract over node:crypto (HMAC when given a secret). */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h =
      secret === undefined
        ? createHash('sha256')
        : createHmac(
            'sha256',
            typeof secret === 'string'
              ? secret
              : secret instanceof ArrayBuffer
                ? new Uint8Array(secret)
                : new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength),
          );
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(
      typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

async function world(over: Partial<ConsoleDeps> = {}) {
  const store = new MemoryStore();
  const deps = { store, clock: systemClock, random: seededRandom(7) };
  const handlers = { ecs: createEcsHandlers(deps), elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) };
  const webRoot = mkdtempSync(join(tmpdir(), 'berth-console-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Berth console</title>');
  const auth = over.auth;
  const app = await createApiServer({
    handlers,
    auth: auth?.mode === 'sigv4' ? { mode: 'sigv4', credentials: auth.credentials } : { mode: 'none' },
    plugins: [consolePlugin({ store, handlers, webRoot, heartbeatMs: 50, sampleMs: 50, ...over })],
  });
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `${V1}${url}`, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } });
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `${V1}${url}`, headers });
  return { app, store, handlers, post, get };
}

/** The seed's stack through the console's own write endpoints. */
async function seed(w: Awaited<ReturnType<typeof world>>) {
  await w.handlers.ecs.CreateCluster!({ clusterName: 'default' }, ctx());
  const tg = await w.post('/target-groups', { Name: 'web-tg', Protocol: 'HTTP', Port: 80, TargetType: 'instance', HealthCheckPath: '/health' });
  assert.equal(tg.statusCode, 200, tg.body);
  const tgArn = tg.json().targetGroup.TargetGroupArn;
  const lb = await w.post('/load-balancers', {
    loadBalancer: { Name: 'web-lb' },
    listener: { Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] },
  });
  assert.equal(lb.statusCode, 200, lb.body);
  const td = await w.post('/task-definitions', {
    family: 'web',
    containerDefinitions: [{ name: 'app', image: 'sample', memory: 64, cpu: 64, portMappings: [{ containerPort: 8080, hostPort: 0 }] }],
  });
  assert.equal(td.statusCode, 200, td.body);
  const svc = await w.post('/services', {
    cluster: 'default',
    serviceName: 'web',
    taskDefinition: 'web',
    desiredCount: 2,
    loadBalancers: [{ targetGroupArn: tgArn, containerName: 'app', containerPort: 8080 }],
  });
  assert.equal(svc.statusCode, 200, svc.body);
  return { tgArn, lbArn: lb.json().loadBalancer.LoadBalancerArn as string };
}

function ctx() {
  return { requestId: 'r', region: 'us-east-1', accountId: '000000000000', now: Date.now(), sourceIp: '127.0.0.1' };
}

describe('console API', () => {
  const apps: FastifyInstance[] = [];
  after(async () => {
    for (const a of apps) await a.close();
  });

  test('the seed stack made through the forms reads back as the AWS API describes it', async () => {
    const w = await world();
    apps.push(w.app);
    const { tgArn, lbArn } = await seed(w);

    const lbs = (await w.get('/load-balancers')).json().loadBalancers;
    assert.equal(lbs.length, 1);
    assert.equal(lbs[0].LoadBalancerArn, lbArn);
    assert.equal(lbs[0].Listeners[0].Port, 8080);
    assert.equal(lbs[0].Listeners[0].Rules[0].IsDefault, true);
    assert.equal(lbs[0].Listeners[0].Rules[0].Actions[0].TargetGroupArn, tgArn);

    const tgs = (await w.get('/target-groups')).json().targetGroups;
    assert.equal(tgs[0].TargetGroupName, 'web-tg');
    assert.deepEqual(tgs[0].LoadBalancerArns, [lbArn]);
    assert.deepEqual(tgs[0].targets, []);

    const tds = (await w.get('/task-definitions')).json().families;
    assert.equal(tds[0].family, 'web');
    assert.equal(tds[0].latest.containerDefinitions[0].portMappings[0].hostPort, 0);
    const one = (await w.get('/task-definitions/web:1')).json();
    assert.equal(one.taskDefinition.revision, 1);

    const services = (await w.get('/clusters/default/services')).json().services;
    assert.equal(services[0].serviceName, 'web');
    assert.equal(services[0].deployments[0].status, 'PRIMARY');
    const detail = (await w.get('/clusters/default/services/web')).json();
    assert.equal(detail.service.desiredCount, 2);
    assert.ok(Array.isArray(detail.tasks));
    assert.equal((await w.get('/clusters/default/services/nope')).statusCode, 404);

    const clusters = (await w.get('/clusters')).json().clusters;
    assert.equal(clusters[0].clusterName, 'default');
    assert.equal(clusters[0].activeServicesCount, 1);
    assert.deepEqual((await w.get('/clusters/default/container-instances')).json(), { containerInstances: [] });
  });

  test('registered targets show state, reason and live traffic', async () => {
    const stats: TrafficStatsSource = { snapshot: () => new Map() };
    const w = await world({ trafficStats: stats });
    apps.push(w.app);
    const { tgArn } = await seed(w);
    (stats as { snapshot: TrafficStatsSource['snapshot'] }).snapshot = () =>
      new Map([[tgArn, { requestsPerSecond: 5, errors5xxPerSecond: 0, p99Ms: 3, targets: new Map([['i-abc:32768', { inFlight: 1, requestsPerSecond: 5 }]]) }]]);
    await w.handlers.elbv2.RegisterTargets!({ TargetGroupArn: tgArn, Targets: [{ Id: 'i-abc', Port: 32768 }] }, ctx());
    const tg = (await w.get('/target-groups')).json().targetGroups[0];
    assert.equal(tg.targets.length, 1);
    assert.deepEqual(
      { ...tg.targets[0], description: undefined },
      {
        id: 'i-abc',
        port: 32768,
        state: 'initial',
        reason: 'Elb.RegistrationInProgress',
        description: undefined,
        inFlight: 1,
        requestsPerSecond: 5,
      },
    );
    assert.equal(tg.traffic.p99Ms, 3);
    assert.deepEqual(Object.keys((await w.get('/traffic')).json()), [tgArn]);
  });

  test('an AWS error comes back as { code, message } with its status', async () => {
    const w = await world();
    apps.push(w.app);
    const bad = await w.post('/task-definitions', {
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'x', portMappings: [{ containerPort: 'eighty' }] }],
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'SerializationException');
    const noMemory = await w.post('/task-definitions', { family: 'web', containerDefinitions: [{ name: 'app', image: 'x' }] });
    assert.equal(noMemory.statusCode, 400);
    assert.equal(noMemory.json().code, 'ClientException');
    assert.match(noMemory.json().message, /memory/i);
    const lb = await w.post('/load-balancers', { loadBalancer: { Name: 'ok-lb' }, listener: { Protocol: 'HTTP', Port: 70000, DefaultActions: [] } });
    assert.equal(lb.statusCode, 400);
    assert.ok(lb.json().message.length > 0);
    assert.deepEqual((await w.get('/load-balancers')).json().loadBalancers, [], 'a failed listener leaves no load balancer');
    const notJson = await w.app.inject({
      method: 'POST',
      url: `${V1}/target-groups`,
      payload: 'Name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(notJson.statusCode, 415);
    const broken = await w.app.inject({ method: 'POST', url: `${V1}/target-groups`, payload: '{', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().code, 'ValidationError');
  });

  test('GET / serves the console, client routes fall back to it, POST / stays the AWS API', async () => {
    const w = await world();
    apps.push(w.app);
    const index = await w.app.inject({ method: 'GET', url: '/' });
    assert.equal(index.statusCode, 200);
    assert.match(index.headers['content-type'] as string, /text\/html/);
    assert.match(index.body, /Berth console/);
    assert.match((await w.app.inject({ method: 'GET', url: '/services/default/web' })).body, /Berth console/);
    assert.equal((await w.app.inject({ method: 'HEAD', url: '/' })).statusCode, 200);
    assert.equal((await w.app.inject({ method: 'GET', url: '/assets/nope.js' })).statusCode, 404);
    assert.equal((await w.app.inject({ method: 'GET', url: `${V1}/nope` })).statusCode, 404);
    const aws = await w.app.inject({
      method: 'POST',
      url: '/',
      payload: '{}',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
    });
    assert.equal(aws.statusCode, 200);
    assert.deepEqual(aws.json(), { clusterArns: [] });
  });

  test('sign-in is throttled: 300 wrong guesses at once reach the key check 5 times; the rest wait', async () => {
    const clock = new ManualClock();
    const w = await world({ auth: { mode: 'sigv4', credentials: new Map([['AKIDCONSOLE', 'console-secret']]) }, clock });
    apps.push(w.app);
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => w.post('/login', { accessKeyId: 'AKIDCONSOLE', secretAccessKey: `guess-${i}` })));
    const counts = new Map<number, number>();
    for (const a of answers) counts.set(a.statusCode, (counts.get(a.statusCode) ?? 0) + 1);
    assert.deepEqual([...counts].sort(), [
      [403, 5],
      [429, 295],
    ]);
    const throttled = answers.find((a) => a.statusCode === 429)!;
    assert.equal(throttled.json().code, 'ThrottlingException');
    assert.equal(throttled.headers['retry-after'], '3');
    // Even the right key waits: a throttled answer must not tell right from wrong.
    assert.equal((await w.post('/login', { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console-secret' })).statusCode, 429);
    clock.advance(3_000);
    assert.equal((await w.post('/login', { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console-secret' })).statusCode, 200);
  });

  test('under sigv4 the console wants the API keys: a session cookie or a signed request', async () => {
    const credentials = new Map([['AKIDCONSOLE', 'console-secret']]);
    const w = await world({ auth: { mode: 'sigv4', credentials } });
    apps.push(w.app);
    assert.deepEqual((await w.get('/session')).json(), { authRequired: true, signedIn: false });
    const denied = await w.get('/clusters');
    assert.equal(denied.statusCode, 401);
    assert.equal(denied.json().code, 'NotSignedIn');
    assert.equal((await w.post('/login', { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'nope' })).statusCode, 403);
    const login = await w.post('/login', { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console-secret' });
    assert.equal(login.statusCode, 200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    assert.match(String(login.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.equal((await w.get('/clusters', { cookie })).statusCode, 200);
    assert.deepEqual((await w.get('/session', { cookie })).json(), { authRequired: true, signedIn: true });
    await w.post('/logout', {}, { cookie });
    assert.equal((await w.get('/clusters', { cookie })).statusCode, 401);

    // A program signs the console request with SigV4 as it signs AWS calls.
    const signer = new SignatureV4({
      service: 'ecs',
      region: 'us-east-1',
      sha256: Sha256,
      credentials: { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console-secret' },
    });
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: 'localhost', path: `${V1}/clusters`, headers: { host: 'localhost' } });
    assert.equal((await w.get('/clusters', signed.headers as Record<string, string>)).statusCode, 200);
    const wrong = new SignatureV4({
      service: 'ecs',
      region: 'us-east-1',
      sha256: Sha256,
      credentials: { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'other' },
    });
    const forged = await wrong.sign({ method: 'GET', protocol: 'http:', hostname: 'localhost', path: `${V1}/clusters`, headers: { host: 'localhost' } });
    assert.equal((await w.get('/clusters', forged.headers as Record<string, string>)).statusCode, 401);
    // The static console itself loads, so the page can show its sign-in form.
    assert.equal((await w.app.inject({ method: 'GET', url: '/' })).statusCode, 200);
  });

  test('the SSE stream sends ready, then a change per write, and cleans up when the client leaves', async () => {
    const w = await world();
    apps.push(w.app);
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (w.app.server.address() as AddressInfo).port;
    let text = '';
    const req = request({ host: '127.0.0.1', port, path: `${V1}/events` });
    const opened = new Promise<void>((resolve, reject) => {
      req.on('response', (res) => {
        assert.match(String(res.headers['content-type']), /text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
          if (text.includes('event: ready')) resolve();
        });
      });
      req.on('error', reject);
    });
    req.end();
    await opened;
    await w.post('/target-groups', { Name: 'live-tg', Protocol: 'HTTP', Port: 80 });
    await eventually(() => (text.includes('"kind":"target-group"') && text.includes(': heartbeat') ? true : undefined), {
      what: 'the change and a heartbeat on the stream',
      timeoutMs: 3000,
      intervalMs: 20,
    });
    assert.match(text, /event: change\ndata: \{"kind":"target-group","id":"[^"]+"\}/);
    assert.match(text, /: heartbeat/);
    req.destroy();
    // After the client goes away the server has no open connection left to write to.
    const open = await eventually(() => new Promise<number>((r) => w.app.server.getConnections((_e, n) => r(n))), {
      what: 'no open connection',
      timeoutMs: 3000,
      intervalMs: 20,
      until: (n) => n === 0,
    });
    assert.equal(open, 0);
  });
});

describe('console task logs', () => {
  test('answers the last lines of a container from the log source, with its checks', async () => {
    const asked: unknown[] = [];
    const logs: ConsoleDeps['logs'] = async (req) => {
      asked.push(req);
      return (async function* () {
        yield { stream: 'stdout' as const, line: `${req.containerName} line`, time: 1 };
      })();
    };
    const w = await world({ logs });
    await w.store.put(keys.task('default', 'abc123'), { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/default/abc123' });
    assert.equal((await w.get('/clusters/default/tasks/nope/logs?container=app')).statusCode, 404);
    const ok = await w.get('/clusters/default/tasks/abc123/logs?container=app&tail=5');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { lines: [{ stream: 'stdout', line: 'app line', time: 1 }] });
    assert.deepEqual(asked, [{ cluster: 'default', taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/default/abc123', containerName: 'app', tail: 5 }]);
    assert.equal((await w.get('/clusters/default/tasks/abc123/logs')).statusCode, 400);
    assert.equal((await w.get('/clusters/default/tasks/abc123/logs?container=app&tail=-1')).statusCode, 400);
    assert.equal((await w.get('/clusters/default/tasks/abc123/logs?container=app&tail=x')).statusCode, 400);
    await w.app.close();
    const none = await world();
    assert.equal((await none.get('/clusters/default/tasks/abc123/logs?container=app')).statusCode, 501);
    const failing = await world({
      logs: async () => {
        throw Object.assign(new Error('No container app of task t on this instance.'), { code: 'ResourceNotFoundException', status: 404 });
      },
    });
    await failing.store.put(keys.task('default', 'abc123'), { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/default/abc123' });
    const gone = await failing.get('/clusters/default/tasks/abc123/logs?container=app');
    assert.equal(gone.statusCode, 404, gone.body);
    assert.match(gone.json().message, /No container app/);
    await failing.app.close();
    await none.app.close();
  });
});
