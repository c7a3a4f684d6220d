import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, found, rejects } from './fixture.test-support.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import { keys } from '../../domain/keys.js';

describe('target groups', () => {
  test('create returns the AWS shape with defaults; the record holds what ECS reads', async () => {
    const f = fixture();
    const tg = await f.tg('web-tg', { HealthCheckPath: '/health', Matcher: { HttpCode: '200-299' } });
    assert.match(tg.TargetGroupArn, /:targetgroup\/web-tg\/[0-9a-f]{16}$/);
    assert.equal(tg.HealthCheckPort, 'traffic-port');
    assert.equal(tg.HealthCheckIntervalSeconds, 30);
    assert.deepEqual(tg.Matcher, { HttpCode: '200-299' });
    assert.deepEqual(tg.LoadBalancerArns, []);
    assert.equal('attributes' in tg, false, "the record's attributes stay out of the answer");
    const id = tg.TargetGroupArn.split('/').pop() ?? '';
    const rec = found(await f.store.get<TargetGroupRecord>(keys.targetGroup(id)), 'the record').value;
    for (const k of ['TargetGroupArn', 'TargetGroupName', 'TargetType', 'Port', 'LoadBalancerArns']) assert.ok(k in rec, k);
    assert.equal(rec.attributes['deregistration_delay.timeout_seconds'], '300');
  });
  test('idempotent by name and same settings', async () => {
    const f = fixture();
    const a = await f.tg();
    assert.equal((await f.tg()).TargetGroupArn, a.TargetGroupArn);
    await rejects(f.tg('web-tg', { Port: 8080 }), 'DuplicateTargetGroupName');
    await rejects(f.tg('web-tg', { HealthCheckTimeoutSeconds: 40 }), 'ValidationError');
    await rejects(f.tg('other', { VpcId: 'vpc-nope' }), 'ValidationError');
  });
  test('describe by names, ARNs, load balancer; paged', async () => {
    const f = fixture();
    const a = await f.tg('a');
    const b = await f.tg('b');
    await f.tg('c');
    await rejects(f.elb('DescribeTargetGroups', { Names: ['nope'] }), 'TargetGroupNotFound');
    await rejects(f.elb('DescribeTargetGroups', { TargetGroupArns: [a.TargetGroupArn.replace(/.{16}$/, '0'.repeat(16))] }), 'TargetGroupNotFound');
    assert.equal((await f.elb('DescribeTargetGroups', { Names: ['b'] })).TargetGroups[0].TargetGroupArn, b.TargetGroupArn);
    const p = await f.elb('DescribeTargetGroups', { PageSize: 2 });
    assert.equal(p.TargetGroups.length, 2);
    const p2 = await f.elb('DescribeTargetGroups', { PageSize: 2, Marker: p.NextMarker });
    assert.deepEqual(
      p2.TargetGroups.map((t) => t.TargetGroupName),
      ['c'],
    );
    const lb = await f.lb();
    await f.listener(lb.LoadBalancerArn, b.TargetGroupArn);
    const byLb = await f.elb('DescribeTargetGroups', { LoadBalancerArn: lb.LoadBalancerArn });
    assert.deepEqual(
      byLb.TargetGroups.map((t) => t.TargetGroupName),
      ['b'],
    );
    assert.deepEqual(byLb.TargetGroups[0].LoadBalancerArns, [lb.LoadBalancerArn]);
  });
  test('modify changes health check fields only', async () => {
    const f = fixture();
    const tg = await f.tg();
    const [m] = (await f.elb('ModifyTargetGroup', { TargetGroupArn: tg.TargetGroupArn, HealthCheckIntervalSeconds: 10, HealthCheckPath: '/h' })).TargetGroups;
    assert.equal(m.HealthCheckIntervalSeconds, 10);
    assert.equal(m.HealthCheckPath, '/h');
    assert.equal(m.Port, 80);
    await rejects(f.elb('ModifyTargetGroup', { TargetGroupArn: tg.TargetGroupArn, HealthCheckTimeoutSeconds: 10 }), 'ValidationError');
  });
  test('delete: ResourceInUse while referenced, fine when missing, frees the name', async () => {
    const f = fixture();
    const tg = await f.tg();
    const lb = await f.lb();
    const l = await f.listener(lb.LoadBalancerArn, tg.TargetGroupArn);
    await rejects(f.elb('DeleteTargetGroup', { TargetGroupArn: tg.TargetGroupArn }), 'ResourceInUse');
    await f.elb('DeleteListener', { ListenerArn: l.ListenerArn });
    await f.elb('RegisterTargets', { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-1', Port: 32768 }] });
    await f.elb('DeleteTargetGroup', { TargetGroupArn: tg.TargetGroupArn });
    await f.elb('DeleteTargetGroup', { TargetGroupArn: tg.TargetGroupArn });
    assert.equal((await f.store.list('/berth/elbv2/targets/')).records.length, 0);
    assert.notEqual((await f.tg()).TargetGroupArn, tg.TargetGroupArn);
  });
  test('attributes: modify returns the full list; bad values rejected', async () => {
    const f = fixture();
    const tg = await f.tg();
    const out = await f.elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: tg.TargetGroupArn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }],
    });
    assert.ok(out.Attributes.length > 5);
    assert.equal(
      found(
        out.Attributes.find((a) => a.Key === 'deregistration_delay.timeout_seconds'),
        'the delay',
      ).Value,
      '10',
    );
    await rejects(
      f.elb('ModifyTargetGroupAttributes', { TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '4000' }] }),
      'ValidationError',
    );
    const d = await f.elb('DescribeTargetGroupAttributes', { TargetGroupArn: tg.TargetGroupArn });
    assert.equal(
      found(
        d.Attributes.find((a) => a.Key === 'deregistration_delay.timeout_seconds'),
        'the delay',
      ).Value,
      '10',
    );
  });
});
