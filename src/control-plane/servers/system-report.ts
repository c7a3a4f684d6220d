/**
 * What `berth status` and the console's System page show about the control plane: this server, the
 * leader, every replica with when it was last seen, the store (etcd members and their health), and
 * the agents with their last heartbeat, and the load-balancer nodes with theirs. Pure: the sources'
 * answers in, the report out.
 *
 * "Last seen" is exact on the server a sender heartbeats to; another server's record says only
 * whether it is fresh, which reads as "now" (see server-record.ts). A server listed is alive: its
 * record lives on its lease.
 */
import type { LbNodeSeen, ServerRecord } from './server-record.js';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';

export interface SystemStoreMember {
  readonly name: string;
  readonly clientUrls: readonly string[];
  readonly healthy: boolean;
  readonly leader: boolean;
  readonly dbSizeBytes?: number;
  readonly error?: string;
}

export interface SystemReport {
  readonly server: string;
  readonly leader?: { readonly holder: string; readonly apiUrl?: string; readonly since: number };
  readonly servers: readonly (Pick<ServerRecord, 'id' | 'apiUrl' | 'store' | 'startedAt'> & { readonly lastSeenAt: number; readonly leader: boolean })[];
  readonly store: { readonly kind: 'sqlite' | 'etcd'; readonly members?: readonly SystemStoreMember[]; readonly error?: string };
  readonly agents: readonly {
    readonly cluster: string;
    readonly containerInstanceArn: string;
    readonly ec2InstanceId: string;
    readonly agentConnected: boolean;
    readonly lastSeenAt?: number;
  }[];
  readonly lbNodes: readonly {
    readonly nodeId: string;
    readonly advertiseAddress: string;
    readonly startedAt: number;
    readonly lastSeenAt: number;
    /** Heard from within the freshness window: its health verdicts count. */
    readonly fresh: boolean;
  }[];
}

export interface SystemSources {
  readonly server: string;
  readonly kind: 'sqlite' | 'etcd';
  readonly leader: SystemReport['leader'];
  readonly servers: readonly ServerRecord[];
  readonly members?: readonly SystemStoreMember[];
  readonly membersError?: string;
  readonly instances: readonly ContainerInstanceRecord[];
  readonly heartbeats: ReadonlyMap<string, number>;
  readonly now: number;
  /** Nodes this and the other live servers hear from (exact or fresh-as-now). */
  readonly lbNodes: readonly LbNodeSeen[];
  /** Nodes the store has heard of (/berth/lb-nodes): those no live server hears from any more. */
  readonly storedLbNodes: readonly LbNodeSeen[];
  readonly lbNodeFreshMs: number;
}

export function systemReport(s: SystemSources): SystemReport {
  return {
    server: s.server,
    ...(s.leader ? { leader: s.leader } : {}),
    servers: [...s.servers]
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((r) => ({ id: r.id, apiUrl: r.apiUrl, store: r.store, startedAt: r.startedAt, lastSeenAt: s.now, leader: r.id === s.leader?.holder })),
    store: { kind: s.kind, ...(s.members ? { members: s.members } : {}), ...(s.membersError ? { error: s.membersError } : {}) },
    agents: s.instances
      .filter((i) => i.status !== 'INACTIVE')
      .map((i) => {
        const lastSeenAt = i.lastSeenAt ?? s.heartbeats.get(keys.containerInstance(i.clusterName, i.id));
        return {
          cluster: i.clusterName,
          containerInstanceArn: i.containerInstanceArn,
          ec2InstanceId: i.ec2InstanceId,
          agentConnected: i.agentConnected,
          ...(lastSeenAt !== undefined ? { lastSeenAt } : {}),
        };
      }),
    lbNodes: lbNodesOf(s),
  };
}

function lbNodesOf(s: SystemSources): SystemReport['lbNodes'] {
  const newest = new Map<string, LbNodeSeen>();
  for (const n of [...s.storedLbNodes, ...s.lbNodes]) {
    const cur = newest.get(n.nodeId);
    if (!cur || n.lastSeenAt > cur.lastSeenAt) newest.set(n.nodeId, n);
  }
  return [...newest.values()]
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1))
    .map((n) => ({
      nodeId: n.nodeId,
      advertiseAddress: n.advertiseAddress,
      startedAt: n.startedAt,
      lastSeenAt: n.lastSeenAt,
      fresh: s.now - n.lastSeenAt <= s.lbNodeFreshMs,
    }));
}
