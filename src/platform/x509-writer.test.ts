import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCertificate } from './x509-writer.js';

const day = 86_400_000;

function chain(caType: 'ec' | 'rsa', leafType: 'ec' | 'rsa') {
  const ca = caType === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const leaf = leafType === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.UTC(2026, 0, 1);
  const caPem = writeCertificate({
    serial: Buffer.from('01', 'hex'),
    subject: { commonName: 'Berth test CA', organization: 'Berth' },
    issuer: { commonName: 'Berth test CA', organization: 'Berth' },
    notBefore: new Date(now - day),
    notAfter: new Date(now + 3650 * day),
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    ca: true,
  });
  const leafPem = writeCertificate({
    serial: Buffer.from('80aabbccddeeff00112233445566778899', 'hex'),
    subject: { commonName: 'app.example.com' },
    issuer: { commonName: 'Berth test CA', organization: 'Berth' },
    notBefore: new Date(now),
    notAfter: new Date(Date.UTC(2051, 0, 1)),
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    ca: false,
    dnsNames: ['app.example.com', '*.app.example.com'],
  });
  return { caPem, leafPem, leafKey: leaf.privateKey };
}

for (const [caType, leafType] of [
  ['ec', 'ec'],
  ['ec', 'rsa'],
  ['rsa', 'ec'],
] as const) {
  test(`a ${caType} CA issues a ${leafType} server certificate that node and openssl accept`, () => {
    const { caPem, leafPem, leafKey } = chain(caType, leafType);
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(leafPem);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.equal(leaf.checkIssued(ca), true);
    assert.equal(leaf.verify(ca.publicKey), true);
    assert.equal(leaf.checkPrivateKey(leafKey), true);
    assert.equal(leaf.subjectAltName, 'DNS:app.example.com, DNS:*.app.example.com');
    assert.equal(leaf.serialNumber, '80AABBCCDDEEFF00112233445566778899');
    assert.equal(new Date(leaf.validTo).getUTCFullYear(), 2051, 'GeneralizedTime from 2050');
    assert.match(leaf.issuer, /CN=Berth test CA/);
    const dir = mkdtempSync(join(tmpdir(), 'berth-x509-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), caPem);
      writeFileSync(join(dir, 'leaf.pem'), leafPem);
      const out = execFileSync(
        'openssl',
        ['verify', '-purpose', 'sslserver', '-attime', String(Date.UTC(2026, 5, 1) / 1000), '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')],
        { encoding: 'utf8' },
      );
      assert.match(out, /leaf\.pem: OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
