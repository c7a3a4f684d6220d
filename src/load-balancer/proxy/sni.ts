/**
 * Which certificate a TLS handshake gets (pure), as an ALB chooses: a certificate whose names
 * include the SNI name exactly, else one with a wildcard covering exactly one label of it
 * (`*.example.com` covers `a.example.com`, not `example.com` nor `a.b.example.com`), else the
 * listener's default certificate; a client that sends no SNI gets the default.
 */
import type { ListenerCertificate, ListenerTls } from '../routing-table.js';

export interface SniIndex<C> {
  readonly defaultEntry: C;
  readonly exact: ReadonlyMap<string, C>;
  /** Keyed by the suffix after `*.`. */
  readonly wildcard: ReadonlyMap<string, C>;
}

/** The default certificate wins ties: it is the listener's first certificate on ALB too. */
export function buildSniIndex<C>(tls: ListenerTls, entry: (c: ListenerCertificate) => C): SniIndex<C> {
  const exact = new Map<string, C>();
  const wildcard = new Map<string, C>();
  const defaultEntry = entry(tls.defaultCertificate);
  for (const cert of [tls.defaultCertificate, ...tls.certificates]) {
    const e = cert === tls.defaultCertificate ? defaultEntry : entry(cert);
    for (const raw of cert.names) {
      const name = raw.toLowerCase().replace(/\.$/, '');
      if (name.startsWith('*.')) {
        if (!wildcard.has(name.slice(2))) wildcard.set(name.slice(2), e);
      } else if (!exact.has(name)) exact.set(name, e);
    }
  }
  return { defaultEntry, exact, wildcard };
}

export function chooseBySni<C>(index: SniIndex<C>, servername: string | undefined): C {
  if (!servername) return index.defaultEntry;
  const name = servername.toLowerCase().replace(/\.$/, '');
  const exact = index.exact.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf('.');
  if (dot > 0) {
    const wild = index.wildcard.get(name.slice(dot + 1));
    if (wild !== undefined) return wild;
  }
  return index.defaultEntry;
}
