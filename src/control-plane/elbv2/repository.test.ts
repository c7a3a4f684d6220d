import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, rejects } from './fixture.test-support.js';
import { keys } from '../../domain/keys.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';

describe('name claims', () => {
  test('a claim from before names were per region still holds its name, and is released on delete', async () => {
    const f = fixture();
    const lb = await f.lb('old');
    // Rewrite the store as an older Berth left it: the claim under the name alone.
    const current = '/berth/elbv2/names/load-balancers/000000000000/us-east-1/old';
    const legacy = '/berth/elbv2/names/load-balancers/old';
    await f.store.txn({
      compares: [],
      success: [
        { type: 'delete', key: current },
        { type: 'put', key: legacy, value: { arn: lb.LoadBalancerArn } },
      ],
    });
    assert.equal((await f.elb('CreateLoadBalancer', { Name: 'old' })).LoadBalancers[0].LoadBalancerArn, lb.LoadBalancerArn, 'same settings: the existing one');
    await rejects(f.elb('CreateLoadBalancer', { Name: 'old', Scheme: 'internal' }), 'DuplicateLoadBalancerName');
    assert.equal((await f.elb('DescribeLoadBalancers', { Names: ['old'] })).LoadBalancers.length, 1);
    await f.elb('DeleteLoadBalancer', { LoadBalancerArn: lb.LoadBalancerArn });
    assert.equal(await f.store.get(legacy), undefined);
    const again = (await f.elb('CreateLoadBalancer', { Name: 'old' })).LoadBalancers[0];
    assert.notEqual(again.LoadBalancerArn, lb.LoadBalancerArn);
    assert.ok(await f.store.get<LoadBalancerRecord>(current));
    assert.ok((await f.store.list(keys.loadBalancers())).records.length === 1);
  });
});
