/**
 * Keeps a LoadBalancerNode on the control plane's records: every change (debounced) rebuilds the
 * whole routing table and swaps it in with `node.update` — never a patch. A timer rebuilds when the
 * next draining registration expires, and a light poll reports `drainedAt` for draining targets
 * that have nothing in flight any more. The node is either one process's engine or a fleet of
 * workers (workers/): the feed sees only `FedNode`. With a `snapshotFile`, the last records are
 * kept on disk, so a node started while no server answers serves from them (static stability).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import { buildRoutingTable, type RoutingTable, type RoutingTableInput } from '../routing-table.js';
import type { ApplyResult } from '../proxy/listener-bind-error.js';
import type { TargetHealthRecord } from '../health/health-state-machine.js';
import type { LbControlPlane, RecordsSubscription } from './lb-control-plane.js';
import { nextDrainExpiry, routingInputFromRecords, type RoutingRecords, type RoutingSourceOptions } from './routing-source.js';

/** What the feed drives: the node's health verdicts, its table, and its pools' in-flight counts. */
export interface FedNode {
  /** The node's own checker's record of a target (once per node, whichever process checks). */
  health(targetGroupArn: string, target: { id: string; port: number }): TargetHealthRecord | undefined;
  table(): RoutingTable;
  /** Swap the whole table in (`input` is what it was built from, for nodes that build it again elsewhere). */
  update(table: RoutingTable, input: RoutingTableInput, records: RoutingRecords): Promise<ApplyResult>;
  /** Requests in flight per target, over every pool of the node (all workers); rejects when that is unknown. */
  inFlight(targets: readonly { address: string; port: number }[]): Promise<readonly number[]>;
}

export interface RoutingFeedOptions {
  readonly controlPlane: LbControlPlane;
  readonly node: FedNode;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly source?: Omit<RoutingSourceOptions, 'healthySince' | 'ownHealth' | 'version'>;
  /** Changes closer together than this make one rebuild (default 25 ms). */
  readonly debounceMs?: number;
  /** How often draining targets are checked for "nothing in flight" (default 100 ms). */
  readonly drainPollMs?: number;
  /** After each swap, with the table now live. */
  readonly onTable?: (table: RoutingTable, records: RoutingRecords) => void;
  /** Keep the last records here (written whole: temp file + rename), and start from them. */
  readonly snapshotFile?: string;
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
  private unsaved = false;
  private checking = false;
  private firstTable: (() => void) | undefined;
  /** Resolves once the first table built from the records is live. */
  readonly ready: Promise<void>;

  constructor(private readonly options: RoutingFeedOptions) {
    this.ready = new Promise((resolve) => (this.firstTable = resolve));
  }

  async start(): Promise<void> {
    // The saved records are served at once; the first answer from a server replaces them.
    const saved = this.options.snapshotFile ? readSnapshot(this.options.snapshotFile) : undefined;
    if (saved) {
      this.records = saved;
      this.options.logger?.info({ file: this.options.snapshotFile }, 'serving the last routing snapshot until a server answers');
      this.schedule(0);
    }
    const subscribing = this.options.controlPlane.watchRecords(
      (records) => {
        const first = this.records === undefined;
        this.records = records;
        this.unsaved = true;
        this.schedule(first ? 0 : (this.options.debounceMs ?? 25));
      },
      (err) => this.options.logger?.error({ err }, 'routing records watch failed'),
    );
    // A port answers once it has the first set: with saved records the node serves meanwhile.
    const subscribed = subscribing.then((subscription) => {
      if (this.stopped) subscription.close();
      else this.subscription = subscription;
    });
    if (saved) subscribed.catch((err: unknown) => this.options.logger?.error({ err }, 'routing records watch failed'));
    else await subscribed;
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
    const input = routingInputFromRecords(records, now, {
      ...this.options.source,
      version: ++this.version,
      healthySince: (tg, id, port) => node.health(tg, { id, port })?.healthySince,
      ownHealth: (tg, id, port) => {
        const state = node.health(tg, { id, port })?.state;
        return state === 'healthy' || state === 'unhealthy' ? state : undefined;
      },
    });
    const table = buildRoutingTable(input);
    const result = await node.update(table, input, records);
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
    void this.checkDrained();
    if (this.unsaved && this.options.snapshotFile) {
      this.unsaved = false;
      await writeSnapshot(this.options.snapshotFile, records).catch((err: unknown) =>
        this.options.logger?.warn({ err, file: this.options.snapshotFile }, 'could not save the routing snapshot'),
      );
    }
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

  /**
   * A draining target is reported drained only when the node as a whole (every worker's pool) has
   * nothing in flight on it; a count that cannot be read means "not yet", asked again next poll.
   */
  private async checkDrained(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.checkDrainedOnce();
    } finally {
      this.checking = false;
    }
  }

  private async checkDrainedOnce(): Promise<void> {
    const pending = this.pendingDrains().filter(({ t }) => !this.reported.has(drainKey(t)));
    let waiting = pending.length > 0;
    if (pending.length > 0) {
      const counts = await this.options.node.inFlight(pending.map(({ t, address }) => ({ address, port: t.Port }))).catch(() => undefined);
      if (counts) {
        waiting = false;
        pending.forEach(({ t }, i) => {
          if ((counts[i] ?? 1) > 0) {
            waiting = true;
            return;
          }
          this.report(t);
        });
      }
    }
    if (waiting && !this.drainPoll && !this.stopped) {
      this.drainPoll = setInterval(() => {
        if (this.pendingDrains().length === 0) {
          clearInterval(this.drainPoll);
          this.drainPoll = undefined;
          return;
        }
        void this.checkDrained();
      }, this.options.drainPollMs ?? 100);
      this.drainPoll.unref();
    }
  }

  private report(t: TargetRecord): void {
    const key = drainKey(t);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const ref = { targetGroupArn: t.TargetGroupArn, id: t.Id, port: t.Port };
    this.options.controlPlane.reportDrained(ref, this.options.clock.now()).catch((err) => {
      this.reported.delete(key);
      this.options.logger?.warn({ err, target: ref }, 'could not report drained target');
    });
  }
}

function drainKey(t: TargetRecord): string {
  return `${t.TargetGroupArn}|${t.Id}:${t.Port}|${t.drainingSince ?? 0}`;
}

function readSnapshot(file: string): RoutingRecords | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RoutingRecords;
  } catch {
    // None yet, or unreadable: start empty and wait for a server, as a fresh node does.
    return undefined;
  }
}

/** Whole or not at all: a crash mid-write leaves the previous snapshot. It holds listeners' private keys, so 0600. */
async function writeSnapshot(file: string, records: RoutingRecords): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(temp, JSON.stringify(records), { mode: 0o600 });
  await fs.promises.rename(temp, file);
}
