/**
 * Certificates in a stack file: each one has a `Name` (this file's word for it, kept as the tag
 * `berth:certificate` on the ACM certificate) and is either imported from PEM files
 * (`CertificateFile`, `PrivateKeyFile`, optional `CertificateChainFile`, relative to the stack file)
 * or requested from Berth's CA (`DomainName`, optional `SubjectAlternativeNames`, `KeyAlgorithm`).
 * HTTPS listeners name them: `Certificates: [{ CertificateName: shop }]`. Parsing is pure; reading
 * the files is `loadCertificateFiles`, called by the command.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { CliError, EXIT } from '../cli-error.js';
import type { Json } from './stack.js';

/** The tag that names an ACM certificate in a stack file. */
export const CERTIFICATE_TAG = 'berth:certificate';

export interface ImportedStackCertificate {
  readonly Name: string;
  readonly CertificateFile: string;
  readonly PrivateKeyFile: string;
  readonly CertificateChainFile?: string;
  /** Filled by loadCertificateFiles. */
  readonly pem?: { readonly certificate: string; readonly privateKey: string; readonly chain?: string };
}

export interface RequestedStackCertificate {
  readonly Name: string;
  readonly DomainName: string;
  readonly SubjectAlternativeNames?: readonly string[];
  readonly KeyAlgorithm?: string;
}

export type StackCertificate = ImportedStackCertificate | RequestedStackCertificate;

export const isImported = (c: StackCertificate): c is ImportedStackCertificate => 'CertificateFile' in c;

const bad = (message: string) => new CliError(`stack: ${message}`, EXIT.usage);

const IMPORT_KEYS = new Set(['Name', 'CertificateFile', 'PrivateKeyFile', 'CertificateChainFile']);
const REQUEST_KEYS = new Set(['Name', 'DomainName', 'SubjectAlternativeNames', 'KeyAlgorithm']);

export function parseCertificates(entries: readonly Json[]): StackCertificate[] {
  const out = entries.map((c, i): StackCertificate => {
    const Name = c.Name;
    if (typeof Name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(Name)) throw bad(`certificates[${i}]: Name is required (letters, digits, _.-)`);
    const imported = c.CertificateFile !== undefined;
    const allowed = imported ? IMPORT_KEYS : REQUEST_KEYS;
    for (const k of Object.keys(c)) {
      if (!allowed.has(k)) {
        throw bad(`certificate ${Name}: unknown key "${k}" (import: ${[...IMPORT_KEYS].join(', ')}; request: ${[...REQUEST_KEYS].join(', ')})`);
      }
    }
    const str = (k: string, required: boolean): string | undefined => {
      const v = c[k];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || v === '') throw bad(`certificate ${Name}: ${k} is required`);
      return v;
    };
    if (imported) {
      const chain = str('CertificateChainFile', false);
      return {
        Name,
        CertificateFile: str('CertificateFile', true)!,
        PrivateKeyFile: str('PrivateKeyFile', true)!,
        ...(chain ? { CertificateChainFile: chain } : {}),
      };
    }
    const sans = c.SubjectAlternativeNames;
    if (sans !== undefined && (!Array.isArray(sans) || !sans.every((s) => typeof s === 'string'))) {
      throw bad(`certificate ${Name}: SubjectAlternativeNames must be a list of names`);
    }
    const key = str('KeyAlgorithm', false);
    return {
      Name,
      DomainName: str('DomainName', true)!,
      ...(sans ? { SubjectAlternativeNames: sans as string[] } : {}),
      ...(key ? { KeyAlgorithm: key } : {}),
    };
  });
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.Name)) throw bad(`certificate "${c.Name}" appears twice`);
    seen.add(c.Name);
  }
  return out;
}

/** The PEMs of the imported certificates, read relative to the stack file's folder. */
export function loadCertificateFiles(certs: readonly StackCertificate[], baseDir: string): StackCertificate[] {
  const read = (name: string, file: string) => {
    try {
      return readFileSync(isAbsolute(file) ? file : join(baseDir, file), 'utf8');
    } catch (err) {
      throw new CliError(`certificate ${name}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.usage);
    }
  };
  return certs.map((c) => {
    if (!isImported(c)) return c;
    const chain = c.CertificateChainFile ? read(c.Name, c.CertificateChainFile) : undefined;
    return { ...c, pem: { certificate: read(c.Name, c.CertificateFile), privateKey: read(c.Name, c.PrivateKeyFile), ...(chain ? { chain } : {}) } };
  });
}

/** A listener's `Certificates: [{ CertificateName }]` with the names resolved to ARNs. */
export function resolveCertificates(certs: unknown, arnOf: (name: string) => string): Json[] | undefined {
  if (!Array.isArray(certs)) return undefined;
  return (certs as Json[]).map((c) => {
    const { CertificateName, ...rest } = c;
    return typeof CertificateName === 'string' ? { ...rest, CertificateArn: arnOf(CertificateName) } : rest;
  });
}
