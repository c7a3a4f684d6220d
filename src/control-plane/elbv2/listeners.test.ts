import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, found, rejects } from './fixture.test-support.js';

describe('listeners', () => {
  test('create: default rule, TG attached, idempotent, duplicate port', async () => {
    const f = fixture();
    const lb = await f.lb();
    const tg = await f.tg();
    const l = await f.listener(lb.LoadBalancerArn, tg.TargetGroupArn);
    assert.match(l.ListenerArn, /:listener\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    assert.equal(l.DefaultActions[0].ForwardConfig.TargetGroups[0].Weight, 1);
    const rules = (await f.elb('DescribeRules', { ListenerArn: l.ListenerArn })).Rules;
    assert.deepEqual(
      rules.map((r) => [r.Priority, r.IsDefault, r.Conditions.length]),
      [['default', true, 0]],
    );
    assert.deepEqual((await f.elb('DescribeTargetGroups', { TargetGroupArns: [tg.TargetGroupArn] })).TargetGroups[0].LoadBalancerArns, [lb.LoadBalancerArn]);
    assert.equal((await f.listener(lb.LoadBalancerArn, tg.TargetGroupArn)).ListenerArn, l.ListenerArn);
    const other = await f.tg('other');
    await rejects(f.listener(lb.LoadBalancerArn, other.TargetGroupArn), 'DuplicateListener');
  });
  test('create errors', async () => {
    const f = fixture();
    const lb = await f.lb();
    const tg = await f.tg();
    const missingLb = lb.LoadBalancerArn.replace(/.{16}$/, '0'.repeat(16));
    await rejects(f.listener(missingLb, tg.TargetGroupArn), 'LoadBalancerNotFound');
    await rejects(f.listener(lb.LoadBalancerArn, tg.TargetGroupArn.replace(/.{16}$/, '0'.repeat(16))), 'TargetGroupNotFound');
    const base = { LoadBalancerArn: lb.LoadBalancerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }] };
    await rejects(f.elb('CreateListener', { ...base, Protocol: 'HTTPS', Port: 443 }), 'CertificateNotFound');
    await rejects(f.elb('CreateListener', { ...base, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: 'x' }] }), 'CertificateNotFound');
    await rejects(f.elb('CreateListener', { ...base, Protocol: 'HTTP' }), 'ValidationError');
    const lb2 = await f.lb('two');
    await f.listener(lb.LoadBalancerArn, tg.TargetGroupArn);
    await rejects(f.listener(lb2.LoadBalancerArn, tg.TargetGroupArn), 'TargetGroupAssociationLimit');
  });
  test('describe, modify (only fields sent), delete detaches', async () => {
    const f = fixture();
    const lb = await f.lb();
    const a = await f.tg('a');
    const b = await f.tg('b');
    const l = await f.listener(lb.LoadBalancerArn, a.TargetGroupArn);
    await f.listener(lb.LoadBalancerArn, a.TargetGroupArn, 8080);
    const all = (await f.elb('DescribeListeners', { LoadBalancerArn: lb.LoadBalancerArn })).Listeners;
    assert.deepEqual(
      all.map((x) => x.Port),
      [80, 8080],
    );
    await rejects(f.elb('DescribeListeners', {}), 'ValidationError');
    const [m] = (await f.elb('ModifyListener', { ListenerArn: l.ListenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: b.TargetGroupArn }] }))
      .Listeners;
    assert.equal(m.Port, 80);
    assert.equal(m.DefaultActions[0].TargetGroupArn, b.TargetGroupArn);
    assert.deepEqual((await f.elb('DescribeTargetGroups', { Names: ['b'] })).TargetGroups[0].LoadBalancerArns, [lb.LoadBalancerArn]);
    await rejects(f.elb('ModifyListener', { ListenerArn: l.ListenerArn, Port: 8080 }), 'DuplicateListener');
    assert.equal((await f.elb('ModifyListener', { ListenerArn: l.ListenerArn, Port: 81 })).Listeners[0].Port, 81);
    await f.elb('DeleteListener', { ListenerArn: l.ListenerArn });
    assert.deepEqual((await f.elb('DescribeTargetGroups', { Names: ['b'] })).TargetGroups[0].LoadBalancerArns, []);
    // a is still used by the 8080 listener
    assert.deepEqual((await f.elb('DescribeTargetGroups', { Names: ['a'] })).TargetGroups[0].LoadBalancerArns, [lb.LoadBalancerArn]);
    await rejects(f.elb('DeleteListener', { ListenerArn: l.ListenerArn }), 'ListenerNotFound');
  });
});

