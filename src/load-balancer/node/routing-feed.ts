/**
 * Keeps a LoadBalancerNode on the control plane's records: every change (debounced) rebuilds the
 * whole routing table and swaps it in with `node.update` — never a patch. A timer rebuilds when the
 * next draining registration expires, and a light poll reports `drainedAt` for draining targets
 * that have nothing in flight any more.
 */
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import { buildRoutingTable, type RoutingTable } from '../routing-table.js';
import type { LoadBalancerNode } from '../load-balancer-node.js';
import type { LbControlPlane, RecordsSubscription } from './lb-control-plane.js';
import { nextDrainExpiry, routingInputFromRecords, type RoutingRecords, type RoutingSourceOptions } from './routing-source.js';

export interface RoutingFeedOptions {
  readonly controlPlane: LbControlPlane;
  readonly node: LoadBalancerNode;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly source?: Omit<RoutingSourceOptions, 'healthySince' | 'ownHealth' | 'version'>;
  /** Changes closer together than this make one rebuild (default 25 ms). */
  readonly debounceMs?: number;
  /** How often draining targets are checked for "nothing in flight" (default 100 ms). */
  readonly drainPollMs?: number;
  /** After each swap, with the table now live. */
  readonly onTable?: (table: RoutingTable, records: RoutingRecords) => void;
}

export class RoutingFeed {
  private records: RoutingRecords | undefined;
  private subscription: RecordsSubscription | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private drainPoll: NodeJS.Timeout | undefined;
  private version = 0;
  private building: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly reported = new Set<string>();
  private firstTable: (() => void) | undefined;
  /** Resolves once the first table built from the records is live. */
  readonly ready: Promise<void>;

  constructor(private readonly options: RoutingFeedOptions) {
    this.ready = new Promise((resolve) => (this.firstTable = resolve));
  }

  async start(): Promise<void> {
    this.subscription = await this.options.controlPlane.watchRecords(
      (records) => {
        const first = this.records === undefined;
        this.records = records;
        this.schedule(first ? 0 : (this.options.debounceMs ?? 25));
      },
      (err) => this.options.logger?.error({ err }, 'routing records watch failed'),
    );
  }

  /** This node's checker changed its verdict on a target: route by it without waiting for the control plane. */
  healthChanged(): void {
    if (this.records !== undefined) this.schedule(0);
  }

  /** Rebuild now (tests, and the drain-expiry timer). */
  rebuild(): Promise<void> {
    this.building = this.building.then(() => this.build()).catch((err) => this.options.logger?.error({ err }, 'routing table rebuild failed'));
    return this.building;
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.close();
    clearTimeout(this.debounce);
    clearTimeout(this.expiry);
    clearInterval(this.drainPoll);
  }

  private schedule(delay: number): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.rebuild();
    }, delay);
    // Not unref'd: start-up awaits the first table, which this timer builds; an unref'd timer lets
    // the process exit silently mid start-up when nothing else holds the event loop.
  }

  private async build(): Promise<void> {
    const records = this.records;
    if (!records || this.stopped) return;
    const { node, clock } = this.options;
    const now = clock.now();
    const prober = node.prober;
    const input = routingInputFromRecords(records, now, {
      ...this.options.source,
      version: ++this.version,
      healthySince: (tg, id, port) => prober.health(tg, { id, port })?.healthySince,
      ownHealth: (tg, id, port) => {
        const state = prober.health(tg, { id, port })?.state;
        return state === 'healthy' || state === 'unhealthy' ? state : undefined;
      },
    });
    const table = buildRoutingTable(input);
    const result = await node.update(table);
    for (const f of result.failed) this.options.logger?.warn({ port: f.port, address: f.address, code: f.code }, 'listener could not bind');
    this.options.onTable?.(table, records);
    this.firstTable?.();
    this.firstTable = undefined;

    clearTimeout(this.expiry);
    const next = nextDrainExpiry(records.targets, now);
    if (next !== undefined && !this.stopped) {
      this.expiry = setTimeout(() => void this.rebuild(), Math.max(0, next - clock.now()) + 1);
      this.expiry.unref();
    }
    this.checkDrained();
  }

  /** Draining targets still waiting for their `drainedAt`, with where the node connects to them. */
  private pendingDrains(): Array<{ t: TargetRecord; address: string }> {
    const table = this.options.node.table();
    const out: Array<{ t: TargetRecord; address: string }> = [];
    for (const t of this.records?.targets ?? []) {
      if (t.state !== 'draining' || t.drainedAt !== undefined) continue;
      const target = table.targetGroups.get(t.TargetGroupArn)?.byKey.get(`${t.Id}:${t.Port}`);
      if (target) out.push({ t, address: target.address });
    }
    return out;
  }

  private checkDrained(): void {
    const pending = this.pendingDrains();
    const pools = this.options.node.engine.pools;
    let waiting = false;
    for (const { t, address } of pending) {
      const key = `${t.TargetGroupArn}|${t.Id}:${t.Port}|${t.drainingSince ?? 0}`;
      if (this.reported.has(key)) continue;
      if (pools.inFlight(address, t.Port) > 0) {
        waiting = true;
        continue;
      }
      this.reported.add(key);
      const ref = { targetGroupArn: t.TargetGroupArn, id: t.Id, port: t.Port };
      this.options.controlPlane.reportDrained(ref, this.options.clock.now()).catch((err) => {
        this.reported.delete(key);
        this.options.logger?.warn({ err, target: ref }, 'could not report drained target');
      });
    }
    if (waiting && !this.drainPoll && !this.stopped) {
      this.drainPoll = setInterval(() => {
        const still = this.pendingDrains().length > 0;
        if (!still) {
          clearInterval(this.drainPoll);
          this.drainPoll = undefined;
          return;
        }
        this.checkDrained();
      }, this.options.drainPollMs ?? 100);
      this.drainPoll.unref();
    }
  }
}
