/**
 * ACM and HTTPS listeners through the unmodified AWS CLI v2 against a real `berth server`: the
 * commands users type (`aws acm import-certificate --certificate fileb://...`, `request-certificate`,
 * `aws elbv2 create-listener --protocol HTTPS`), every bad input with its exact code, and the private
 * key nowhere in the clear: not in an answer, Berth's log, or the database file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { eventually } from '../support/eventually.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { freePort } from '../../src/platform/free-port.js';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';

const DAY = 86_400_000;

describe('ACM and HTTPS listeners through the AWS CLI v2', { skip: requirement('aws-cli') }, () => {
  let berth: BerthProcess;
  const { aws, awsFails } = awsCli(() => berth.apiUrl);
  const files = mkdtempSync(join(tmpdir(), 'berth-acm-cli-'));
  const answers: string[] = [];
  const good = selfSigned(['shop.example.com', '*.shop.example.com'], { key: 'rsa' });
  const other = selfSigned(['other.example.com']);
  const expired = selfSigned(['old.example.com'], { notBefore: Date.now() - 100 * DAY, notAfter: Date.now() - DAY });
  const ed = selfSigned(['ed.example.com'], { key: 'ed25519' });
  const file = (name: string, body: string) => {
    writeFileSync(join(files, name), body);
    return `fileb://${join(files, name)}`;
  };
  let importedArn = '';

  before(async () => {
    berth = await startBerthProcess({ command: 'server' });
  });
  after(async () => {
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
    rmSync(files, { recursive: true, force: true });
  });

  test('import from files, describe, get, list, tag; re-import rotates', async () => {
    const imported = await aws(
      'acm',
      'import-certificate',
      '--certificate',
      file('c.pem', good.certificatePem),
      '--private-key',
      file('k.pem', good.privateKeyPem),
      '--tags',
      'Key=team,Value=web',
    );
    importedArn = imported.CertificateArn;
    assert.match(importedArn, /^arn:aws:acm:us-east-1:\d{12}:certificate\//);
    const d = (await aws('acm', 'describe-certificate', '--certificate-arn', importedArn)).Certificate;
    answers.push(JSON.stringify(d));
    assert.deepEqual([d.DomainName, d.Type, d.Status, d.KeyAlgorithm], ['shop.example.com', 'IMPORTED', 'ISSUED', 'RSA_2048']);
    assert.deepEqual(d.SubjectAlternativeNames, ['shop.example.com', '*.shop.example.com']);
    const got = await aws('acm', 'get-certificate', '--certificate-arn', importedArn);
    answers.push(JSON.stringify(got));
    assert.equal(new X509Certificate(got.Certificate).fingerprint256, new X509Certificate(good.certificatePem).fingerprint256);
    const list = await aws('acm', 'list-certificates');
    answers.push(JSON.stringify(list));
    assert.deepEqual(
      list.CertificateSummaryList.map((c: { CertificateArn: string }) => c.CertificateArn),
      [importedArn],
    );
    assert.deepEqual((await aws('acm', 'list-tags-for-certificate', '--certificate-arn', importedArn)).Tags, [{ Key: 'team', Value: 'web' }]);
    const rotated = selfSigned(['shop.example.com'], { key: 'ec' });
    await aws(
      'acm',
      'import-certificate',
      '--certificate-arn',
      importedArn,
      '--certificate',
      file('c2.pem', rotated.certificatePem),
      '--private-key',
      file('k2.pem', rotated.privateKeyPem),
    );
    assert.equal((await aws('acm', 'describe-certificate', '--certificate-arn', importedArn)).Certificate.KeyAlgorithm, 'EC_prime256v1');
    const ec = await aws('acm', 'list-certificates', '--includes', 'keyTypes=EC_prime256v1', '--certificate-statuses', 'ISSUED');
    assert.equal(ec.CertificateSummaryList.length, 1);
  });

  test('every bad input gets its exact code', async () => {
    const imp = (c: string, k: string) => awsFails('acm', 'import-certificate', '--certificate', file('bad-c.pem', c), '--private-key', file('bad-k.pem', k));
    assert.match(await imp(good.certificatePem, other.privateKeyPem), /\(ValidationException\).*does not match/);
    assert.match(await imp('-----BEGIN CERTIFICATE-----\nnotbase64!!\n-----END CERTIFICATE-----\n', good.privateKeyPem), /\(ValidationException\).*not a PEM/);
    assert.match(await imp(expired.certificatePem, expired.privateKeyPem), /\(ValidationException\).*expired/);
    assert.match(await imp(ed.certificatePem, ed.privateKeyPem), /\(ValidationException\).*unsupported key type/);
    const missing = 'arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000';
    assert.match(await awsFails('acm', 'describe-certificate', '--certificate-arn', missing), /\(ResourceNotFoundException\)/);
    assert.match(await awsFails('acm', 'delete-certificate', '--certificate-arn', missing), /\(ResourceNotFoundException\)/);
    assert.match(await awsFails('acm', 'describe-certificate', '--certificate-arn', 'arn:aws:acm:us-east-1:000000000000:nope/x'), /\(InvalidArnException\)/);
    assert.match(await awsFails('acm', 'request-certificate', '--domain-name', 'bad domain'), /\(InvalidParameterException\)/);
  });

  test('request-certificate: PENDING_VALIDATION then ISSUED by the CA in the data dir', async () => {
    const { CertificateArn } = await aws(
      'acm',
      'request-certificate',
      '--domain-name',
      'api.example.com',
      '--validation-method',
      'DNS',
      '--key-algorithm',
      'EC_prime256v1',
    );
    const issued = await eventually(
      async () => {
        const d = (await aws('acm', 'describe-certificate', '--certificate-arn', CertificateArn)).Certificate;
        return d.Status === 'ISSUED' ? d : undefined;
        // Issued within a second of the request (certificates.test.ts times it); the CLI's own start-up is slower.
      },
      { what: 'the requested certificate ISSUED', timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.equal(issued.Type, 'AMAZON_ISSUED');
    const got = await aws('acm', 'get-certificate', '--certificate-arn', CertificateArn);
    const ca = new X509Certificate(readFileSync(join(berth.dataDir, 'ca', 'ca.crt')));
    assert.equal(new X509Certificate(got.Certificate).checkIssued(ca), true);
    assert.equal(statSync(join(berth.dataDir, 'ca', 'ca.key')).mode & 0o777, 0o600);
  });

  test('HTTPS listener: create with certificate and policy, SNI certificates, in use, switch to HTTP, policies', async () => {
    const lb = (await aws('elbv2', 'create-load-balancer', '--name', 'acm-cli', '--scheme', 'internal')).LoadBalancers[0];
    const port = String(await freePort());
    const action = 'Type=fixed-response,FixedResponseConfig={StatusCode=200}';
    assert.match(
      await awsFails('elbv2', 'create-listener', '--load-balancer-arn', lb.LoadBalancerArn, '--protocol', 'HTTPS', '--port', port, '--default-actions', action),
      /\(CertificateNotFound\)/,
    );
    assert.match(
      await awsFails(
        'elbv2',
        'create-listener',
        '--load-balancer-arn',
        lb.LoadBalancerArn,
        '--protocol',
        'HTTPS',
        '--port',
        port,
        '--certificates',
        `CertificateArn=${importedArn}`,
        '--ssl-policy',
        'ELBSecurityPolicy-Nope',
        '--default-actions',
        action,
      ),
      /\(SSLPolicyNotFound\)/,
    );
    const listener = (
      await aws(
        'elbv2',
        'create-listener',
        '--load-balancer-arn',
        lb.LoadBalancerArn,
        '--protocol',
        'HTTPS',
        '--port',
        port,
        '--certificates',
        `CertificateArn=${importedArn}`,
        '--ssl-policy',
        'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
        '--default-actions',
        action,
      )
    ).Listeners[0];
    assert.deepEqual([listener.Protocol, listener.SslPolicy], ['HTTPS', 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06']);
    const sni = await aws(
      'acm',
      'import-certificate',
      '--certificate',
      file('o.pem', other.certificatePem),
      '--private-key',
      file('ok.pem', other.privateKeyPem),
    );
    await aws('elbv2', 'add-listener-certificates', '--listener-arn', listener.ListenerArn, '--certificates', `CertificateArn=${sni.CertificateArn}`);
    const certs = (await aws('elbv2', 'describe-listener-certificates', '--listener-arn', listener.ListenerArn)).Certificates;
    assert.deepEqual(certs, [
      { CertificateArn: importedArn, IsDefault: true },
      { CertificateArn: sni.CertificateArn, IsDefault: false },
    ]);
    assert.deepEqual((await aws('acm', 'describe-certificate', '--certificate-arn', importedArn)).Certificate.InUseBy, [listener.ListenerArn]);
    assert.match(await awsFails('acm', 'delete-certificate', '--certificate-arn', importedArn), /\(ResourceInUseException\)/);
    const http = (await aws('elbv2', 'modify-listener', '--listener-arn', listener.ListenerArn, '--protocol', 'HTTP')).Listeners[0];
    assert.equal(http.Protocol, 'HTTP');
    assert.equal(http.Certificates, undefined);
    await aws('acm', 'delete-certificate', '--certificate-arn', sni.CertificateArn);
    const policies = (await aws('elbv2', 'describe-ssl-policies', '--names', 'ELBSecurityPolicy-2016-08')).SslPolicies;
    assert.deepEqual(policies[0].SslProtocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
    assert.match(await awsFails('elbv2', 'describe-ssl-policies', '--names', 'nope'), /\(SSLPolicyNotFound\)/);
  });

  test('the private key is in no answer, no log line, and not in the clear on disk', () => {
    const keyLines = [good.privateKeyPem, other.privateKeyPem].map((k) => k.split('\n')[1]!);
    for (const a of answers) for (const k of keyLines) assert.ok(!a.includes(k));
    for (const k of keyLines) assert.ok(!berth.output().includes(k));
    for (const f of readdirSync(berth.dataDir)) {
      if (!statSync(join(berth.dataDir, f)).isFile()) continue;
      const bytes = readFileSync(join(berth.dataDir, f));
      for (const k of keyLines) assert.ok(!bytes.includes(k), `${f} holds a private key in the clear`);
      assert.ok(!bytes.includes('PRIVATE KEY') || f === 'ca.key', `${f} holds a PEM private key`);
    }
  });
});
