import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../aws-error.js';
import { checkClusterSettings, mergeSettings } from './cluster-settings.js';

test('containerInsights takes enhanced, enabled or disabled; updates merge by name', () => {
  checkClusterSettings([{ name: 'containerInsights', value: 'enhanced' }]);
  assert.throws(
    () => checkClusterSettings([{ name: 'containerInsights', value: 'on' }]),
    (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException',
  );
  assert.deepEqual(mergeSettings([{ name: 'containerInsights', value: 'disabled' }], [{ name: 'containerInsights', value: 'enabled' }]), [
    { name: 'containerInsights', value: 'enabled' },
  ]);
});
