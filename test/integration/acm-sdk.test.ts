/**
 * ACM and HTTPS listeners through the AWS SDK v3 (every answer checked against the vendored models):
 * import, describe, list with paging, tags, request and the SDK's own waiter-free poll, every bad
 * input's exception class, then an HTTPS listener with SNI certificates, a policy change and a
 * switch to HTTP and back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as acm from '@aws-sdk/client-acm';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { acmClient, checkedResponses, elbv2Client } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';

const DAY = 86_400_000;
const bytes = (s: string) => new TextEncoder().encode(s);

describe('ACM and HTTPS listeners through the AWS SDK', { timeout: 120_000 }, () => {
  let berth: BerthProcess;
  let a: acm.ACMClient;
  let e: elb.ElasticLoadBalancingV2Client;
  before(async () => {
    berth = await startBerthProcess({ command: 'server' });
    a = acmClient(berth.apiUrl);
    e = elbv2Client(berth.apiUrl);
  });
  after(async () => {
    a?.destroy();
    e?.destroy();
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  const imp = (c: { certificatePem: string; privateKeyPem: string }, extra: Partial<acm.ImportCertificateCommandInput> = {}) =>
    a.send(new acm.ImportCertificateCommand({ Certificate: bytes(c.certificatePem), PrivateKey: bytes(c.privateKeyPem), ...extra }));

  const rejectsWith = async (p: Promise<unknown>, name: string, message?: RegExp) => {
    await assert.rejects(p, (err: Error) => {
      assert.equal(err.name, name, err.message);
      if (message) assert.match(err.message, message);
      return true;
    });
  };

  test('import, describe, list (paged, key types), tags', async () => {
    const arns: string[] = [];
    for (const n of ['one', 'two', 'three']) arns.push((await imp(selfSigned([`${n}.example.com`]), { Tags: [{ Key: 'n', Value: n }] })).CertificateArn!);
    const d = (await a.send(new acm.DescribeCertificateCommand({ CertificateArn: arns[0] }))).Certificate!;
    assert.equal(d.DomainName, 'one.example.com');
    assert.equal(d.KeyAlgorithm, 'EC_prime256v1');
    assert.ok(d.NotAfter instanceof Date && d.NotAfter.getTime() > Date.now() + 80 * DAY);
    assert.deepEqual((await a.send(new acm.ListCertificatesCommand({}))).CertificateSummaryList, [], 'ACM lists RSA only by default');
    const listed: string[] = [];
    for await (const page of acm.paginateListCertificates({ client: a, pageSize: 2 }, { Includes: { keyTypes: ['EC_prime256v1'] } })) {
      assert.ok((page.CertificateSummaryList ?? []).length <= 2);
      listed.push(...(page.CertificateSummaryList ?? []).map((c) => c.CertificateArn!));
    }
    assert.deepEqual(listed.sort(), [...arns].sort());
    assert.deepEqual((await a.send(new acm.ListTagsForCertificateCommand({ CertificateArn: arns[1] }))).Tags, [{ Key: 'n', Value: 'two' }]);
    for (const arn of arns.slice(1)) await a.send(new acm.DeleteCertificateCommand({ CertificateArn: arn }));
  });

  test('every bad input is its exception class', async () => {
    const good = selfSigned(['g.example.com']);
    const other = selfSigned(['o.example.com']);
    const expired = selfSigned(['x.example.com'], { notBefore: Date.now() - 9 * DAY, notAfter: Date.now() - DAY });
    const ed = selfSigned(['ed.example.com'], { key: 'ed25519' });
    await rejectsWith(imp({ certificatePem: good.certificatePem, privateKeyPem: other.privateKeyPem }), 'ValidationException', /does not match/);
    await rejectsWith(imp({ certificatePem: 'hello', privateKeyPem: good.privateKeyPem }), 'ValidationException', /not a PEM/);
    await rejectsWith(imp(expired), 'ValidationException', /expired/);
    await rejectsWith(imp(ed), 'ValidationException', /unsupported key type/);
    const missing = 'arn:aws:acm:us-east-1:000000000000:certificate/11111111-2222-3333-4444-555555555555';
    await rejectsWith(a.send(new acm.GetCertificateCommand({ CertificateArn: missing })), 'ResourceNotFoundException');
    await rejectsWith(a.send(new acm.ListTagsForCertificateCommand({ CertificateArn: 'arn:aws:acm:us-east-1:000000000000:thing/abc' })), 'InvalidArnException');
    await rejectsWith(a.send(new acm.RequestCertificateCommand({ DomainName: 'nodots' })), 'InvalidParameterException');
  });

  test('request: PENDING_VALIDATION then ISSUED; HTTPS listener with SNI, policy change, HTTP and back', async () => {
    const { CertificateArn: requested } = await a.send(
      new acm.RequestCertificateCommand({ DomainName: 'www.example.com', SubjectAlternativeNames: ['*.example.com'] }),
    );
    await eventually(
      async () => ((await a.send(new acm.DescribeCertificateCommand({ CertificateArn: requested }))).Certificate?.Status === 'ISSUED' ? true : undefined),
      {
        what: 'ISSUED',
        timeoutMs: 10_000,
        intervalMs: 50,
      },
    );
    const sni = (await imp(selfSigned(['api.other.com']))).CertificateArn!;
    const lb = (await e.send(new elb.CreateLoadBalancerCommand({ Name: 'acm-sdk', Scheme: 'internal' }))).LoadBalancers![0]!;
    const port = await freePort();
    const action = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '200' } }];
    await rejectsWith(
      e.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTPS',
          Port: port,
          DefaultActions: action,
          Certificates: [{ CertificateArn: requested }],
          SslPolicy: 'nope',
        }),
      ),
      'SSLPolicyNotFoundException',
    );
    const l = (
      await e.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTPS',
          Port: port,
          DefaultActions: action,
          Certificates: [{ CertificateArn: requested }],
        }),
      )
    ).Listeners![0]!;
    assert.equal(l.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
    await e.send(new elb.AddListenerCertificatesCommand({ ListenerArn: l.ListenerArn, Certificates: [{ CertificateArn: sni }] }));
    const certs = (await e.send(new elb.DescribeListenerCertificatesCommand({ ListenerArn: l.ListenerArn }))).Certificates;
    assert.deepEqual(certs, [
      { CertificateArn: requested, IsDefault: true },
      { CertificateArn: sni, IsDefault: false },
    ]);
    await rejectsWith(a.send(new acm.DeleteCertificateCommand({ CertificateArn: sni })), 'ResourceInUseException');
    await rejectsWith(
      e.send(new elb.RemoveListenerCertificatesCommand({ ListenerArn: l.ListenerArn, Certificates: [{ CertificateArn: requested }] })),
      'OperationNotPermittedException',
    );
    const fs = (await e.send(new elb.ModifyListenerCommand({ ListenerArn: l.ListenerArn, SslPolicy: 'ELBSecurityPolicy-FS-1-2-Res-2020-10' }))).Listeners![0]!;
    assert.equal(fs.SslPolicy, 'ELBSecurityPolicy-FS-1-2-Res-2020-10');
    assert.equal((await e.send(new elb.ModifyListenerCommand({ ListenerArn: l.ListenerArn, Protocol: 'HTTP' }))).Listeners![0]!.Protocol, 'HTTP');
    await a.send(new acm.DeleteCertificateCommand({ CertificateArn: sni }));
    await rejectsWith(e.send(new elb.ModifyListenerCommand({ ListenerArn: l.ListenerArn, Protocol: 'HTTPS' })), 'CertificateNotFoundException');
    const back = (await e.send(new elb.ModifyListenerCommand({ ListenerArn: l.ListenerArn, Protocol: 'HTTPS', Certificates: [{ CertificateArn: requested }] })))
      .Listeners![0]!;
    assert.deepEqual([back.Protocol, back.SslPolicy], ['HTTPS', 'ELBSecurityPolicy-TLS13-1-2-2021-06']);
    const policies = await e.send(new elb.DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-TLS13-1-2-Res-2021-06'] }));
    assert.deepEqual(policies.SslPolicies![0]!.SslProtocols, ['TLSv1.2', 'TLSv1.3']);
    assert.ok(checkedResponses() > 20, 'answers were checked against the models');
  });
});
