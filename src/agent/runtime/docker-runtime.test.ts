import { describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { requirement } from '../../../test/support/requirements.js';
import { ensureTestImage } from '../../../test/support/test-image.js';
import { eventually } from '../../../test/support/eventually.js';
import { createOptions, DockerRuntime, registryOf } from './docker-runtime.js';
import { runtimeConformance } from './runtime.conformance.js';
import { BERTH_LABELS } from './runtime.js';

runtimeConformance(
  'docker',
  async () => ({
    runtime: new DockerRuntime(),
    image: await ensureTestImage(),
    // sh is PID 1 and forwards nothing by itself: the trap makes SIGTERM a graceful stop.
    server: (port) => ({
      entryPoint: ['/bin/sh', '-c'],
      command: [`echo listening on ${port}; trap 'echo shutting down; kill $pid; exit 0' TERM; httpd -f -p ${port} -h /www & pid=$!; wait $pid`],
    }),
    envPath: () => '/cgi-bin/env',
    cleanup: async () => undefined,
  }),
  requirement('docker'),
);

describe('docker create options', () => {
  test('limits, health check in ns, labels and bridge bindings on the bind address', () => {
    const o = createOptions({
      name: 'web',
      image: 'img',
      portBindings: [
        { containerPort: 80, hostPort: 20001, protocol: 'tcp' },
        { containerPort: 53, hostPort: 20002, protocol: 'udp' },
      ],
      bindIp: '127.0.0.1',
      networkMode: 'bridge',
      cpu: 256,
      memoryMiB: 128,
      memoryReservationMiB: 64,
      labels: { [BERTH_LABELS.taskArn]: 'arn:t', [BERTH_LABELS.containerName]: 'spoof' },
      dockerLabels: { a: 'b', [BERTH_LABELS.taskArn]: 'spoof' },
      healthCheck: { command: ['curl', '-f', 'http://localhost/'], intervalS: 5, timeoutS: 2, retries: 3, startPeriodS: 0.5 },
      stopTimeoutS: 30,
    });
    assert.equal(o.HostConfig?.CpuShares, 256);
    assert.equal(o.HostConfig?.Memory, 128 * 1024 * 1024);
    assert.equal(o.HostConfig?.MemoryReservation, 64 * 1024 * 1024);
    assert.deepEqual(o.HostConfig?.PortBindings, {
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '20001' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '20002' }],
    });
    assert.deepEqual(o.Healthcheck, { Test: ['CMD', 'curl', '-f', 'http://localhost/'], Interval: 5e9, Timeout: 2e9, Retries: 3, StartPeriod: 5e8 });
    assert.equal(o.Labels?.[BERTH_LABELS.taskArn], 'arn:t', "Berth's labels win over dockerLabels");
    assert.equal(o.Labels?.[BERTH_LABELS.containerName], 'web');
    assert.equal(o.Labels?.a, 'b');
    assert.equal(o.StopTimeout, 30);
  });

  test('host network mode publishes nothing', () => {
    const o = createOptions({
      name: 'h',
      image: 'i',
      portBindings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
      bindIp: '127.0.0.1',
      networkMode: 'host',
      labels: {},
      stopTimeoutS: 1,
      healthCheck: { command: ['CMD-SHELL', 'true'], intervalS: 1, timeoutS: 1, retries: 1, startPeriodS: 0 },
    });
    assert.equal(o.HostConfig?.NetworkMode, 'host');
    assert.equal(o.HostConfig?.PortBindings, undefined);
    assert.equal(o.ExposedPorts, undefined);
    assert.deepEqual(o.Healthcheck?.Test, ['CMD-SHELL', 'true']);
  });
});

describe('docker exit events across a dropped daemon connection', { skip: requirement('docker') }, () => {
  test('the event stream is reopened, the listener is told exits may have been missed, and later exits arrive', async () => {
    // A unix-socket proxy in front of the real Docker socket: destroying its connections is what a
    // dockerd restart looks like to the client, without disturbing other tests' containers.
    const dir = mkdtempSync(join(tmpdir(), 'berth-docker-proxy-'));
    const path = join(dir, 'docker.sock');
    const conns = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect('/var/run/docker.sock');
      conns.add(client);
      conns.add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        conns.delete(client);
        conns.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => proxy.listen(path, r));
    const rt = new DockerRuntime({ socketPath: path });
    const image = await ensureTestImage();
    const seen: string[] = [];
    const unsubscribe = rt.onExit((id) => seen.push(id));
    const ids: string[] = [];
    try {
      // The event stream is open once it has a connection through the proxy.
      await eventually(() => conns.size, { what: 'the event stream connected through the proxy', timeoutMs: 10_000, intervalMs: 20, until: (n) => n > 0 });
      for (const c of conns) c.destroy();
      await eventually(() => seen, { what: 'reconnected and said so', timeoutMs: 10_000, intervalMs: 100, until: (s) => s.includes('') });

      const id = await rt.create({
        name: 'exits',
        image,
        portBindings: [],
        bindIp: '127.0.0.1',
        networkMode: 'bridge',
        stopTimeoutS: 1,
        labels: { [BERTH_LABELS.cluster]: 'events-test', [BERTH_LABELS.taskArn]: 'arn:aws:ecs:local:0:task/events-test/t1' },
        entryPoint: ['/bin/sh', '-c'],
        command: ['exit 3'],
      });
      ids.push(id);
      await rt.start(id);
      await eventually(() => seen, { what: 'an exit after the reconnect is reported', timeoutMs: 20_000, intervalMs: 100, until: (s) => s.includes(id) });
    } finally {
      unsubscribe();
      for (const id of ids) await rt.remove(id).catch(() => undefined);
      for (const c of conns) c.destroy();
      await new Promise((r) => proxy.close(() => r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("registryOf: the registry a pull authenticates against, by Docker's rule", () => {
  assert.equal(registryOf('127.0.0.1:5000/team/app:1'), '127.0.0.1:5000');
  assert.equal(registryOf('123456789012.dkr.ecr.us-east-1.amazonaws.com/app'), '123456789012.dkr.ecr.us-east-1.amazonaws.com');
  assert.equal(registryOf('localhost/app'), 'localhost');
  assert.equal(registryOf('team/app:1'), 'https://index.docker.io/v1/');
  assert.equal(registryOf('nginx'), 'https://index.docker.io/v1/');
});
