/**
 * Keeps this replica's ServerRecord in the store and a watch-fed view of every replica's, and serves
 * the merged heartbeats as a ReadonlyMap to the controllers (which only call `get`, so `get` reads
 * the sources directly and the rest goes through a merged copy).
 *
 * The record is rewritten only when its sightings change (checked every `checkMs`, in memory), and
 * it lives on this server's lease (LeasedRecord), so being alive costs no revision.
 */
import type { Store, Watch } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import { departedRecord, mergeHeartbeats, mergeLbNodes, seenAt, sightings, type LbNodeSeen, type ServerRecord, type SightingWindows } from './server-record.js';

/** The record's slot in the store: on etcd a key on this server's lease (store/etcd-leased-record.ts). */
export interface ServerRecordSlot {
  put(value: ServerRecord): Promise<void>;
  close(): Promise<void>;
}

export interface ServerRegistryDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly self: Pick<ServerRecord, 'id' | 'apiUrl' | 'store'>;
  /** This replica's own agent heartbeats (AgentService.heartbeats). */
  readonly localHeartbeats: ReadonlyMap<string, number>;
  /** The load-balancer nodes heartbeating to this replica (LbNodeService.localNodes). */
  readonly localLbNodes: () => Iterable<LbNodeSeen>;
  readonly windows: SightingWindows;
  /**
   * Opens where this replica's record goes (`onLost`: the record vanished with its lease, write it
   * again); undefined for a single process (SQLite): nothing is written,
   * and the registry knows only this server.
   */
  readonly slot?: (onLost: () => void) => ServerRecordSlot;
  /** How often the sightings are compared with the record's (in memory). Default 1,000 ms. */
  readonly checkMs?: number;
}

export interface ServerRegistry {
  /** Every replica's heartbeats merged with this one's, live. */
  readonly heartbeats: ReadonlyMap<string, number>;
  /** The live replicas' records (this one's included, as it is now). */
  servers(): ServerRecord[];
  /** The other live replicas (records on a live lease; a departed one is not listed): who a metric read asks too. */
  peers(): { readonly id: string; readonly apiUrl: string }[];
  /** Every load-balancer node this or another live replica hears from. */
  lbNodes(): LbNodeSeen[];
  /** Node ids fresh on another live replica (the health merge counts them). */
  freshRemoteLbNodes(freshMs: number): Set<string>;
  stop(): Promise<void>;
}

class MergedHeartbeats implements ReadonlyMap<string, number> {
  constructor(
    private readonly local: ReadonlyMap<string, number>,
    private readonly remote: () => Iterable<ServerRecord>,
    private readonly clock: Clock,
  ) {}

  get(key: string): number | undefined {
    let best = this.local.get(key);
    const now = this.clock.now();
    for (const r of this.remote()) {
      const s = r.agents[key];
      if (!s) continue;
      const at = seenAt(s, now);
      if (best === undefined || at > best) best = at;
    }
    return best;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  get size(): number {
    return this.merged().size;
  }
  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    this.merged().forEach((v, k) => fn(v, k, this));
  }
  entries(): MapIterator<[string, number]> {
    return this.merged().entries();
  }
  keys(): MapIterator<string> {
    return this.merged().keys();
  }
  values(): MapIterator<number> {
    return this.merged().values();
  }
  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
  private merged(): Map<string, number> {
    return mergeHeartbeats(this.local, this.remote(), this.clock.now());
  }
}

export async function startServerRegistry(deps: ServerRegistryDeps): Promise<ServerRegistry> {
  const startedAt = deps.clock.now();
  const records = new Map<string, ServerRecord>();
  // Records that went, with their fresh sightings turned stale at that moment (departedRecord).
  const departed = new Map<string, { readonly record: ServerRecord; readonly at: number }>();
  let watch: Watch | undefined;
  let stopped = false;
  const selfKey = keys.server(deps.self.id);
  const depart = (key: string): void => {
    const r = records.get(key);
    records.delete(key);
    const now = deps.clock.now();
    if (r && key !== selfKey) departed.set(key, { record: departedRecord(r, now), at: now });
  };
  const others = (): ServerRecord[] => {
    const now = deps.clock.now();
    const out = [...records.entries()].filter(([k]) => k !== selfKey).map(([, r]) => r);
    for (const [k, d] of departed) {
      if (now - d.at > deps.windows.forgetMs) departed.delete(k);
      else if (!records.has(k)) out.push(d.record);
    }
    return out;
  };
  const live = (): ServerRecord[] => [...records.entries()].filter(([k]) => k !== selfKey).map(([, r]) => r);
  let writtenAt = startedAt;
  const current = (): ServerRecord => ({
    ...deps.self,
    startedAt,
    writtenAt,
    ...sightings(deps.localHeartbeats, deps.localLbNodes(), deps.clock.now(), deps.windows),
  });
  const registry = (): ServerRegistry => ({
    heartbeats: new MergedHeartbeats(deps.localHeartbeats, others, deps.clock),
    servers: () => [current(), ...live()],
    peers: () => live().map((r) => ({ id: r.id, apiUrl: r.apiUrl })),
    lbNodes: () => [...mergeLbNodes(deps.localLbNodes(), others(), deps.clock.now()).values()],
    freshRemoteLbNodes: (freshMs) => {
      const now = deps.clock.now();
      const ids = new Set<string>();
      for (const r of others()) for (const [id, n] of Object.entries(r.lbNodes)) if (now - seenAt(n.sighting, now) <= freshMs) ids.add(id);
      return ids;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      watch?.close();
      await slot?.close().catch(() => undefined);
    },
  });
  // What the record in the store says (undefined: nothing there we know of, so write).
  let published: string | undefined;
  const slot = deps.slot?.(() => (published = undefined));
  let timer: NodeJS.Timeout | undefined;
  if (!slot) return registry();

  const follow = async (): Promise<void> => {
    const listed = await deps.store.list<ServerRecord>(keys.servers());
    const listedKeys = new Set(listed.records.map((r) => r.key));
    for (const k of [...records.keys()]) if (!listedKeys.has(k)) depart(k);
    for (const r of listed.records) records.set(r.key, r.value);
    if (stopped) return;
    watch = deps.store.watch(keys.servers(), {
      fromRevision: listed.revision,
      onEvents: (events) => {
        for (const e of events) {
          if (e.type === 'delete') depart(e.key);
          else records.set(e.key, e.value as ServerRecord);
        }
      },
      // Compacted past us or the store went away for long: list again, then watch from there.
      onError: () => void retry(),
    });
  };
  const retry = async (): Promise<void> => {
    while (!stopped) {
      try {
        await follow();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };

  let publishing = false;
  const publish = async (): Promise<void> => {
    if (publishing || stopped) return;
    const { writtenAt: _w, ...content } = current();
    const json = JSON.stringify(content);
    if (json === published) return;
    publishing = true;
    try {
      writtenAt = deps.clock.now();
      await slot.put(current());
      published = json;
    } finally {
      publishing = false;
    }
  };
  await publish();
  await retry();
  timer = setInterval(() => void publish().catch((err) => deps.logger?.debug({ err }, 'server record not written')), deps.checkMs ?? 1_000);
  timer.unref();
  return registry();
}
