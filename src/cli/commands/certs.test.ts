import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certRows, renderCerts } from './certs.js';

const NOW = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;

test('days to expiry, the ones within 30 days marked', () => {
  const rows = certRows(
    [
      {
        CertificateArn: 'arn:aws:acm:us-east-1:1:certificate/b',
        DomainName: 'b.example.com',
        Status: 'ISSUED',
        Type: 'IMPORTED',
        KeyAlgorithm: 'RSA_2048',
        InUse: true,
        NotAfter: (NOW + 10 * DAY + 5) / 1000,
      },
      {
        CertificateArn: 'arn:aws:acm:us-east-1:1:certificate/a',
        DomainName: 'a.example.com',
        Status: 'ISSUED',
        Type: 'AMAZON_ISSUED',
        KeyAlgorithm: 'EC_prime256v1',
        NotAfter: (NOW + 395 * DAY) / 1000,
      },
      {
        CertificateArn: 'arn:aws:acm:us-east-1:1:certificate/c',
        DomainName: 'c.example.com',
        Status: 'PENDING_VALIDATION',
        Type: 'AMAZON_ISSUED',
        KeyAlgorithm: 'RSA_2048',
      },
    ],
    NOW,
  );
  assert.deepEqual(
    rows.map((r) => [r.id, r.daysToExpiry, r.expiresSoon, r.inUse]),
    [
      ['a', 395, false, false],
      ['b', 10, true, true],
      ['c', undefined, false, false],
    ],
  );
  const text = renderCerts(rows);
  assert.match(text, /^ID\s+DOMAIN\s+STATUS\s+TYPE\s+KEY\s+IN USE\s+EXPIRES\s+DAYS\n/);
  assert.match(text, /b\.example\.com .* 2026-12-11\s+10 !\n/);
  assert.match(text, /1 certificate\(s\) expire within 30 days/);
});
