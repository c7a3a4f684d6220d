import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../platform/random.js';
import { hostResources, instanceAttributes, loadOrCreateInstanceId } from './instance-identity.js';

test('the instance id is i- and 17 hex digits, kept in the state dir across restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-id-'));
  try {
    const id = await loadOrCreateInstanceId(join(dir, 'state'), seededRandom(1));
    assert.match(id, /^i-[0-9a-f]{17}$/);
    assert.equal(await loadOrCreateInstanceId(join(dir, 'state'), seededRandom(2)), id);
    assert.equal(readFileSync(join(dir, 'state', 'instance-id'), 'utf8').trim(), id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resources: 1024 CPU per core, memory less the reserve, reserved ports', () => {
  const r = hostResources({ cpuCount: 4, totalMemoryBytes: 8192 * 1024 * 1024 }, { memoryReserveMiB: 512, reservedPorts: [22, 8080, 22] });
  assert.deepEqual(r, [
    { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: 7680 },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '8080'] },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
  ]);
});

test('attributes: the ecs.* ones cannot be overridden by custom ones', () => {
  const a = instanceAttributes({ osType: 'linux', cpuArchitecture: 'x86_64', availabilityZone: 'local-1a' }, { 'ecs.os-type': 'windows', stack: 'blue' });
  assert.deepEqual(
    a.find((x) => x.name === 'ecs.os-type'),
    { name: 'ecs.os-type', value: 'linux' },
  );
  assert.deepEqual(
    a.find((x) => x.name === 'stack'),
    { name: 'stack', value: 'blue' },
  );
});
