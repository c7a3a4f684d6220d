import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { sealedBoxFromKey } from '../../platform/sealed-box.js';
import { eventually } from '../../../test/support/eventually.js';
import { handlerCaller, rejects, requestContext } from '../api/handler-test-kit.js';
import { createElbv2Handlers } from '../elbv2/elbv2-handlers.js';
import { createAcmService } from './acm-handlers.js';
import { ephemeralCertificateAuthority } from './certificate-authority.js';
import { selfSigned } from './test-certificates.test-support.js';

const NOW = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;
const pem = (s: string) => new Uint8Array(Buffer.from(s));

function kit() {
  const store = new MemoryStore();
  const clock = new ManualClock(NOW);
  const random = seededRandom(7);
  const authority = ephemeralCertificateAuthority(random, NOW);
  const acm = createAcmService({ store, clock, random, sealedBox: sealedBoxFromKey(Buffer.alloc(32, 1)), authority });
  const ctx = () => requestContext(clock.now());
  const call = handlerCaller(acm.handlers, ctx);
  const elb = handlerCaller(createElbv2Handlers({ store, clock, random }), ctx);
  return { store, clock, call, elb, authority };
}

async function importOne(call: ReturnType<typeof kit>['call'], names = ['app.example.com'], key: 'ec' | 'rsa' = 'ec') {
  const c = selfSigned(names, { key, now: NOW });
  const { CertificateArn } = await call('ImportCertificate', { Certificate: pem(c.certificatePem), PrivateKey: pem(c.privateKeyPem) });
  return { arn: CertificateArn as string, ...c };
}

test('import, describe from the certificate itself, get without the key; the key is sealed in the store', async () => {
  const { store, call } = kit();
  const { arn, certificatePem, privateKeyPem } = await importOne(call, ['app.example.com', '*.app.example.com'], 'rsa');
  assert.match(arn, /^arn:aws:acm:us-east-1:123456789012:certificate\/[0-9a-f-]{36}$/);
  const d = (await call('DescribeCertificate', { CertificateArn: arn })).Certificate as Record<string, unknown>;
  assert.equal(d.DomainName, 'app.example.com');
  assert.deepEqual(d.SubjectAlternativeNames, ['app.example.com', '*.app.example.com']);
  assert.equal(d.KeyAlgorithm, 'RSA_2048');
  assert.equal(d.Type, 'IMPORTED');
  assert.equal(d.Status, 'ISSUED');
  assert.equal(d.Serial, '01:02:03:04:05');
  assert.equal(d.Issuer, 'CN=app.example.com');
  assert.equal(d.SignatureAlgorithm, 'SHA256WITHRSA');
  assert.equal(d.NotAfter, Date.parse(new X509Certificate(certificatePem).validTo));
  assert.deepEqual(d.InUseBy, []);
  const got = await call('GetCertificate', { CertificateArn: arn });
  assert.equal(got.Certificate, new X509Certificate(certificatePem).toString());
  const everything = JSON.stringify([d, got, (await store.list('/berth/')).records]);
  const keyBody = privateKeyPem.split('\n')[1]!;
  assert.ok(!everything.includes(keyBody), 'the private key is in no answer and not in the store in the clear');
  assert.ok(!everything.includes('PRIVATE KEY'));
});

