import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { keys } from '../../domain/keys.js';
import type { CertificateRecord } from '../../domain/acm/certificate.js';
import { expiringCertificates, startCertificateExpiryWatch } from './certificate-expiry-watch.js';

const NOW = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;

const cert = (id: string, notAfter: number): CertificateRecord => ({
  arn: `arn:aws:acm:us-east-1:1:certificate/${id}`,
  type: 'IMPORTED',
  status: 'ISSUED',
  domainName: `${id}.example.com`,
  subjectAlternativeNames: [`${id}.example.com`],
  keyAlgorithm: 'EC_prime256v1',
  createdAt: NOW,
  facts: {
    domainName: `${id}.example.com`,
    subjectAlternativeNames: [],
    serial: '01',
    subject: '',
    issuer: '',
    notBefore: NOW - DAY,
    notAfter,
    keyAlgorithm: 'EC_prime256v1',
    signatureAlgorithm: 'SHA256WITHECDSA',
  },
});

test('certificates within 30 days (or expired) are the ones warned about', () => {
  const out = expiringCertificates([cert('ok', NOW + 31 * DAY), cert('soon', NOW + 29 * DAY + 1), cert('gone', NOW - 2 * DAY)], NOW);
  assert.deepEqual(
    out.map((c) => [c.domainName, c.days]),
    [
      ['soon.example.com', 29],
      ['gone.example.com', -2],
    ],
  );
});

test('the watch logs each expiring certificate once a day, never the key', async () => {
  const store = new MemoryStore();
  await store.txn({
    compares: [],
    success: [
      { type: 'put', key: keys.certificate('us-east-1', 'soon'), value: cert('soon', NOW + 5 * DAY) },
      { type: 'put', key: keys.certificate('us-east-1', 'ok'), value: cert('ok', NOW + 90 * DAY) },
    ],
  });
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  const clock = new ManualClock(NOW);
  const watch = startCertificateExpiryWatch({ store, clock, logger, intervalMs: 60_000 });
  try {
    await watch.check();
    await watch.check();
    const warned = lines.map((l) => JSON.parse(l) as { msg: string; domainName: string; daysToExpiry: number });
    assert.deepEqual(
      warned.map((w) => [w.msg, w.domainName, w.daysToExpiry]),
      [['certificate expires within 30 days', 'soon.example.com', 5]],
    );
    clock.advance(DAY);
    await watch.check();
    assert.equal(lines.length, 2, 'a day later it says so again');
  } finally {
    watch.stop();
  }
});
