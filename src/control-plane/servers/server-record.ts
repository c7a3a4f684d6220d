/**
 * What each `berth server` replica says about itself in the store: where it serves, since when, and
 * which agents and load-balancer nodes it hears from. Heartbeats land in memory on the server that
 * receives them; the record carries only whether each sender is fresh, so it is rewritten when that
 * changes (first seen, address change, going stale), not on every heartbeat. On etcd the record sits
 * on the server's lease, so a killed server's record goes away within the TTL without any rewrite:
 * a quiet cluster writes nothing.
 */

/** Fresh: heard within the freshness window (its time is "now" to a reader). Stale: last heard at `lastSeenAt`. */
export type Sighting = { readonly fresh: true } | { readonly fresh: false; readonly lastSeenAt: number };

export interface LbNodeSighting {
  readonly advertiseAddress: string;
  readonly startedAt: number;
  readonly protocolVersion: number;
  readonly sighting: Sighting;
}

export interface ServerRecord {
  readonly id: string;
  readonly apiUrl: string;
  readonly store: 'sqlite' | 'etcd';
  readonly startedAt: number;
  /** When this record was last rewritten (it is rewritten only when a sighting changes). */
  readonly writtenAt: number;
  /** Per container-instance key, the agents heartbeating to this server. */
  readonly agents: Readonly<Record<string, Sighting>>;
  /** Per node id, the load-balancer nodes heartbeating to this server. */
  readonly lbNodes: Readonly<Record<string, LbNodeSighting>>;
}

/** One load-balancer node as the server it heartbeats to keeps it, in memory. */
export interface LbNodeSeen {
  readonly nodeId: string;
  readonly advertiseAddress: string;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  readonly protocolVersion: number;
}

export interface SightingWindows {
  readonly agentFreshMs: number;
  readonly lbNodeFreshMs: number;
  /** A stale sighting is dropped after this long (one more rewrite, once). */
  readonly forgetMs: number;
}

function sighting(lastSeenAt: number, now: number, freshMs: number): Sighting {
  return now - lastSeenAt <= freshMs ? { fresh: true } : { fresh: false, lastSeenAt };
}

/**
 * Pure: what this server's record says about its senders now. Equal output for equal freshness, so
 * the registry rewrites the record only when this changes.
 */
export function sightings(
  agents: ReadonlyMap<string, number>,
  lbNodes: Iterable<LbNodeSeen>,
  now: number,
  w: SightingWindows,
): Pick<ServerRecord, 'agents' | 'lbNodes'> {
  const outAgents: Record<string, Sighting> = {};
  for (const [key, at] of [...agents].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (now - at > w.agentFreshMs + w.forgetMs) continue;
    outAgents[key] = sighting(at, now, w.agentFreshMs);
  }
  const outNodes: Record<string, LbNodeSighting> = {};
  for (const n of [...lbNodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1))) {
    if (now - n.lastSeenAt > w.lbNodeFreshMs + w.forgetMs) continue;
    const s = sighting(n.lastSeenAt, now, w.lbNodeFreshMs);
    outNodes[n.nodeId] = { advertiseAddress: n.advertiseAddress, startedAt: n.startedAt, protocolVersion: n.protocolVersion, sighting: s };
  }
  return { agents: outAgents, lbNodes: outNodes };
}

/**
 * Pure: a server's record once it went (its lease ran out, or etcd lost it for a while): what it
 * saw fresh was last heard at `at`. Readers keep it, so an agent that server heard from is timed from
 * then, not from nothing (which would read as "never seen" and disconnect it at once).
 */
export function departedRecord(r: ServerRecord, at: number): ServerRecord {
  const stale = (s: Sighting): Sighting => (s.fresh ? { fresh: false, lastSeenAt: at } : s);
  return {
    ...r,
    agents: Object.fromEntries(Object.entries(r.agents).map(([k, s]) => [k, stale(s)])),
    lbNodes: Object.fromEntries(Object.entries(r.lbNodes).map(([k, n]) => [k, { ...n, sighting: stale(n.sighting) }])),
  };
}

/** Pure: when a sighting in another server's record says the sender was last heard. */
export function seenAt(s: Sighting, now: number): number {
  return s.fresh ? now : s.lastSeenAt;
}

/** Pure: the newest heartbeat per instance over this replica's own map and every other replica's record. */
export function mergeHeartbeats(local: ReadonlyMap<string, number>, records: Iterable<ServerRecord>, now: number): Map<string, number> {
  const merged = new Map(local);
  for (const r of records) {
    for (const [key, s] of Object.entries(r.agents)) {
      const at = seenAt(s, now);
      if (at > (merged.get(key) ?? -Infinity)) merged.set(key, at);
    }
  }
  return merged;
}

/** Pure: every load-balancer node this server or another live one hears from, each with its newest sighting. */
export function mergeLbNodes(local: Iterable<LbNodeSeen>, records: Iterable<ServerRecord>, now: number): Map<string, LbNodeSeen> {
  const merged = new Map<string, LbNodeSeen>();
  for (const n of local) merged.set(n.nodeId, n);
  for (const r of records) {
    for (const [nodeId, n] of Object.entries(r.lbNodes)) {
      const lastSeenAt = seenAt(n.sighting, now);
      const cur = merged.get(nodeId);
      if (cur && cur.lastSeenAt >= lastSeenAt) continue;
      merged.set(nodeId, { nodeId, advertiseAddress: n.advertiseAddress, startedAt: n.startedAt, protocolVersion: n.protocolVersion, lastSeenAt });
    }
  }
  return merged;
}
