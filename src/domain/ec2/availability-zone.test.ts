import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityZones, regionShortName } from './availability-zone.js';

test('zones a, b, c per region with AWS-style zone ids', () => {
  assert.equal(regionShortName('us-east-1'), 'use1');
  assert.equal(regionShortName('ap-southeast-2'), 'apse2');
  assert.equal(regionShortName('eu-central-1'), 'euc1');
  assert.deepEqual(
    availabilityZones('eu-west-1').map((z) => `${z.ZoneName}/${z.ZoneId}`),
    ['eu-west-1a/euw1-az1', 'eu-west-1b/euw1-az2', 'eu-west-1c/euw1-az3'],
  );
});
