import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { elbv2Arn, parseElbv2Arn, requireArn } from './arn.js';

const scope = { region: 'us-east-1', accountId: '000000000000' };

describe('elbv2 ARNs', () => {
  const lb = elbv2Arn.loadBalancer(scope, 'web', '0123456789abcdef');
  const listener = elbv2Arn.listener(lb, 'fedcba9876543210');
  const rule = elbv2Arn.rule(listener, '1111222233334444');
  test('formats follow AWS', () => {
    assert.equal(lb, 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/0123456789abcdef');
    assert.equal(listener, 'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/0123456789abcdef/fedcba9876543210');
    assert.equal(rule, 'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/web/0123456789abcdef/fedcba9876543210/1111222233334444');
    assert.equal(elbv2Arn.targetGroup(scope, 'tg', 'aaaabbbbccccdddd'), 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg/aaaabbbbccccdddd');
  });
  test('round trip through the parser', () => {
    assert.deepEqual(parseElbv2Arn(lb), { kind: 'loadbalancer', name: 'web', lbId: '0123456789abcdef' });
    assert.deepEqual(parseElbv2Arn(listener), {
      kind: 'listener',
      name: 'web',
      lbId: '0123456789abcdef',
      listenerId: 'fedcba9876543210',
    });
    assert.deepEqual(parseElbv2Arn(rule), {
      kind: 'listener-rule',
      name: 'web',
      lbId: '0123456789abcdef',
      listenerId: 'fedcba9876543210',
      ruleId: '1111222233334444',
    });
  });
  test('rejects garbage and the wrong kind', () => {
    assert.equal(parseElbv2Arn('nope'), undefined);
    assert.equal(parseElbv2Arn('arn:aws:elasticloadbalancing:us-east-1:0:loadbalancer/app/web/xyz'), undefined);
    assert.throws(() => requireArn(lb, 'targetgroup', 'TargetGroupArn'), { code: 'ValidationError' });
    assert.equal(requireArn(lb, 'loadbalancer', 'LoadBalancerArn').lbId, '0123456789abcdef');
  });
});
