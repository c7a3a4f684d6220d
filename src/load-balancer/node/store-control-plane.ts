/**
 * `LbControlPlane` in process, over the Store: list the prefixes, then watch from the listed
 * revision (nothing missed, history replayed first), keep the records by key, and hand out the
 * whole set on every committed change. Reports are compare-and-set updates of the target record.
 */
import { keys } from '../../domain/keys.js';
import { parseElbv2Arn } from '../../domain/elbv2/arn.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import type { Store, Watch, WatchEvent } from '../../store/store.js';
import type { RoutingRecords } from './routing-source.js';
import type { CertificateRecord } from '../../domain/acm/certificate.js';
import type { SealedBox } from '../../platform/sealed-box.js';
import type { ListenerCertificate } from '../routing-table.js';
import { listenerCertificateOf } from './listener-certificate.js';
import { afterDrained, afterHealthReport, type HealthReport } from './target-report.js';
import type { LbControlPlane, RecordsSubscription, TargetRef } from './lb-control-plane.js';

const kinds = {
  certificates: keys.certificates(),
  loadBalancers: keys.loadBalancers(),
  listeners: keys.listeners(),
  rules: keys.rules(),
  targetGroups: keys.targetGroups(),
  targets: keys.targets(),
  securityGroups: keys.securityGroups(),
  containerInstances: keys.containerInstances(),
} as const;
type Kind = keyof typeof kinds;
const kindNames = Object.keys(kinds) as Kind[];
/** Watch roots: one per subtree, filtered down to the kinds above. */
const roots = ['/berth/elbv2/', keys.securityGroups(), keys.containerInstances(), keys.certificates()];

function kindOf(key: string): Kind | undefined {
  for (const k of kindNames) if (key.startsWith(kinds[k])) return k;
  return undefined;
}

export class StoreLbControlPlane implements LbControlPlane {
  /** Serializes the writes to one target record, so reports land in the order they were made. */
  private readonly writes = new Map<string, Promise<void>>();

  /** Opened certificates by store key and revision: a change elsewhere does not decrypt every key again. */
  private readonly opened = new Map<string, { revision: number; cert: ListenerCertificate | undefined }>();

  /** `sealedBox` opens certificates' private keys (without it, HTTPS listeners have no certificates). */
  constructor(
    private readonly store: Store,
    private readonly sealedBox?: SealedBox,
  ) {}

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

  async watchRecords(onRecords: (records: RoutingRecords) => void, onError?: (err: Error) => void): Promise<RecordsSubscription> {
    const state = new Map<Kind, Map<string, { value: unknown; revision: number }>>(kindNames.map((k) => [k, new Map()]));
    let from = Infinity;
    for (const k of kindNames) {
      const listed = await this.store.list(kinds[k]);
      from = Math.min(from, listed.revision);
      for (const r of listed.records) state.get(k)!.set(r.key, { value: r.value, revision: r.modRevision });
    }
    const snapshot = (): RoutingRecords => {
      const out = Object.fromEntries(kindNames.map((k) => [k, [...state.get(k)!.values()].map((e) => e.value)])) as unknown as RoutingRecords;
      const certificates: ListenerCertificate[] = [];
      const live = new Set<string>();
      for (const [key, e] of state.get('certificates')!) {
        live.add(key);
        const cert = this.open(key, e.revision, e.value as CertificateRecord);
        if (cert) certificates.push(cert);
      }
      for (const key of this.opened.keys()) if (!live.has(key)) this.opened.delete(key);
      return { ...out, certificates };
    };
    const apply = (events: WatchEvent[]): void => {
      let changed = false;
      for (const e of events) {
        const k = kindOf(e.key);
        if (!k) continue;
        const m = state.get(k)!;
        // Lists were read at different revisions; a replayed event older than what we hold is stale.
        if ((m.get(e.key)?.revision ?? 0) >= e.revision) continue;
        if (e.type === 'put') m.set(e.key, { value: e.value, revision: e.revision });
        else m.delete(e.key);
        changed = true;
      }
      if (changed) onRecords(snapshot());
    };
    const watches: Watch[] = roots.map((prefix) => this.store.watch(prefix, { fromRevision: from, onEvents: apply, ...(onError ? { onError } : {}) }));
    onRecords(snapshot());
    return { close: () => watches.forEach((w) => w.close()) };
  }

  reportTargetHealth(t: TargetRef, health: HealthReport): Promise<void> {
    return this.update(t, (cur) => afterHealthReport(cur, health));
  }

  reportDrained(t: TargetRef, at: number): Promise<void> {
    return this.update(t, (cur) => afterDrained(cur, at));
  }

  private update(t: TargetRef, decide: (cur: TargetRecord | undefined) => TargetRecord | undefined): Promise<void> {
    const parsed = parseElbv2Arn(t.targetGroupArn);
    if (parsed?.kind !== 'targetgroup') return Promise.resolve();
    const key = keys.target(parsed.tgId, t.id, t.port);
    const previous = this.writes.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      await updateRecord<TargetRecord>(this.store, key, (cur) => decide(cur) ?? SKIP);
    });
    const settled = next.catch(() => {});
    this.writes.set(key, settled);
    void settled.then(() => {
      if (this.writes.get(key) === settled) this.writes.delete(key);
    });
    return next;
  }
}
