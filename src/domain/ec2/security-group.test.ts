import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, securityGroupsAllow } from './security-group.js';
import { defaultNetwork } from './default-network.js';

describe('security groups', () => {
  const web = { IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '127.0.0.0/8' }] }] };
  const all = { IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
  test('no groups allows everything', () => assert.ok(securityGroupsAllow([], 80, '10.1.2.3')));
  test('port and source must both match', () => {
    assert.ok(securityGroupsAllow([web], 80, '127.0.0.1'));
    assert.ok(securityGroupsAllow([web], 80, '::ffff:127.0.0.5'));
    assert.ok(!securityGroupsAllow([web], 81, '127.0.0.1'));
    assert.ok(!securityGroupsAllow([web], 80, '10.0.0.1'));
    assert.ok(!securityGroupsAllow([{ IpPermissions: [] }], 80, '127.0.0.1'));
  });
  test('any group may allow; -1 means all ports', () => {
    assert.ok(securityGroupsAllow([web, all], 8080, '192.168.1.1'));
    assert.ok(!securityGroupsAllow([{ IpPermissions: [{ IpProtocol: 'udp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }], 80, '1.2.3.4'));
  });
  test('CIDR arithmetic', () => {
    assert.ok(cidrContains('10.0.0.0/8', '10.255.0.1'));
    assert.ok(!cidrContains('10.0.0.0/8', '11.0.0.1'));
    assert.ok(cidrContains('192.168.1.7/32', '192.168.1.7'));
    assert.ok(cidrContains('0.0.0.0/0', '8.8.8.8'));
    assert.ok(!cidrContains('192.168.1.0/24', '::1'));
  });
});

describe('default network', () => {
  test('stable ids in the AWS shapes', () => {
    const a = defaultNetwork('000000000000', 'us-east-1');
    assert.deepEqual(a, defaultNetwork('000000000000', 'us-east-1'));
    assert.match(a.VpcId, /^vpc-[0-9a-f]{17}$/);
    assert.deepEqual(a.Subnets.map((s) => s.AvailabilityZone), ['us-east-1a', 'us-east-1b']);
    assert.match(a.Subnets[0]!.SubnetId, /^subnet-[0-9a-f]{17}$/);
    assert.notEqual(a.VpcId, defaultNetwork('000000000000', 'eu-west-1').VpcId);
  });
});
