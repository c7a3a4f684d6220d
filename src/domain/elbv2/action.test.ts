import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { actionTargetGroupArns, normalizeActions, type ActionRequest } from './action.js';

const tg = (n: number) => `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg${n}/${String(n).repeat(16).slice(0, 16)}`;

describe('actions', () => {
  test('a single forward shows both forms', () => {
    const [a] = normalizeActions([{ Type: 'forward', TargetGroupArn: tg(1) }]);
    assert.deepEqual(a, {
      Type: 'forward',
      TargetGroupArn: tg(1),
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg(1), Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
    });
  });
  test('weighted forward to several groups', () => {
    const [a] = normalizeActions([
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: tg(1), Weight: 10 },
            { TargetGroupArn: tg(2), Weight: 0 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
        },
      },
    ]);
    assert.equal(a!.TargetGroupArn, undefined);
    assert.deepEqual(actionTargetGroupArns([a!]), [tg(1), tg(2)]);
    assert.deepEqual(a!.ForwardConfig!.TargetGroupStickinessConfig, { Enabled: true, DurationSeconds: 60 });
  });
  const bad: Array<[string, ActionRequest[], string]> = [
    ['empty', [], 'ValidationError'],
    ['forward without groups', [{ Type: 'forward' }], 'ValidationError'],
    ['six groups', [{ Type: 'forward', ForwardConfig: { TargetGroups: [1, 2, 3, 4, 5, 6].map((n) => ({ TargetGroupArn: tg(n) })) } }], 'ValidationError'],
    ['weight 1000', [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg(1), Weight: 1000 }] } }], 'ValidationError'],
    ['repeated group', [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg(1) }, { TargetGroupArn: tg(1) }] } }], 'ValidationError'],
    [
      'arn and config disagree',
      [{ Type: 'forward', TargetGroupArn: tg(2), ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg(1) }] } }],
      'InvalidLoadBalancerAction',
    ],
    [
      'stickiness without duration',
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg(1) }], TargetGroupStickinessConfig: { Enabled: true } } }],
      'ValidationError',
    ],
    ['bad arn', [{ Type: 'forward', TargetGroupArn: 'arn:nope' }], 'ValidationError'],
    ['redirect to itself', [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301' } }], 'InvalidLoadBalancerAction'],
    ['redirect bad code', [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_307', Protocol: 'HTTPS' } }], 'ValidationError'],
    ['redirect bad path', [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Path: 'x' } }], 'ValidationError'],
    ['fixed 300', [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '300' } }], 'ValidationError'],
    ['fixed bad type', [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'image/png' } }], 'InvalidConfigurationRequest'],
    ['fixed body too long', [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: 'x'.repeat(1025) } }], 'ValidationError'],
    [
      'two terminal actions',
      [
        { Type: 'fixed-response', Order: 1, FixedResponseConfig: { StatusCode: '200' } },
        { Type: 'forward', Order: 2, TargetGroupArn: tg(1) },
      ],
      'InvalidLoadBalancerAction',
    ],
    [
      'two actions without order',
      [
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } },
        { Type: 'forward', Order: 2, TargetGroupArn: tg(1) },
      ],
      'ValidationError',
    ],
    ['order 0', [{ Type: 'forward', Order: 0, TargetGroupArn: tg(1) }], 'ValidationError'],
    ['authenticate on HTTP', [{ Type: 'authenticate-oidc', Order: 1 }], 'InvalidLoadBalancerAction'],
    ['unknown type', [{ Type: 'teleport' }], 'ValidationError'],
  ];
  for (const [name, actions, code] of bad) {
    test(`rejects ${name} with ${code}`, () => assert.throws(() => normalizeActions(actions), { code }));
  }
  test('redirect fills the unchanged parts and keeps Order', () => {
    const [a] = normalizeActions([{ Type: 'redirect', Order: 3, RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }]);
    assert.deepEqual(a, {
      Type: 'redirect',
      Order: 3,
      RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' },
    });
  });
  test('fixed response', () => {
    const [a] = normalizeActions([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'nope' } }]);
    assert.deepEqual(a!.FixedResponseConfig, { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'nope' });
  });
});
