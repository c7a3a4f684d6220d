/**
 * The routing-relevant records of the store, kept current by one watch per server process and
 * shared by every node it serves (in process or over HTTP): list the prefixes, then watch from the
 * listed revision (nothing missed, history replayed first), keep the records by key, and hand out
 * the whole set, with the revision it is at, on every committed change. Issued certificates go out
 * with their private keys opened here, so a node terminates TLS without holding the sealing key.
 */
import { keys } from '../../domain/keys.js';
import type { Store, Watch, WatchEvent } from '../../store/store.js';
import type { RoutingRecords, RoutingSnapshot } from '../../protocols/load-balancer/index.js';
import { LB_PROTOCOL_VERSION, type ListenerCertificate } from '../../protocols/load-balancer/index.js';
import type { CertificateRecord } from '../../domain/acm/certificate.js';
import type { SealedBox } from '../../platform/sealed-box.js';
import { listenerCertificateOf } from './listener-certificate.js';

const kinds = {
  loadBalancers: keys.loadBalancers(),
  listeners: keys.listeners(),
  rules: keys.rules(),
  targetGroups: keys.targetGroups(),
  targets: keys.targets(),
  securityGroups: keys.securityGroups(),
  containerInstances: keys.containerInstances(),
  certificates: keys.certificates(),
} as const;
type Kind = keyof typeof kinds;
const kindNames = Object.keys(kinds) as Kind[];
/** Watch roots: one per subtree, filtered down to the kinds above. */
const roots = ['/berth/elbv2/', keys.securityGroups(), keys.containerInstances(), keys.certificates()];

function kindOf(key: string): Kind | undefined {
  for (const k of kindNames) if (key.startsWith(kinds[k])) return k;
  return undefined;
}

type Listener = (snapshot: RoutingSnapshot) => void;

export class RoutingRecordsCache {
  private readonly state = new Map<Kind, Map<string, { value: unknown; revision: number }>>(kindNames.map((k) => [k, new Map()]));
  private readonly listeners = new Set<Listener>();
  private watches: Watch[] = [];
  private current: RoutingSnapshot | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  /** Opened certificates by store key and revision: a change elsewhere does not decrypt every key again. */
  private readonly opened = new Map<string, { revision: number; cert: ListenerCertificate | undefined }>();

  /** Without `sealedBox`, no certificate goes out, and HTTPS listeners are left out of every table. */
  constructor(
    private readonly store: Store,
    private readonly onError?: (err: Error) => void,
    private readonly sealedBox?: SealedBox,
  ) {}

  /** The current snapshot, once the first list is read (started on first use). */
  async snapshot(): Promise<RoutingSnapshot> {
    await this.start();
    return this.current!;
  }

  /** Calls `listener` on every later change; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The snapshot once its revision is past `after`, or the current one after `timeoutMs` (or on abort). */
  async after(after: number, timeoutMs: number, signal?: AbortSignal): Promise<RoutingSnapshot> {
    const now = await this.snapshot();
    if (now.revision > after || signal?.aborted) return now;
    return new Promise((resolve) => {
      const done = (s: RoutingSnapshot): void => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      };
      const unsubscribe = this.subscribe((s) => s.revision > after && done(s));
      const timer = setTimeout(() => done(this.current!), timeoutMs);
      const onAbort = (): void => done(this.current!);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.closeWatches();
    this.listeners.clear();
  }

  private closeWatches(): void {
    this.watches.forEach((w) => w.close());
    this.watches = [];
  }

  private start(): Promise<void> {
    this.starting ??= this.listAndWatch().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  /**
   * A broken watch (history compacted, store unreachable) starts over from a fresh list, retried
   * every second; subscribers get the new whole set. Until then they keep the last one.
   */
  private restart(): void {
    if (this.closed) return;
    this.closeWatches();
    this.starting = undefined;
    for (const m of this.state.values()) m.clear();
    this.start().then(
      () => {
        for (const l of [...this.listeners]) l(this.current!);
      },
      (err: Error) => {
        this.onError?.(err);
        this.retry = setTimeout(() => this.restart(), 1000);
        this.retry.unref();
      },
    );
  }

  private async listAndWatch(): Promise<void> {
    let from = Infinity;
    let revision = 0;
    for (const k of kindNames) {
      const listed = await this.store.list(kinds[k]);
      from = Math.min(from, listed.revision);
      revision = Math.max(revision, listed.revision);
      for (const r of listed.records) this.state.get(k)!.set(r.key, { value: r.value, revision: r.modRevision });
    }
    this.current = this.build(revision);
    const apply = (events: WatchEvent[]): void => {
      let changed = false;
      let last = this.current!.revision;
      for (const e of events) {
        last = Math.max(last, e.revision);
        const k = kindOf(e.key);
        if (!k) continue;
        const m = this.state.get(k)!;
        // Lists were read at different revisions; a replayed event older than what we hold is stale.
        if ((m.get(e.key)?.revision ?? 0) >= e.revision) continue;
        if (e.type === 'put') m.set(e.key, { value: e.value, revision: e.revision });
        else m.delete(e.key);
        changed = true;
      }
      if (!changed) return;
      this.current = this.build(last);
      for (const l of [...this.listeners]) l(this.current);
    };
    let failed = false;
    const fail = (err: Error): void => {
      this.onError?.(err);
      if (failed) return;
      failed = true;
      this.restart();
    };
    this.watches = roots.map((prefix) => this.store.watch(prefix, { fromRevision: from, onEvents: apply, onError: fail }));
  }

  private build(revision: number): RoutingSnapshot {
    const records = Object.fromEntries(kindNames.map((k) => [k, [...this.state.get(k)!.values()].map((e) => e.value)])) as unknown as RoutingRecords;
    return { version: LB_PROTOCOL_VERSION, revision, records: { ...records, certificates: this.openCertificates() } };
  }

  private openCertificates(): ListenerCertificate[] {
    const out: ListenerCertificate[] = [];
    const live = new Set<string>();
    for (const [key, e] of this.state.get('certificates')!) {
      live.add(key);
      const cert = this.open(key, e.revision, e.value as CertificateRecord);
      if (cert) out.push(cert);
    }
    for (const key of this.opened.keys()) if (!live.has(key)) this.opened.delete(key);
    return out;
  }

  private open(key: string, revision: number, value: CertificateRecord): ListenerCertificate | undefined {
    const hit = this.opened.get(key);
    if (hit && hit.revision === revision) return hit.cert;
    let cert: ListenerCertificate | undefined;
    try {
      cert = this.sealedBox ? listenerCertificateOf(value, this.sealedBox) : undefined;
    } catch {
      // A key that does not open (another data dir's box) leaves the certificate out, never the table.
      cert = undefined;
    }
    this.opened.set(key, { revision, cert });
    return cert;
  }
}
