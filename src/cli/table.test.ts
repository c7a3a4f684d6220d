import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, renderTable, shortId, taskDefinitionName } from './table.js';

test('renderTable pads columns to the widest cell, upper-cases headers, shows - for empty', () => {
  const out = renderTable(
    ['id', 'port', 'state'],
    [
      ['i-abc', 32768, 'healthy'],
      ['i-b', undefined, ''],
    ],
  );
  assert.equal(out, 'ID     PORT   STATE\ni-abc  32768  healthy\ni-b    -      -\n');
});

test('renderTable with no rows prints the header only', () => {
  assert.equal(renderTable(['a', 'bb'], []), 'A  BB\n');
});

test('shortId and taskDefinitionName cut ARNs down to what people type', () => {
  assert.equal(shortId('arn:aws:ecs:us-east-1:000000000000:task/default/0123abcd'), '0123abcd');
  assert.equal(shortId('plain'), 'plain');
  assert.equal(taskDefinitionName('arn:aws:ecs:us-east-1:000000000000:task-definition/web:3'), 'web:3');
});

test('age in s, m, h, d', () => {
  const now = 10_000_000;
  assert.equal(age(now - 5_000, now), '5s');
  assert.equal(age(new Date(now - 120_000), now), '2m');
  assert.equal(age(now - 7_200_000, now), '2h');
  assert.equal(age(now - 3 * 86_400_000, now), '3d');
  assert.equal(age(undefined, now), undefined);
});
