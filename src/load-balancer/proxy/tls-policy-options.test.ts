import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { SSL_POLICIES, type SslPolicy } from '../../domain/elbv2/ssl-policy.js';
import { tlsOptionsForPolicy } from './tls-policy-options.js';

const policy = (protocols: SslPolicy['protocols'], ciphers: string[]): SslPolicy => ({ name: 'p', protocols, ciphers, loadBalancerTypes: ['application'] });

test('versions span the policy, ciphers keep its order', () => {
  const o = tlsOptionsForPolicy(policy(['TLSv1.3', 'TLSv1.2'], ['TLS_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256']));
  assert.deepEqual(o, {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: 'TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
    honorCipherOrder: true,
  });
});

test('a TLS 1.3-only policy still gives OpenSSL a valid TLS 1.2 list', () => {
  const o = tlsOptionsForPolicy(policy(['TLSv1.3'], ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']));
  assert.equal(o.minVersion, 'TLSv1.3');
  assert.equal(o.maxVersion, 'TLSv1.3');
  assert.doesNotThrow(() => tls.createSecureContext(o));
});

test('TLS 1.0 and 1.1 policies lower the OpenSSL security level, and drop TLS 1.3 suites when 1.3 is not allowed', () => {
  const o = tlsOptionsForPolicy(policy(['TLSv1', 'TLSv1.1', 'TLSv1.2'], ['ECDHE-RSA-AES128-SHA', 'TLS_AES_128_GCM_SHA256']));
  assert.equal(o.minVersion, 'TLSv1');
  assert.equal(o.maxVersion, 'TLSv1.2');
  assert.equal(o.ciphers, 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0');
});

test('every policy in the table makes a context Node accepts', () => {
  for (const p of SSL_POLICIES) assert.doesNotThrow(() => tls.createSecureContext(tlsOptionsForPolicy(p)), p.name);
});
