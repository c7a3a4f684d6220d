import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostFlags } from './host-flags.js';
import { parseUpConfig } from './config.js';
import { UsageError } from './usage-error.js';

const from = (flags: Record<string, string>) => (f: string) => flags[f];

test('host flags: memory reserve, reserved TCP and UDP ports, attributes', () => {
  assert.deepEqual(parseHostFlags(from({ 'memory-reserve': '512', 'reserved-ports': '22, 8080', 'reserved-ports-udp': '53' }), ['team=web', 'tier=a=b']), {
    memoryReserveMiB: 512,
    reservedPorts: [22, 8080],
    reservedPortsUdp: [53],
    attributes: { team: 'web', tier: 'a=b' },
  });
  assert.deepEqual(parseHostFlags(from({}), undefined), { attributes: {} });
  assert.equal(parseHostFlags(from({ 'stats-interval': '2.5' }), undefined).statsIntervalMs, 2500);
  // The env twin of a repeatable flag is comma-separated.
  assert.deepEqual(parseHostFlags(from({ attribute: 'a=1,b=2' }), undefined).attributes, { a: '1', b: '2' });
});

test('host flags: bad values are usage errors', () => {
  for (const [flags, attrs] of [
    [{ 'memory-reserve': '-1' }, undefined],
    [{ 'reserved-ports': '22,x' }, undefined],
    [{ 'reserved-ports-udp': '70000' }, undefined],
    [{ 'stats-interval': '0.1' }, undefined],
    [{}, ['novalue']],
  ] as const) {
    assert.throws(() => parseHostFlags(from(flags as Record<string, string>), attrs as string[] | undefined), UsageError);
  }
});

test('berth up takes them, flags and env twins', () => {
  const c = parseUpConfig(['--memory-reserve', '100', '--attribute', 'zone=x', '--attribute', 'gpu=no'], { BERTH_RESERVED_PORTS: '22' });
  assert.deepEqual(c.agentHost, { memoryReserveMiB: 100, reservedPorts: [22], attributes: { zone: 'x', gpu: 'no' } });
});

test('--internal-address: where internal load balancers listen', () => {
  assert.equal(parseUpConfig([], {}).internalAddress, '127.0.0.1');
  assert.equal(parseUpConfig(['--internal-address', '127.0.0.9'], {}).internalAddress, '127.0.0.9');
  assert.equal(parseUpConfig([], { BERTH_INTERNAL_ADDRESS: '10.0.0.5' }).internalAddress, '10.0.0.5');
  assert.throws(() => parseUpConfig(['--internal-address', 'eth0'], {}), UsageError);
});

test('--allow-privileged: berth up and berth agent, flag or env twin', () => {
  assert.equal(parseUpConfig(['--allow-privileged'], {}).agentHost.allowPrivileged, true);
  assert.equal(parseUpConfig([], { BERTH_ALLOW_PRIVILEGED: 'true' }).agentHost.allowPrivileged, true);
  assert.equal(parseUpConfig([], {}).agentHost.allowPrivileged, undefined);
  assert.equal(parseHostFlags(from({ 'allow-privileged': 'false' }), undefined).allowPrivileged, false);
});
