import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateProbedPorts, probePort } from './port-probe.js';
import { readEphemeralRange } from './ephemeral-range.js';

const listen = (port: number) =>
  new Promise<Server>((resolve) => {
    const s = createServer();
    s.listen(port, '127.0.0.1', () => resolve(s));
  });

test('probePort tells a held port from a free one (tcp and udp)', async () => {
  const held = await listen(0);
  const port = (held.address() as { port: number }).port;
  try {
    assert.equal(await probePort('127.0.0.1', port, 'tcp'), false);
  } finally {
    await new Promise((r) => held.close(r));
  }
  assert.equal(await probePort('127.0.0.1', port, 'tcp'), true);
  assert.equal(await probePort('127.0.0.1', port, 'udp'), true);
});

test('allocateProbedPorts skips a port another process holds and reports it busy', async () => {
  const held = await listen(0);
  const port = (held.address() as { port: number }).port;
  try {
    const r = await allocateProbedPorts({
      range: { low: port, high: port + 3 },
      reserved: new Set(),
      inUse: new Set(),
      requests: 1,
      protocols: ['tcp'],
      address: '127.0.0.1',
      startHint: port,
      probe: async (a, p, proto) => p === port ? probePort(a, p, proto) : true,
    });
    assert.ok(r.ok);
    assert.deepEqual(r.ports, [port + 1]);
    assert.deepEqual(r.busy, [port]);
  } finally {
    held.close();
  }
});

test('allocateProbedPorts gives up with RESOURCE:PORTS when every port is busy', async () => {
  const r = await allocateProbedPorts({
    range: { low: 40000, high: 40004 }, reserved: new Set([40000]), inUse: new Set(), requests: 1,
    protocols: ['tcp'], address: '127.0.0.1', probe: async () => false,
  });
  assert.equal(r.ok, false);
  assert.deepEqual([...r.busy].sort(), [40001, 40002, 40003, 40004]);
});

test('readEphemeralRange reads /proc and falls back to the Linux default', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-eph-'));
  try {
    writeFileSync(join(dir, 'r'), '10000\t20000\n');
    assert.deepEqual(await readEphemeralRange(join(dir, 'r')), { low: 10000, high: 20000 });
    assert.deepEqual(await readEphemeralRange(join(dir, 'missing')), { low: 32768, high: 60999 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
