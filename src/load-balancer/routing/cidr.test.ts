import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyCidrContains, parseCidr, parseIp } from './cidr.js';

test('parses v4, v6, mapped and rejects junk', () => {
  assert.deepEqual([...parseIp('10.1.2.3')!], [10, 1, 2, 3]);
  assert.deepEqual([...parseIp('::ffff:127.0.0.1')!], [127, 0, 0, 1]);
  assert.equal(parseIp('::1')!.length, 16);
  assert.equal(parseIp('2001:db8::1')![15], 1);
  assert.equal(parseIp('fe80::1%eth0')!.length, 16);
  for (const bad of ['1.2.3', '256.1.1.1', '1::2::3', 'x', '1:2:3:4:5:6:7:8:9', '']) assert.equal(parseIp(bad), undefined, bad);
  assert.throws(() => parseCidr('10.0.0.0/33'));
  assert.throws(() => parseCidr('nope/8'));
});

const cases: Array<[string, string, boolean]> = [
  ['10.0.0.0/8', '10.255.1.1', true],
  ['10.0.0.0/8', '11.0.0.1', false],
  ['192.168.1.0/25', '192.168.1.127', true],
  ['192.168.1.0/25', '192.168.1.128', false],
  ['0.0.0.0/0', '8.8.8.8', true],
  ['127.0.0.1/32', '::ffff:127.0.0.1', true],
  ['127.0.0.1/32', '127.0.0.2', false],
  ['2001:db8::/32', '2001:db8:ffff::1', true],
  ['2001:db8::/32', '2001:db9::1', false],
  ['::1/128', '::1', true],
  ['::/0', '10.0.0.1', false],
  ['10.0.0.0/8', '::1', false],
  ['::ffff:10.0.0.0/104', '10.3.3.3', true],
];
for (const [cidr, ip, want] of cases) {
  test(`${cidr} ${want ? 'contains' : 'does not contain'} ${ip}`, () => {
    assert.equal(anyCidrContains([parseCidr(cidr)], ip), want);
  });
}
