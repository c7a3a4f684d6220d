import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime } from './docker-runtime.js';
import { parseRuntimeChoice, selectRuntime } from './runtime-selection.js';

test('auto falls back to process when no engine answers on the socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-select-'));
  try {
    const rt = await selectRuntime('auto', { stateDir: dir, dockerSocket: join(dir, 'no-docker.sock') });
    assert.equal(rt.kind, 'process');
    assert.equal((await selectRuntime('docker', { stateDir: dir })).kind, 'docker');
    const answering = await selectRuntime('auto', { stateDir: dir, makeDocker: () => Object.assign(new DockerRuntime(), { ping: async () => true }) });
    assert.equal(answering.kind, 'docker');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseRuntimeChoice', () => {
  assert.equal(parseRuntimeChoice('process'), 'process');
  assert.throws(() => parseRuntimeChoice('podman'), RangeError);
});
