/**
 * TLS material per HTTPS listener, built once per routing-table swap: a SecureContext per
 * certificate (cached across swaps by ARN, PEM content and policy, so an unchanged certificate is
 * never parsed again and a re-imported one gets a new context) and the SNI index over them. New
 * handshakes read the listener's current entry, so a rotation applies to the next handshake
 * without a restart; connections already open keep the context they were made with.
 */
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { DEFAULT_SSL_POLICY, sslPolicyByName } from '../../domain/elbv2/ssl-policy.js';
import type { CompiledListener, ListenerCertificate, ListenerTls, RoutingTable } from '../routing-table.js';
import { buildSniIndex, chooseBySni, type SniIndex } from './sni.js';
import { tlsOptionsForPolicy, type PolicyTlsOptions } from './tls-policy-options.js';

export interface ListenerContexts {
  readonly policy: PolicyTlsOptions;
  readonly index: SniIndex<tls.SecureContext>;
  /** The same choice by ARN, for the access log's `chosen_cert_arn`. */
  readonly arns: SniIndex<string>;
  /** Identifies the default certificate and policy: when it changes, the server's own context must follow. */
  readonly defaultKey: string;
  /** Options for `tls.Server#setSecureContext` (the context clients without SNI get). */
  readonly serverOptions: tls.SecureContextOptions;
}

export function policyOptions(name: string): PolicyTlsOptions {
  // The control plane refuses unknown names (SSLPolicyNotFound); a stale table still gets a sane policy.
  return tlsOptionsForPolicy(sslPolicyByName(name) ?? sslPolicyByName(DEFAULT_SSL_POLICY)!);
}

function contentKey(c: ListenerCertificate, policy: string): string {
  return createHash('sha256')
    .update(`${c.arn}\0${c.certificatePem}\0${c.chainPem ?? ''}\0${c.privateKeyPem}\0${policy}`)
    .digest('base64');
}

function secureOptions(c: ListenerCertificate, policy: PolicyTlsOptions, ticketKeys: Buffer | undefined): tls.SecureContextOptions {
  return {
    ...policy,
    key: c.privateKeyPem,
    cert: c.chainPem ? `${c.certificatePem.trimEnd()}\n${c.chainPem}` : c.certificatePem,
    // Session resumption as nginx does by default (tickets on, 5 min): Node's defaults already;
    // shared keys make a ticket good on every context (SNI) and every worker that shares them.
    ...(ticketKeys ? { ticketKeys } : {}),
  };
}

export class TlsContexts {
  private readonly cache = new Map<string, tls.SecureContext>();
  private readonly built = new WeakMap<ListenerTls, ListenerContexts>();

  constructor(private readonly ticketKeys?: Buffer) {}

  /** The listener's contexts; the listener objects of one table are frozen, so this builds once per swap. */
  forListener(l: CompiledListener): ListenerContexts | undefined {
    const t = l.tls;
    if (!t) return undefined;
    let entry = this.built.get(t);
    if (!entry) {
      const policy = policyOptions(t.sslPolicy);
      const index = buildSniIndex(t, (c) => this.context(c, t.sslPolicy, policy));
      entry = {
        policy,
        index,
        arns: buildSniIndex(t, (c) => c.arn),
        defaultKey: contentKey(t.defaultCertificate, t.sslPolicy),
        serverOptions: secureOptions(t.defaultCertificate, policy, this.ticketKeys),
      };
      this.built.set(t, entry);
    }
    return entry;
  }

  /** The context for one handshake's SNI name. */
  choose(l: CompiledListener, servername: string | undefined): tls.SecureContext | undefined {
    const entry = this.forListener(l);
    return entry && chooseBySni(entry.index, servername);
  }

  /** The ARN of the certificate a handshake with this SNI name gets. */
  chosenArn(l: CompiledListener, servername: string | undefined): string | undefined {
    const entry = this.forListener(l);
    return entry && chooseBySni(entry.arns, servername);
  }

  /** Drops contexts no listener of the table uses (rotated-away or removed certificates). */
  sweep(table: RoutingTable): void {
    const used = new Set<string>();
    for (const l of table.listeners.values()) {
      if (!l.tls) continue;
      for (const c of [l.tls.defaultCertificate, ...l.tls.certificates]) used.add(contentKey(c, l.tls.sslPolicy));
    }
    for (const k of [...this.cache.keys()]) if (!used.has(k)) this.cache.delete(k);
  }

  /** Contexts held (tests: a rotation builds one more, an unchanged swap none). */
  size(): number {
    return this.cache.size;
  }

  private context(c: ListenerCertificate, policyName: string, policy: PolicyTlsOptions): tls.SecureContext {
    const key = contentKey(c, policyName);
    let ctx = this.cache.get(key);
    if (!ctx) {
      ctx = tls.createSecureContext(secureOptions(c, policy, this.ticketKeys));
      this.cache.set(key, ctx);
    }
    return ctx;
  }
}
