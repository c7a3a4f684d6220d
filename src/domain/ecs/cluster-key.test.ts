import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterKey, clusterKeyOfArn, regionOfArn } from './cluster-key.js';

test('the home region keeps the bare name; other regions are name@region', () => {
  assert.equal(clusterKey('web', 'us-east-1', 'us-east-1'), 'web');
  assert.equal(clusterKey('web', 'eu-west-1', 'us-east-1'), 'web@eu-west-1');
  assert.equal(clusterKeyOfArn('arn:aws:ecs:eu-west-1:000000000000:cluster/web', 'us-east-1'), 'web@eu-west-1');
  assert.equal(clusterKeyOfArn('arn:aws:ecs:us-east-1:000000000000:cluster/web', 'us-east-1'), 'web');
  assert.equal(clusterKeyOfArn('arn:aws:ecs:us-east-1:000000000000:service/web/x', 'us-east-1'), undefined);
  assert.equal(clusterKeyOfArn('web', 'us-east-1'), undefined);
  assert.equal(clusterKey('web@eu-west-1', 'us-east-1', 'us-east-1'), 'web%40eu-west-1', "a name cannot spell another region's key");
  assert.equal(clusterKey('a/b', 'eu-west-1', 'us-east-1'), 'a%2Fb@eu-west-1');
  assert.equal(regionOfArn('arn:aws:ecs:ap-south-1:000000000000:task/c/abc'), 'ap-south-1');
});
