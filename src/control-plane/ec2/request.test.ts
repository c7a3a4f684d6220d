import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDryRun, ec2Page, tagsFor } from './request.js';

test('ec2Page pages with an opaque token and refuses MaxResults outside 5..1000', () => {
  const items = Array.from({ length: 12 }, (_, i) => i);
  const first = ec2Page(items, { MaxResults: 5 });
  assert.deepEqual(first.items, [0, 1, 2, 3, 4]);
  const second = ec2Page(items, { MaxResults: 5, NextToken: first.NextToken });
  const third = ec2Page(items, { MaxResults: 5, NextToken: second.NextToken });
  assert.deepEqual([...second.items, ...third.items], [5, 6, 7, 8, 9, 10, 11]);
  assert.equal(third.NextToken, undefined);
  assert.deepEqual(ec2Page(items, {}).items.length, 12);
  assert.throws(() => ec2Page(items, { MaxResults: 4 }), { code: 'InvalidParameterValue' });
  assert.throws(() => ec2Page(items, { NextToken: 'garbage' }), { code: 'InvalidParameterValue' });
});

test('DryRun and tag specifications', () => {
  assert.throws(() => checkDryRun({ DryRun: true }), { code: 'DryRunOperation', status: 412 });
  checkDryRun({ DryRun: false });
  assert.deepEqual(tagsFor('vpc', [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'a' }] }]), [{ Key: 'Name', Value: 'a' }]);
  assert.throws(() => tagsFor('vpc', [{ ResourceType: 'subnet', Tags: [] }]), { code: 'InvalidParameterValue' });
  assert.throws(() => tagsFor('vpc', [{ ResourceType: 'vpc', Tags: [{ Key: 'aws:x', Value: '' }] }]), { code: 'InvalidParameterValue' });
  assert.throws(
    () =>
      tagsFor('vpc', [
        {
          ResourceType: 'vpc',
          Tags: [
            { Key: 'k', Value: '1' },
            { Key: 'k', Value: '2' },
          ],
        },
      ]),
    { code: 'InvalidParameterValue' },
  );
});
