import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilters, wildcardMatch } from './filters.js';

test('wildcards: * any run, ? one character, whole value', () => {
  assert.ok(wildcardMatch('vpc-*', 'vpc-0abc'));
  assert.ok(wildcardMatch('*', ''));
  assert.ok(wildcardMatch('a?c', 'abc'));
  assert.ok(wildcardMatch('*b*d', 'abcd'));
  assert.ok(!wildcardMatch('a?c', 'ac'));
  assert.ok(!wildcardMatch('abc', 'abcd'));
  assert.ok(!wildcardMatch('*x', 'abc'));
  assert.ok(wildcardMatch('a.b', 'a.b'));
  assert.ok(!wildcardMatch('a.b', 'axb'), 'a dot is a dot, not a regex');
});

test('filters: values ORed, filters ANDed, tag:<key>, unknown names refused by name', () => {
  const items = [
    { Id: 'a', Zone: 'z1', Tags: [{ Key: 'env', Value: 'prod' }] },
    { Id: 'b', Zone: 'z2', Tags: [{ Key: 'env', Value: 'dev' }] },
    { Id: 'c', Zone: 'z1', Tags: [] },
  ];
  const table = { id: (i: (typeof items)[number]) => [i.Id], zone: (i: (typeof items)[number]) => [i.Zone] };
  assert.deepEqual(
    applyFilters(items, [{ Name: 'id', Values: ['a', 'b'] }], table).map((i) => i.Id),
    ['a', 'b'],
  );
  assert.deepEqual(
    applyFilters(
      items,
      [
        { Name: 'id', Values: ['a', 'b'] },
        { Name: 'zone', Values: ['z1'] },
      ],
      table,
    ).map((i) => i.Id),
    ['a'],
  );
  assert.deepEqual(
    applyFilters(items, [{ Name: 'tag:env', Values: ['d*'] }], table).map((i) => i.Id),
    ['b'],
  );
  assert.deepEqual(
    applyFilters(items, [{ Name: 'tag-key', Values: ['env'] }], table).map((i) => i.Id),
    ['a', 'b'],
  );
  assert.deepEqual(applyFilters(items, undefined, table).length, 3);
  assert.throws(() => applyFilters(items, [{ Name: 'colour', Values: ['x'] }], table), {
    code: 'InvalidParameterValue',
    message: "The filter 'colour' is invalid",
  });
});
