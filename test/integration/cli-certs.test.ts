/** `berth certs` and `berth ca` as a user runs them, against a real `berth server`. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { eventually } from '../support/eventually.js';
import { berthCli } from './cli-harness.js';
import { acmCall } from '../../src/cli/acm-call.js';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';

const DAY = 86_400_000;

describe('berth certs and berth ca', { timeout: 120_000 }, () => {
  let berth: BerthProcess;
  const endpoint = () => ({ url: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'berth', secretAccessKey: 'berth' } });
  before(async () => {
    berth = await startBerthProcess({ command: 'server', args: ['--log-level', 'info'] });
  });
  after(async () => {
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  test('berth ca prints the data dir CA; berth certs lists every key type with days to expiry', async () => {
    const ca = await berthCli(berth.apiUrl, ['ca']);
    assert.equal(ca.code, 0, ca.stderr);
    assert.equal(ca.stdout, readFileSync(join(berth.dataDir, 'ca', 'ca.crt'), 'utf8'));
    assert.equal(new X509Certificate(ca.stdout).ca, true);

    const soon = selfSigned(['soon.example.com'], { notAfter: Date.now() + 12 * DAY + 3_600_000 });
    const b = (s: string) => Buffer.from(s).toString('base64');
    await acmCall(endpoint(), 'ImportCertificate', { Certificate: b(soon.certificatePem), PrivateKey: b(soon.privateKeyPem) });
    const { CertificateArn } = await acmCall<{ CertificateArn: string }>(endpoint(), 'RequestCertificate', {
      DomainName: 'app.example.com',
      KeyAlgorithm: 'EC_prime256v1',
    });
    const rows = await eventually(
      async () => {
        const r = await berthCli(berth.apiUrl, ['certs', '--json']);
        const parsed = JSON.parse(r.stdout) as { arn: string; domain: string; status: string; daysToExpiry?: number; expiresSoon: boolean }[];
        return parsed.find((x) => x.arn === CertificateArn)?.status === 'ISSUED' ? parsed : undefined;
      },
      { what: 'the requested certificate ISSUED in berth certs', timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.deepEqual(
      rows.map((r) => [r.domain, r.daysToExpiry, r.expiresSoon]),
      [
        ['app.example.com', 394, false],
        ['soon.example.com', 12, true],
      ],
    );
    const text = await berthCli(berth.apiUrl, ['certs']);
    assert.match(text.stdout, /soon\.example\.com .* 12 !/);
    // The log's warning for it comes from the hourly watch (certificate-expiry-watch.test.ts).
  });
});
