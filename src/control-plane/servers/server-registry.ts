/**
 * Keeps this replica's ServerRecord fresh in the store and a watch-fed view of every replica's,
 * and serves the merged heartbeats as a ReadonlyMap to the controllers (which only call `get`,
 * so `get` reads the sources directly and the rest goes through a merged copy).
 */
import type { Store, Watch } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import { mergeHeartbeats, type ServerRecord } from './server-record.js';

export interface ServerRegistryDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly self: Pick<ServerRecord, 'id' | 'apiUrl' | 'store'>;
  /** This replica's own heartbeats (AgentService.heartbeats). */
  readonly localHeartbeats: ReadonlyMap<string, number>;
  /** How often the record is rewritten. Default 2,000 ms. */
  readonly intervalMs?: number;
  /**
   * false for a single process (SQLite): nothing is written (no revision every 2 s for nobody to
   * read); the registry then knows only this server. Default true.
   */
  readonly shared?: boolean;
}

export interface ServerRegistry {
  /** Every replica's heartbeats merged with this one's, live. */
  readonly heartbeats: ReadonlyMap<string, number>;
  /** The replicas' records as last seen (this one's included). */
  servers(): ServerRecord[];
  stop(): Promise<void>;
}

class MergedHeartbeats implements ReadonlyMap<string, number> {
  constructor(
    private readonly local: ReadonlyMap<string, number>,
    private readonly remote: () => Iterable<ServerRecord>,
  ) {}

  get(key: string): number | undefined {
    let best = this.local.get(key);
    for (const r of this.remote()) {
      const at = r.heartbeats[key];
      if (at !== undefined && (best === undefined || at > best)) best = at;
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
    return mergeHeartbeats(this.local, this.remote());
  }
}

export async function startServerRegistry(deps: ServerRegistryDeps): Promise<ServerRegistry> {
  const startedAt = deps.clock.now();
  const records = new Map<string, ServerRecord>();
  const key = keys.server(deps.self.id);
  let watch: Watch | undefined;
  let stopped = false;
  const others = () => [...records.values()].filter((r) => r.id !== deps.self.id);

  const follow = async (): Promise<void> => {
    const listed = await deps.store.list<ServerRecord>(keys.servers());
    records.clear();
    for (const r of listed.records) records.set(r.key, r.value);
    if (stopped) return;
    watch = deps.store.watch(keys.servers(), {
      fromRevision: listed.revision,
      onEvents: (events) => {
        for (const e of events) {
          if (e.type === 'delete') records.delete(e.key);
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

  const selfRecord = (): ServerRecord => ({ ...deps.self, startedAt, lastSeenAt: deps.clock.now(), heartbeats: Object.fromEntries(deps.localHeartbeats) });
  if (deps.shared === false) {
    return { heartbeats: deps.localHeartbeats, servers: () => [selfRecord()], stop: async () => {} };
  }
  const publish = async (): Promise<void> => {
    await deps.store.put(key, selfRecord());
  };
  await publish();
  await retry();
  const timer = setInterval(() => void publish().catch((err) => deps.logger?.debug({ err }, 'server record not refreshed')), deps.intervalMs ?? 2_000);
  timer.unref();

  return {
    heartbeats: new MergedHeartbeats(deps.localHeartbeats, others),
    servers: () => [...records.values()],
    async stop() {
      stopped = true;
      clearInterval(timer);
      watch?.close();
      // A clean stop leaves no record behind; a killed server's record just ages (lastSeenAt).
      await deps.store.delete(key).catch(() => undefined);
    },
  };
}
