import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probePort } from './port-probe.js';
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
