import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attributeList,
  defaultAttributes,
  loadBalancerAttributeCatalogue,
  modifyLoadBalancerAttributes,
  modifyTargetGroupAttributes,
  targetGroupAttributeCatalogue,
} from './attributes.js';

const tgDefaults = defaultAttributes(targetGroupAttributeCatalogue);

describe('target group attributes', () => {
  test('defaults', () => {
    assert.equal(tgDefaults['deregistration_delay.timeout_seconds'], '300');
    assert.equal(tgDefaults['stickiness.enabled'], 'false');
    assert.equal(tgDefaults['load_balancing.algorithm.type'], 'round_robin');
    assert.equal(tgDefaults['slow_start.duration_seconds'], '0');
  });
  const good: Array<[string, string]> = [
    ['deregistration_delay.timeout_seconds', '0'],
    ['deregistration_delay.timeout_seconds', '3600'],
    ['stickiness.enabled', 'true'],
    ['stickiness.lb_cookie.duration_seconds', '604800'],
    ['slow_start.duration_seconds', '30'],
    ['load_balancing.algorithm.type', 'least_outstanding_requests'],
    ['stickiness.app_cookie.cookie_name', 'session'],
  ];
  for (const [Key, Value] of good) {
    test(`accepts ${Key}=${Value}`, () => {
      assert.equal(modifyTargetGroupAttributes({}, [{ Key, Value }])[Key], Value);
    });
  }
  const bad: Array<[string, string]> = [
    ['deregistration_delay.timeout_seconds', '3601'],
    ['deregistration_delay.timeout_seconds', '-1'],
    ['deregistration_delay.timeout_seconds', 'ten'],
    ['stickiness.enabled', 'yes'],
    ['stickiness.type', 'source_ip'],
    ['slow_start.duration_seconds', '29'],
    ['slow_start.duration_seconds', '901'],
    ['stickiness.app_cookie.cookie_name', 'AWSALBfoo'],
    ['no.such.key', '1'],
  ];
  for (const [Key, Value] of bad) {
    test(`rejects ${Key}=${Value}`, () => {
      assert.throws(() => modifyTargetGroupAttributes({}, [{ Key, Value }]), { code: 'ValidationError' });
    });
  }
  test('slow start with least outstanding requests is a configuration conflict', () => {
    assert.throws(
      () =>
        modifyTargetGroupAttributes({ 'slow_start.duration_seconds': '60' }, [{ Key: 'load_balancing.algorithm.type', Value: 'least_outstanding_requests' }]),
      { code: 'InvalidConfigurationRequest' },
    );
  });
  test('the full list keeps stored values and catalogue order', () => {
    const list = attributeList(targetGroupAttributeCatalogue, { 'stickiness.enabled': 'true' });
    assert.equal(list.length, Object.keys(targetGroupAttributeCatalogue).length);
    assert.deepEqual(list[0], { Key: 'deregistration_delay.timeout_seconds', Value: '300' });
    assert.deepEqual(
      list.find((a) => a.Key === 'stickiness.enabled'),
      { Key: 'stickiness.enabled', Value: 'true' },
    );
  });
});

describe('load balancer attributes', () => {
  test('defaults and changes', () => {
    const d = defaultAttributes(loadBalancerAttributeCatalogue);
    assert.equal(d['idle_timeout.timeout_seconds'], '60');
    assert.equal(d['deletion_protection.enabled'], 'false');
    const next = modifyLoadBalancerAttributes({}, [{ Key: 'idle_timeout.timeout_seconds', Value: '4000' }]);
    assert.equal(next['idle_timeout.timeout_seconds'], '4000');
  });
  test('ranges and conflicts', () => {
    assert.throws(() => modifyLoadBalancerAttributes({}, [{ Key: 'idle_timeout.timeout_seconds', Value: '0' }]), {
      code: 'ValidationError',
    });
    assert.throws(() => modifyLoadBalancerAttributes({}, [{ Key: 'client_keep_alive.seconds', Value: '59' }]), {
      code: 'ValidationError',
    });
    assert.throws(() => modifyLoadBalancerAttributes({}, [{ Key: 'load_balancing.cross_zone.enabled', Value: 'false' }]), {
      code: 'InvalidConfigurationRequest',
    });
    assert.throws(() => modifyLoadBalancerAttributes({}, []), { code: 'ValidationError' });
  });
});
