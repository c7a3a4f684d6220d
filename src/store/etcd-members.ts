/**
 * The etcd cluster as `berth status` shows it: each member, whether it answers, whether it is the
 * raft leader, its database size. Each member is asked on its own (a client per client URL, a short
 * deadline), so one member down shows as down instead of being hidden by the pool's failover.
 */
import type { Etcd3 } from 'etcd3';
import { connectEtcd, type EtcdConnectionOptions } from './etcd-connection.js';

export interface EtcdMemberStatus {
  readonly name: string;
  readonly id: string;
  readonly clientUrls: readonly string[];
  readonly healthy: boolean;
  readonly leader: boolean;
  readonly dbSizeBytes?: number;
  readonly version?: string;
  readonly error?: string;
}

export async function etcdMembers(client: Etcd3, connection: Omit<EtcdConnectionOptions, 'endpoints'>, timeoutMs = 1_000): Promise<EtcdMemberStatus[]> {
  const list = await client.cluster.memberList({});
  return Promise.all(
    list.members.map(async (m): Promise<EtcdMemberStatus> => {
      const base = { name: m.name, id: m.ID, clientUrls: m.clientURLs };
      const url = m.clientURLs[0];
      if (!url) return { ...base, healthy: false, leader: false, error: 'no client URL' };
      const one = connectEtcd({ ...connection, endpoints: [url], timeoutMs });
      try {
        const s = await one.maintenance.status();
        return { ...base, healthy: (s.errors ?? []).length === 0, leader: s.leader === m.ID, dbSizeBytes: Number(s.dbSize), version: s.version };
      } catch (err) {
        return { ...base, healthy: false, leader: false, error: err instanceof Error ? err.message : String(err) };
      } finally {
        one.close();
      }
    }),
  );
}
