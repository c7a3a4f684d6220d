import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeProtocol, samePermissionKey } from './security-group.js';
import { defaultNetwork } from './default-network.js';

describe('security group rules', () => {
  test('protocols by number or name', () => {
    assert.deepEqual(['6', '17', '1', 'ALL', 'TCP', '-1'].map(normalizeProtocol), ['tcp', 'udp', 'icmp', '-1', 'tcp', '-1']);
  });
  test('one rule per protocol and port range', () => {
    const p = { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [] };
    assert.ok(samePermissionKey(p, { ...p, IpProtocol: '6', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }));
    assert.ok(!samePermissionKey(p, { ...p, ToPort: 81 }));
  });
});

describe('default network', () => {
  test('stable ids in the AWS shapes', () => {
    const a = defaultNetwork('000000000000', 'us-east-1');
    assert.deepEqual(a, defaultNetwork('000000000000', 'us-east-1'));
    assert.match(a.VpcId, /^vpc-[0-9a-f]{17}$/);
    assert.deepEqual(
      a.Subnets.map((s) => s.AvailabilityZone),
      ['us-east-1a', 'us-east-1b'],
    );
    assert.match(a.Subnets[0]!.SubnetId, /^subnet-[0-9a-f]{17}$/);
    assert.notEqual(a.VpcId, defaultNetwork('000000000000', 'eu-west-1').VpcId);
  });
});
