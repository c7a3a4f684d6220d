/**
 * What each `berth server` replica says about itself in the store, every few seconds: where it
 * serves, since when, and the agents that heartbeat to it. The leader's controllers read the
 * heartbeats of every replica (mergeHeartbeats), so an agent attached to any server counts as alive.
 */
export interface ServerRecord {
  readonly id: string;
  readonly apiUrl: string;
  readonly store: 'sqlite' | 'etcd';
  readonly startedAt: number;
  readonly lastSeenAt: number;
  /** Last heartbeat (epoch ms) per container-instance key, of the agents talking to this server. */
  readonly heartbeats: Readonly<Record<string, number>>;
}

/** Pure: the newest heartbeat per instance over this replica's own map and every replica's record. */
export function mergeHeartbeats(local: ReadonlyMap<string, number>, records: Iterable<ServerRecord>): Map<string, number> {
  const merged = new Map(local);
  for (const r of records) {
    for (const [key, at] of Object.entries(r.heartbeats)) if (at > (merged.get(key) ?? -Infinity)) merged.set(key, at);
  }
  return merged;
}
