import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrsOverlap, cidrWithin, parseCidr, usableAddresses } from './cidr.js';

test('CIDR parsing is strict: base address of the block, prefix 0..32', () => {
  assert.deepEqual(parseCidr('10.0.0.0/16'), { base: 10 * 2 ** 24, bits: 16 });
  for (const bad of ['10.0.0.1/16', '10.0.0.0', '10.0.0.0/33', '10.0.0/16', '300.0.0.0/8', 'x/8', 7, undefined]) {
    assert.equal(parseCidr(bad), undefined, String(bad));
  }
});

test('containment, overlap and usable addresses', () => {
  const vpc = parseCidr('10.0.0.0/16')!;
  const a = parseCidr('10.0.1.0/24')!;
  const b = parseCidr('10.0.1.128/25')!;
  const c = parseCidr('10.0.2.0/24')!;
  assert.ok(cidrWithin(a, vpc));
  assert.ok(!cidrWithin(parseCidr('10.1.0.0/24')!, vpc));
  assert.ok(!cidrWithin(vpc, a));
  assert.ok(cidrsOverlap(a, b));
  assert.ok(!cidrsOverlap(a, c));
  assert.equal(usableAddresses(a), 251);
  assert.equal(usableAddresses(parseCidr('172.31.0.0/20')!), 4091);
});
