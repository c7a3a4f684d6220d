import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessRuntime } from './process-runtime.js';
import { RuntimeError } from './runtime.js';
import { runtimeConformance } from './runtime.conformance.js';

const sampleApp = resolve(import.meta.dirname, '../../../examples/sample-app/server.js');

runtimeConformance('process', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-process-runtime-'));
  const runtime = new ProcessRuntime({ stateDir });
  return {
    runtime,
    image: 'ignored:latest',
    // The app listens on PORT, which the runtime sets to the host port.
    server: () => ({ entryPoint: [process.execPath, sampleApp], command: [] }),
    envPath: (name) => `/env/${name}`,
    cleanup: async () => {
      await runtime.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
});

test('registry credentials are refused, not ignored: the process runtime pulls nothing', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-process-runtime-'));
  const runtime = new ProcessRuntime({ stateDir });
  try {
    await assert.rejects(
      runtime.ensureImage('reg:5000/app', () => undefined, { username: 'u', password: 'p' }),
      (e: unknown) => e instanceof RuntimeError && e.code === 'IMAGE_NOT_FOUND',
    );
    await runtime.ensureImage('reg:5000/app', () => undefined);
  } finally {
    await runtime.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('options a host process cannot honour fail the create, naming the field', async () => {
  const runtime = new ProcessRuntime({ stateDir: mkdtempSync(join(tmpdir(), 'berth-process-runtime-')) });
  const base = {
    name: 'app',
    image: 'x',
    entryPoint: ['/bin/true'],
    portBindings: [],
    bindIp: '127.0.0.1',
    networkMode: 'bridge' as const,
    labels: {},
    stopTimeoutS: 1,
  };
  const cases: [object, string][] = [
    [{ mounts: [{ type: 'bind', source: '/srv', target: '/d', readOnly: true }] }, 'mountPoints'],
    [{ volumesFrom: [{ runtimeName: 'x', readOnly: false }] }, 'volumesFrom'],
    [{ user: 'nobody' }, 'user'],
    [{ workingDirectory: '/srv' }, 'workingDirectory'],
    [{ hostname: 'h' }, 'hostname'],
    [{ extraHosts: [{ hostname: 'a', ipAddress: '127.0.0.2' }] }, 'extraHosts'],
    [{ ulimits: [{ name: 'nofile', softLimit: 1, hardLimit: 1 }] }, 'ulimits'],
    [{ readonlyRootFilesystem: true }, 'readonlyRootFilesystem'],
    [{ privileged: true }, 'privileged'],
    [{ init: true }, 'linuxParameters.initProcessEnabled'],
  ];
  for (const [over, field] of cases) {
    await assert.rejects(
      runtime.create({ ...base, ...over }),
      (e: unknown) => e instanceof RuntimeError && e.code === 'CREATE_FAILED' && e.message.includes(`cannot honour ${field} `),
      field,
    );
  }
});

test('log drivers: awslogs and json-file without options run; syslog and json-file options are refused, naming the driver', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-process-runtime-'));
  const runtime = new ProcessRuntime({ stateDir });
  const spec = (logDriver: string, options: Record<string, string> = {}) => ({
    name: 'app',
    image: 'x',
    entryPoint: ['true'],
    portBindings: [],
    bindIp: '127.0.0.1',
    networkMode: 'bridge' as const,
    labels: {},
    stopTimeoutS: 1,
    logConfiguration: { logDriver, options },
  });
  try {
    for (const d of ['awslogs', 'json-file']) assert.match(await runtime.create(spec(d)), /^[0-9a-f]+$/);
    for (const [d, o] of [
      ['syslog', {}],
      ['json-file', { 'max-size': '1m' }],
    ] as const) {
      await assert.rejects(
        runtime.create(spec(d, o)),
        (e: unknown) => e instanceof RuntimeError && e.code === 'CREATE_FAILED' && e.message.includes(`logDriver ${d}`),
      );
    }
  } finally {
    await runtime.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
