import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateLoadBalancerName, validateTargetGroupName } from './names.js';
import type { AwsError } from '../aws-error.js';

const code = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as AwsError).code;
  }
};

describe('names', () => {
  const table: Array<[string, boolean]> = [
    ['web', true],
    ['a', true],
    ['web-tg-1', true],
    ['A'.repeat(32), true],
    ['A'.repeat(33), false],
    ['', false],
    ['-web', false],
    ['web-', false],
    ['web_tg', false],
    ['web.tg', false],
  ];
  for (const [name, ok] of table) {
    test(`target group '${name}' ${ok ? 'accepted' : 'rejected'}`, () => {
      assert.equal(
        code(() => validateTargetGroupName(name)),
        ok ? undefined : 'ValidationError',
      );
    });
  }
  test('load balancer names cannot start with internal-', () => {
    assert.equal(
      code(() => validateLoadBalancerName('internal-web')),
      'ValidationError',
    );
    assert.equal(
      code(() => validateLoadBalancerName('web-internal')),
      undefined,
    );
    // The same name is fine for a target group.
    assert.equal(
      code(() => validateTargetGroupName('internal-web')),
      undefined,
    );
  });
});