describe('rules', () => {
  async function setup() {
    const f = fixture();
    const lb = await f.lb();
    const tg = await f.tg();
    const api = await f.tg('api');
    const l = await f.listener(lb.LoadBalancerArn, tg.TargetGroupArn);
    const rule = async (Priority: number | string, path = '/api/*') =>
      (
        await f.elb('CreateRule', {
          ListenerArn: l.ListenerArn,
          Priority,
          Conditions: [{ Field: 'path-pattern', Values: [path] }],
          Actions: [{ Type: 'forward', TargetGroupArn: api.TargetGroupArn }],
        })
      ).Rules[0];
    return { f, lb, tg, api, l, rule };
  }
  test('create, priorities in order, default last, PriorityInUse', async () => {
    const { f, l, rule } = await setup();
    const r10 = await rule(10);
    assert.equal(r10.Priority, '10');
    assert.equal(r10.IsDefault, false);
    await rule(5, '/b');
    await rejects(rule(10, '/c'), 'PriorityInUse');
    await rejects(rule(0), 'ValidationError');
    await rejects(rule(50001), 'ValidationError');
    const rules = (await f.elb('DescribeRules', { ListenerArn: l.ListenerArn })).Rules;
    assert.deepEqual(
      rules.map((r) => r.Priority),
      ['5', '10', 'default'],
    );
    await rejects(f.elb('DescribeRules', {}), 'ValidationError');
  });
  test('modify, delete, default rule protections, detaching', async () => {
    const { f, l, api, tg, rule } = await setup();
    const r = await rule(1);
    assert.deepEqual((await f.elb('DescribeTargetGroups', { Names: ['api'] })).TargetGroups[0].LoadBalancerArns.length, 1);
    const [m] = (await f.elb('ModifyRule', { RuleArn: r.RuleArn, Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] })).Rules;
    assert.equal(m.Actions[0].Type, 'fixed-response');
    assert.equal(m.Conditions[0].Values[0], '/api/*');
    assert.deepEqual((await f.elb('DescribeTargetGroups', { Names: ['api'] })).TargetGroups[0].LoadBalancerArns, []);
    await f.elb('DeleteTargetGroup', { TargetGroupArn: api.TargetGroupArn });
    const def = found(
      (await f.elb('DescribeRules', { ListenerArn: l.ListenerArn })).Rules.find((x) => x.IsDefault),
      'the default rule',
    );
    await rejects(f.elb('DeleteRule', { RuleArn: def.RuleArn }), 'OperationNotPermitted');
    await rejects(f.elb('ModifyRule', { RuleArn: def.RuleArn, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }] }), 'OperationNotPermitted');
    await f.elb('DeleteRule', { RuleArn: r.RuleArn });
    await rejects(f.elb('DeleteRule', { RuleArn: r.RuleArn }), 'RuleNotFound');
    await rejects(f.elb('DeleteTargetGroup', { TargetGroupArn: tg.TargetGroupArn }), 'ResourceInUse');
  });
  test('SetRulePriorities: all at once, swaps allowed, conflicts refused', async () => {
    const { f, l, rule } = await setup();
    const a = await rule(1, '/a');
    const b = await rule(2, '/b');
    const c = await rule(3, '/c');
    const out = await f.elb('SetRulePriorities', {
      RulePriorities: [
        { RuleArn: a.RuleArn, Priority: 2 },
        { RuleArn: b.RuleArn, Priority: 1 },
      ],
    });
    assert.deepEqual(
      out.Rules.map((r) => [r.RuleArn, r.Priority]),
      [
        [b.RuleArn, '1'],
        [a.RuleArn, '2'],
      ],
    );
    await rejects(f.elb('SetRulePriorities', { RulePriorities: [{ RuleArn: a.RuleArn, Priority: 3 }] }), 'PriorityInUse');
    await rejects(
      f.elb('SetRulePriorities', {
        RulePriorities: [
          { RuleArn: a.RuleArn, Priority: 7 },
          { RuleArn: c.RuleArn, Priority: 7 },
        ],
      }),
      'ValidationError',
    );
    const def = found(
      (await f.elb('DescribeRules', { ListenerArn: l.ListenerArn })).Rules.find((x) => x.IsDefault),
      'the default rule',
    );
    await rejects(f.elb('SetRulePriorities', { RulePriorities: [{ RuleArn: def.RuleArn, Priority: 9 }] }), 'OperationNotPermitted');
    const rules = (await f.elb('DescribeRules', { ListenerArn: l.ListenerArn })).Rules;
    assert.deepEqual(
      rules.map((r) => r.Priority),
      ['1', '2', '3', 'default'],
    );
  });
});

describe('tags', () => {
  test('add, overwrite, remove, describe, errors', async () => {
    const f = fixture();
    const lb = await f.lb('web', { Tags: [{ Key: 'env', Value: 'dev' }] });
    const tg = await f.tg();
    await f.elb('AddTags', { ResourceArns: [lb.LoadBalancerArn, tg.TargetGroupArn], Tags: [{ Key: 'team', Value: 'a' }] });
    await f.elb('AddTags', { ResourceArns: [lb.LoadBalancerArn], Tags: [{ Key: 'env', Value: 'prod' }] });
    await f.elb('RemoveTags', { ResourceArns: [tg.TargetGroupArn], TagKeys: ['team'] });
    const d = (await f.elb('DescribeTags', { ResourceArns: [lb.LoadBalancerArn, tg.TargetGroupArn] })).TagDescriptions;
    assert.deepEqual(d[0].Tags, [
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'a' },
    ]);
    assert.deepEqual(d[1].Tags, []);
    await rejects(f.elb('AddTags', { ResourceArns: [lb.LoadBalancerArn], Tags: [{ Key: 'k' }, { Key: 'k' }] }), 'DuplicateTagKeys');
    await rejects(f.elb('AddTags', { ResourceArns: [lb.LoadBalancerArn], Tags: Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}` })) }), 'TooManyTags');
    await rejects(f.elb('DescribeTags', { ResourceArns: [tg.TargetGroupArn.replace(/.{16}$/, '0'.repeat(16))] }), 'TargetGroupNotFound');
    await rejects(f.elb('DescribeTags', { ResourceArns: [lb.LoadBalancerArn.replace(/.{16}$/, '0'.repeat(16))] }), 'LoadBalancerNotFound');
  });
});
