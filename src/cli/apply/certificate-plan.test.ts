import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selfSigned } from '../../control-plane/acm/test-certificates.test-support.js';
import { certificatePlan, fingerprintOf, type CurrentCertificate } from './certificate-plan.js';
import { computePlan, type CurrentState } from './plan.js';
import { parseStack } from './stack.js';
import { loadCertificateFiles, parseCertificates } from './stack-certificates.js';

const a = selfSigned(['a.example.com']);
const b = selfSigned(['a.example.com']);
const imported = { Name: 'shop', CertificateFile: 'c.pem', PrivateKeyFile: 'k.pem', pem: { certificate: a.certificatePem, privateKey: a.privateKeyPem } };
const cur = (over: Partial<CurrentCertificate>): CurrentCertificate => ({
  arn: 'arn:aws:acm:us-east-1:0:certificate/x',
  type: 'IMPORTED',
  domainName: 'a.example.com',
  subjectAlternativeNames: ['a.example.com'],
  keyAlgorithm: 'EC_prime256v1',
  ...over,
});

test('certificates: + when absent, nothing when the same, ~ (re-import) when the file changed', () => {
  assert.deepEqual(
    certificatePlan([imported], new Map()).items.map((i) => `${i.op}${i.label}`),
    ['+shop'],
  );
  assert.deepEqual(certificatePlan([imported], new Map([['shop', cur({ fingerprint: fingerprintOf(a.certificatePem)! })]])).items, []);
  const changed = certificatePlan([imported], new Map([['shop', cur({ fingerprint: fingerprintOf(b.certificatePem)! })]]));
  assert.deepEqual(
    changed.items.map((i) => [i.op, i.label, i.arn]),
    [['~', 'shop', 'arn:aws:acm:us-east-1:0:certificate/x']],
  );
});

test('a requested certificate cannot change names or key in place, nor switch kind', () => {
  const requested = { Name: 'api', DomainName: 'api.example.com', KeyAlgorithm: 'EC_prime256v1' };
  const issued = cur({ type: 'AMAZON_ISSUED', domainName: 'api.example.com', subjectAlternativeNames: ['api.example.com'] });
  assert.deepEqual(certificatePlan([requested], new Map([['api', issued]])), { items: [], errors: [] });
  const renamed = certificatePlan([{ ...requested, SubjectAlternativeNames: ['www.example.com'] }], new Map([['api', issued]]));
  assert.match(renamed.errors[0]!, /SubjectAlternativeNames of a requested certificate cannot change in place/);
  assert.match(certificatePlan([imported], new Map([['shop', issued]])).errors[0]!, /cannot become an imported one/);
});

test('stack files: certificates and HTTPS listeners name each other; unknown names are refused', () => {
  const text = `
certificates:
  - { Name: shop, CertificateFile: c.pem, PrivateKeyFile: k.pem }
  - { Name: api, DomainName: api.example.com }
loadBalancers:
  - Name: web
    Listeners:
      - Port: 443
        Protocol: HTTPS
        SslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-2021-06
        Certificates: [{ CertificateName: shop }]
        DefaultActions: [{ Type: fixed-response, FixedResponseConfig: { StatusCode: "200" } }]
`;
  const stack = parseStack(text);
  assert.deepEqual(
    stack.certificates?.map((c) => c.Name),
    ['shop', 'api'],
  );
  assert.throws(() => parseStack(text.replace('CertificateName: shop', 'CertificateName: nope')), /CertificateName "nope" is not a certificate of this file/);
  assert.throws(() => parseCertificates([{ Name: 'x', DomainName: 'x.example.com', CertificateFile: 'c' }]), /unknown key "DomainName"/);
  assert.throws(() => loadCertificateFiles(stack.certificates!, '/nonexistent'), /certificate shop: cannot read c.pem: ENOENT/);

  // The listener compares in the file's words: the current ARN is the file's certificate name.
  const state: CurrentState = {
    targetGroups: new Map(),
    taskDefinitions: new Map(),
    services: new Map(),
    certificates: new Map([
      ['shop', cur({})],
      [
        'api',
        cur({ arn: 'arn:api', type: 'AMAZON_ISSUED', domainName: 'api.example.com', subjectAlternativeNames: ['api.example.com'], keyAlgorithm: 'RSA_2048' }),
      ],
    ]),
    loadBalancers: new Map([
      [
        'web',
        {
          arn: 'arn:lb',
          fields: { LoadBalancerName: 'web' },
          listeners: [
            {
              arn: 'arn:l',
              Port: 443,
              Protocol: 'HTTPS',
              SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
              Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:0:certificate/x' }],
              DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
              rules: [],
            },
          ],
        },
      ],
    ]),
  };
  const plan = computePlan({ ...stack, certificates: stack.certificates!.filter((c) => c.Name === 'api') }, state);
  assert.deepEqual(plan.items, []);
  const other = computePlan(parseStack(text.replace('CertificateName: shop', 'CertificateName: api')), state);
  assert.deepEqual(
    other.items.map((i) => [i.op, i.kind, i.label, i.changes.map((c) => c.field)]),
    [['~', 'listener', 'web:443', ['Certificates']]],
  );
});
