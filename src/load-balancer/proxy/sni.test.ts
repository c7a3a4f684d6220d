import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListenerCertificate, ListenerTls } from '../routing-table.js';
import { buildSniIndex, chooseBySni } from './sni.js';

const cert = (arn: string, ...names: string[]): ListenerCertificate => ({ arn, certificatePem: '', privateKeyPem: '', names });
const tls: ListenerTls = {
  sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
  defaultCertificate: cert('default', 'www.example.com', 'example.com'),
  certificates: [cert('wild', '*.example.com'), cert('api', 'api.example.com'), cert('other', 'shop.example.org', '*.shop.example.org')],
};
const index = buildSniIndex(tls, (c) => c.arn);

test('an exact name beats a wildcard that also covers it', () => {
  assert.equal(chooseBySni(index, 'api.example.com'), 'api');
  assert.equal(chooseBySni(index, 'API.Example.COM.'), 'api');
  assert.equal(chooseBySni(index, 'shop.example.org'), 'other');
});

test('a wildcard covers exactly one label', () => {
  assert.equal(chooseBySni(index, 'mail.example.com'), 'wild');
  assert.equal(chooseBySni(index, 'a.b.example.com'), 'default');
  assert.equal(chooseBySni(index, 'x.shop.example.org'), 'other');
});

test('no SNI, or a name no certificate has, gets the default certificate', () => {
  assert.equal(chooseBySni(index, undefined), 'default');
  assert.equal(chooseBySni(index, ''), 'default');
  assert.equal(chooseBySni(index, 'unknown.test'), 'default');
  assert.equal(chooseBySni(index, 'example.com'), 'default');
});

test('the default certificate wins a name two certificates share', () => {
  const shared = buildSniIndex({ ...tls, certificates: [cert('dup', 'www.example.com')] }, (c) => c.arn);
  assert.equal(chooseBySni(shared, 'www.example.com'), 'default');
});