test('every bad import gets ValidationException saying what is wrong', async () => {
  const { call } = kit();
  const good = selfSigned(['a.example.com'], { now: NOW });
  const other = selfSigned(['b.example.com'], { now: NOW });
  const expired = selfSigned(['old.example.com'], { now: NOW, notBefore: NOW - 100 * DAY, notAfter: NOW - DAY });
  const ed = selfSigned(['ed.example.com'], { key: 'ed25519', now: NOW });
  const imp = (c: string, k: string, chain?: string) =>
    call('ImportCertificate', { Certificate: pem(c), PrivateKey: pem(k), ...(chain ? { CertificateChain: pem(chain) } : {}) });
  await rejects(imp(good.certificatePem, other.privateKeyPem), 'ValidationException', /does not match/);
  await rejects(imp('not a pem', good.privateKeyPem), 'ValidationException', /Certificate: not a PEM/);
  await rejects(imp(good.certificatePem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA'), good.privateKeyPem), 'ValidationException', /malformed PEM/);
  await rejects(imp(good.certificatePem, 'garbage'), 'ValidationException', /PrivateKey: not a PEM/);
  await rejects(imp(expired.certificatePem, expired.privateKeyPem), 'ValidationException', /expired/);
  await rejects(imp(ed.certificatePem, ed.privateKeyPem), 'ValidationException', /unsupported key type ed25519/);
  await rejects(imp(good.certificatePem + other.certificatePem, good.privateKeyPem), 'ValidationException', /more than one certificate/);
  await rejects(imp(good.certificatePem, good.privateKeyPem, 'junk'), 'ValidationException', /CertificateChain/);
  await rejects(call('DescribeCertificate', { CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/nope' }), 'ResourceNotFoundException');
  await rejects(call('DescribeCertificate', { CertificateArn: 'not-an-arn' }), 'InvalidArnException');
});

test('re-import onto the ARN rotates it; list filters by status and key type and pages', async () => {
  const { call, clock } = kit();
  const first = await importOne(call, ['r.example.com']);
  const next = selfSigned(['r.example.com', 'www.r.example.com'], { key: 'rsa', now: NOW });
  clock.advance(1000);
  await call('ImportCertificate', { CertificateArn: first.arn, Certificate: pem(next.certificatePem), PrivateKey: pem(next.privateKeyPem) });
  const d = (await call('DescribeCertificate', { CertificateArn: first.arn })).Certificate as Record<string, unknown>;
  assert.deepEqual([d.KeyAlgorithm, d.SubjectAlternativeNames, d.ImportedAt], ['RSA_2048', ['r.example.com', 'www.r.example.com'], NOW + 1000]);
  await importOne(call, ['e1.example.com']);
  await importOne(call, ['e2.example.com']);
  // ACM's default key-type filter is RSA_1024 and RSA_2048.
  assert.deepEqual(((await call('ListCertificates', {})).CertificateSummaryList as unknown[]).length, 1);
  const ec = await call('ListCertificates', { Includes: { keyTypes: ['EC_prime256v1'] }, MaxItems: 1 });
  assert.equal((ec.CertificateSummaryList as unknown[]).length, 1);
  assert.ok(ec.NextToken);
  const rest = await call('ListCertificates', { Includes: { keyTypes: ['EC_prime256v1'] }, MaxItems: 1, NextToken: ec.NextToken });
  assert.equal((rest.CertificateSummaryList as unknown[]).length, 1);
  assert.equal(rest.NextToken, undefined);
  assert.equal(
    (
      (await call('ListCertificates', { CertificateStatuses: ['EXPIRED'], Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] } }))
        .CertificateSummaryList as unknown[]
    ).length,
    0,
  );
  await rejects(call('ListCertificates', { Includes: { keyUsage: ['ANY'] } }), 'ValidationException');
});

test('tags: add, list, remove by key or by key and value', async () => {
  const { call } = kit();
  const { arn } = await importOne(call);
  await call('AddTagsToCertificate', { CertificateArn: arn, Tags: [{ Key: 'team', Value: 'web' }, { Key: 'flag' }] });
  assert.deepEqual((await call('ListTagsForCertificate', { CertificateArn: arn })).Tags, [{ Key: 'team', Value: 'web' }, { Key: 'flag' }]);
  await call('RemoveTagsFromCertificate', { CertificateArn: arn, Tags: [{ Key: 'team', Value: 'other' }, { Key: 'flag' }] });
  assert.deepEqual((await call('ListTagsForCertificate', { CertificateArn: arn })).Tags, [{ Key: 'team', Value: 'web' }]);
  await rejects(call('AddTagsToCertificate', { CertificateArn: arn, Tags: [{ Key: 'aws:x', Value: '1' }] }), 'InvalidTagException');
});

test('RequestCertificate: PENDING_VALIDATION, then ISSUED by the Berth CA within a second', async () => {
  const { call, authority } = kit();
  const started = Date.now();
  const { CertificateArn } = await call('RequestCertificate', {
    DomainName: 'svc.example.com',
    SubjectAlternativeNames: ['*.svc.example.com'],
    KeyAlgorithm: 'EC_prime256v1',
  });
  const first = (await call('DescribeCertificate', { CertificateArn })).Certificate as Record<string, unknown>;
  assert.equal(first.Status, 'PENDING_VALIDATION');
  assert.equal(first.Type, 'AMAZON_ISSUED');
  await rejects(call('GetCertificate', { CertificateArn }), 'RequestInProgressException');
  await eventually(
    async () => {
      const d = (await call('DescribeCertificate', { CertificateArn })).Certificate as Record<string, unknown>;
      return d.Status === 'ISSUED' ? d : undefined;
    },
    { what: 'the certificate ISSUED', timeoutMs: 1000, intervalMs: 20 },
  );
  assert.ok(Date.now() - started < 1000, `issued in ${Date.now() - started} ms`);
  const d = (await call('DescribeCertificate', { CertificateArn })).Certificate as Record<string, unknown>;
  assert.deepEqual(d.SubjectAlternativeNames, ['svc.example.com', '*.svc.example.com']);
  assert.deepEqual(
    (d.DomainValidationOptions as { ValidationStatus: string }[]).map((v) => v.ValidationStatus),
    ['SUCCESS', 'SUCCESS'],
  );
  const got = await call('GetCertificate', { CertificateArn });
  assert.equal(new X509Certificate(got.Certificate as string).checkIssued(new X509Certificate(authority.certificatePem)), true);
  assert.equal(got.CertificateChain, authority.certificatePem);
  await rejects(call('RequestCertificate', { DomainName: 'no spaces.example.com' }), 'InvalidParameterException');
  await rejects(call('RequestCertificate', { DomainName: 'x.example.com', KeyAlgorithm: 'RSA_1024' }), 'ValidationException');
  await rejects(
    call('RequestCertificate', { DomainName: 'x.example.com', CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:1:certificate-authority/x' }),
    'InvalidParameterException',
  );
  const again = await call('RequestCertificate', { DomainName: 'idem.example.com', IdempotencyToken: 'tok' });
  assert.equal((await call('RequestCertificate', { DomainName: 'idem.example.com', IdempotencyToken: 'tok' })).CertificateArn, again.CertificateArn);
});

test('HTTPS listeners: certificate and policy checks, InUseBy, ResourceInUseException, SNI certificates, switch to HTTP', async () => {
  const { call, elb } = kit();
  const a = await importOne(call, ['a.example.com']);
  const b = await importOne(call, ['b.example.com']);
  const lb = ((await elb('CreateLoadBalancer', { Name: 'web' })).LoadBalancers as { LoadBalancerArn: string }[])[0]!;
  const base = { LoadBalancerArn: lb.LoadBalancerArn, Port: 443, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }] };
  await rejects(elb('CreateListener', { ...base, Protocol: 'HTTPS' }), 'CertificateNotFound');
  await rejects(
    elb('CreateListener', { ...base, Protocol: 'HTTPS', Certificates: [{ CertificateArn: a.arn.replace(/.{4}$/, '0000') }] }),
    'CertificateNotFound',
  );
  await rejects(
    elb('CreateListener', { ...base, Protocol: 'HTTPS', Certificates: [{ CertificateArn: a.arn }], SslPolicy: 'ELBSecurityPolicy-Nope' }),
    'SSLPolicyNotFound',
  );
  await rejects(elb('CreateListener', { ...base, Protocol: 'HTTP', Port: 80, SslPolicy: 'ELBSecurityPolicy-2016-08' }), 'ValidationError');
  await rejects(elb('CreateListener', { ...base, Protocol: 'HTTPS', Certificates: [{ CertificateArn: a.arn }], AlpnPolicy: ['HTTP2Only'] }), 'ValidationError');
  const created = (
    (await elb('CreateListener', { ...base, Protocol: 'HTTPS', Certificates: [{ CertificateArn: a.arn }] })).Listeners as Record<string, unknown>[]
  )[0]!;
  assert.deepEqual([created.Protocol, created.SslPolicy, created.Certificates], ['HTTPS', 'ELBSecurityPolicy-TLS13-1-2-2021-06', [{ CertificateArn: a.arn }]]);
  const listenerArn = created.ListenerArn as string;
  assert.deepEqual(((await call('DescribeCertificate', { CertificateArn: a.arn })).Certificate as Record<string, unknown>).InUseBy, [listenerArn]);
  await rejects(call('DeleteCertificate', { CertificateArn: a.arn }), 'ResourceInUseException');

  await elb('AddListenerCertificates', { ListenerArn: listenerArn, Certificates: [{ CertificateArn: b.arn }] });
  assert.deepEqual((await elb('DescribeListenerCertificates', { ListenerArn: listenerArn })).Certificates, [
    { CertificateArn: a.arn, IsDefault: true },
    { CertificateArn: b.arn, IsDefault: false },
  ]);
  await rejects(elb('RemoveListenerCertificates', { ListenerArn: listenerArn, Certificates: [{ CertificateArn: a.arn }] }), 'OperationNotPermitted');
  await rejects(call('DeleteCertificate', { CertificateArn: b.arn }), 'ResourceInUseException');
  await elb('RemoveListenerCertificates', { ListenerArn: listenerArn, Certificates: [{ CertificateArn: b.arn }] });
  await call('DeleteCertificate', { CertificateArn: b.arn });
  await rejects(call('DescribeCertificate', { CertificateArn: b.arn }), 'ResourceNotFoundException');

  const policy = (
    (await elb('ModifyListener', { ListenerArn: listenerArn, SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' })).Listeners as Record<string, unknown>[]
  )[0]!;
  assert.equal(policy.SslPolicy, 'ELBSecurityPolicy-TLS13-1-3-2021-06');
  const http = ((await elb('ModifyListener', { ListenerArn: listenerArn, Protocol: 'HTTP' })).Listeners as Record<string, unknown>[])[0]!;
  assert.deepEqual([http.Protocol, http.SslPolicy, http.Certificates], ['HTTP', undefined, undefined]);
  await rejects(elb('ModifyListener', { ListenerArn: listenerArn, Protocol: 'HTTPS' }), 'CertificateNotFound');
  await rejects(elb('AddListenerCertificates', { ListenerArn: listenerArn, Certificates: [{ CertificateArn: a.arn }] }), 'ValidationError');
  const back = (
    (await elb('ModifyListener', { ListenerArn: listenerArn, Protocol: 'HTTPS', Certificates: [{ CertificateArn: a.arn }] })).Listeners as Record<
      string,
      unknown
    >[]
  )[0]!;
  assert.equal(back.Protocol, 'HTTPS');
  await call('DeleteCertificate', { CertificateArn: a.arn }).then(
    () => assert.fail('in use'),
    () => undefined,
  );
});

test('DescribeSSLPolicies: the table, by name, paged; an unknown name is SSLPolicyNotFound', async () => {
  const { elb } = kit();
  const all = (await elb('DescribeSSLPolicies', {})).SslPolicies as { Name: string; SslProtocols: string[]; Ciphers: { Name: string; Priority: number }[] }[];
  for (const n of [
    'ELBSecurityPolicy-2016-08',
    'ELBSecurityPolicy-TLS13-1-2-2021-06',
    'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
    'ELBSecurityPolicy-TLS13-1-3-2021-06',
    'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  ]) {
    assert.ok(
      all.some((p) => p.Name === n),
      n,
    );
  }
  const one = ((await elb('DescribeSSLPolicies', { Names: ['ELBSecurityPolicy-TLS13-1-3-2021-06'] })).SslPolicies as typeof all)[0]!;
  assert.deepEqual(one.SslProtocols, ['TLSv1.3']);
  assert.deepEqual(one.Ciphers[0], { Name: 'TLS_AES_128_GCM_SHA256', Priority: 1 });
  const paged = await elb('DescribeSSLPolicies', { PageSize: 2 });
  assert.equal((paged.SslPolicies as unknown[]).length, 2);
  assert.ok(paged.NextMarker);
  await rejects(elb('DescribeSSLPolicies', { Names: ['nope'] }), 'SSLPolicyNotFound');
});

test('DeleteCertificate racing CreateListener: the listener that commits first wins, never one on a deleted certificate', async () => {
  const { call, elb, store } = kit();
  const lb = ((await elb('CreateLoadBalancer', { Name: 'race' })).LoadBalancers as { LoadBalancerArn: string }[])[0]!;
  const { arn } = await importOne(call, ['race.example.com']);
  // Delete has checked the listeners; before its delete commits, CreateListener commits.
  const txn = store.txn.bind(store);
  let raced = false;
  store.txn = async (t) => {
    if (!raced && t.success.some((op) => op.type === 'delete' && op.key.startsWith('/berth/acm/certificates/'))) {
      raced = true;
      await elb('CreateListener', {
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTPS',
        Port: 1443,
        Certificates: [{ CertificateArn: arn }],
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
      });
    }
    return txn(t);
  };
  await rejects(call('DeleteCertificate', { CertificateArn: arn }), 'ResourceInUseException');
  assert.ok(raced, 'the listener was created between the check and the delete');
  assert.equal(((await call('DescribeCertificate', { CertificateArn: arn })).Certificate as { InUseBy: string[] }).InUseBy.length, 1);
});
