/**
 * `berth apply` with certificates (imported from files, and requested from Berth's CA) and an HTTPS
 * listener that names one: created in order, a second apply changes nothing, and a new certificate
 * file is a re-import onto the same ARN (a rotation), not a new certificate.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/sdk-clients.js';
import { berthCli, freePort } from './cli-harness.js';
import { acmCall } from '../../src/cli/acm-call.js';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';

describe('berth apply: certificates and HTTPS listeners', { timeout: 180_000 }, () => {
  let berth: BerthProcess;
  const dir = mkdtempSync(join(tmpdir(), 'berth-apply-https-'));
  const endpoint = () => ({ url: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'berth', secretAccessKey: 'berth' } });
  before(async () => {
    berth = await startBerthProcess({ command: 'server' });
  });
  after(async () => {
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
    rmSync(dir, { recursive: true, force: true });
  });

  test('create, no changes, rotate by file', async () => {
    const port = await freePort();
    const write = (c: ReturnType<typeof selfSigned>) => {
      writeFileSync(join(dir, 'shop.pem'), c.certificatePem);
      writeFileSync(join(dir, 'shop.key'), c.privateKeyPem);
    };
    write(selfSigned(['shop.example.com']));
    const stackFile = join(dir, 'stack.yaml');
    writeFileSync(
      stackFile,
      `name: https-demo
certificates:
  - Name: shop
    CertificateFile: shop.pem
    PrivateKeyFile: shop.key
  - Name: api
    DomainName: api.example.com
    KeyAlgorithm: EC_prime256v1
loadBalancers:
  - Name: https-demo
    Scheme: internal
    Listeners:
      - Port: ${port}
        Protocol: HTTPS
        SslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-2021-06
        Certificates: [{ CertificateName: shop }]
        DefaultActions: [{ Type: fixed-response, FixedResponseConfig: { StatusCode: "200" } }]
`,
    );
    const first = await berthCli(berth.apiUrl, ['apply', '-f', stackFile]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /\+ certificate shop\n\+ certificate api\n\+ loadBalancer https-demo\n\+ listener https-demo:\d+\n/);
    const again = await berthCli(berth.apiUrl, ['apply', '-f', stackFile]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes/);

    const client = elbv2Client(berth.apiUrl);
    const lb = (await client.send(new elb.DescribeLoadBalancersCommand({ Names: ['https-demo'] }))).LoadBalancers![0]!;
    const listener = (await client.send(new elb.DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn! }))).Listeners![0]!;
    assert.equal(listener.Protocol, 'HTTPS');
    assert.equal(listener.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06');
    const arn = listener.Certificates![0]!.CertificateArn!;
    const tags = await acmCall<{ Tags: { Key: string; Value: string }[] }>(endpoint(), 'ListTagsForCertificate', { CertificateArn: arn });
    assert.deepEqual(tags.Tags, [
      { Key: 'berth:certificate', Value: 'shop' },
      { Key: 'berth:stack', Value: 'https-demo' },
    ]);

    write(selfSigned(['shop.example.com', 'www.shop.example.com']));
    const rotated = await berthCli(berth.apiUrl, ['apply', '-f', stackFile]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /~ certificate shop\n/);
    assert.doesNotMatch(rotated.stdout, /listener/);
    const d = await acmCall<{ Certificate: { SubjectAlternativeNames: string[]; InUseBy: string[] } }>(endpoint(), 'DescribeCertificate', {
      CertificateArn: arn,
    });
    assert.deepEqual(d.Certificate.SubjectAlternativeNames, ['shop.example.com', 'www.shop.example.com']);
    assert.deepEqual(d.Certificate.InUseBy, [listener.ListenerArn]);
    client.destroy();
  });
});
