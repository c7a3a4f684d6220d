import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBalancerDnsName, loadBalancerState, PROVISIONING_MS } from './load-balancer.js';

describe('load balancer', () => {
  test('provisioning, then active after the provisioning time', () => {
    const lb = { CreatedTime: 1000 };
    assert.equal(loadBalancerState(lb, 1000), 'provisioning');
    assert.equal(loadBalancerState(lb, 1000 + PROVISIONING_MS - 1), 'provisioning');
    assert.equal(loadBalancerState(lb, 1000 + PROVISIONING_MS), 'active');
  });
  test('DNS names, internal ones prefixed', () => {
    assert.equal(loadBalancerDnsName('Web', '0123456789abcdef', 'internet-facing'), 'web-0123456789.elb.localhost');
    assert.equal(loadBalancerDnsName('web', '0123456789abcdef', 'internal'), 'internal-web-0123456789.elb.localhost');
  });
});
