/**
 * Certificates for TLS tests, made by `openssl req` in a temp dir (the same tool the operator would
 * use to make the PEMs they import). ECDSA P-256 unless told; self-signed, valid for a day.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ListenerCertificate } from '../../src/load-balancer/routing-table.js';

export interface TestCert {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export function makeCert(names: readonly string[], keyType: 'ec' | 'rsa' = 'ec'): TestCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cert-'));
  try {
    const keyArgs = keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...keyArgs,
        '-nodes',
        '-days',
        '1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-subj',
        `/CN=${names[0]}`,
        '-addext',
        `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      ],
      { stdio: 'ignore' },
    );
    return { certificatePem: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'), privateKeyPem: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A listener certificate as the routing table carries it. */
export function listenerCert(arn: string, names: readonly string[], keyType: 'ec' | 'rsa' = 'ec'): ListenerCertificate {
  return { arn, ...makeCert(names, keyType), names: names.map((n) => n.toLowerCase()) };
}

/** The subject CN of a PEM certificate (which certificate a handshake got). */
export function commonName(pem: string | Buffer): string {
  const out = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'multiline'], { input: pem }).toString();
  return /commonName\s*=\s*(\S+)/.exec(out)?.[1] ?? '';
}
