/**
 * A load-balancer node the control plane has heard from: `berth lb` on its own host, or the node
 * inside `berth up` / `berth server`. Written on each heartbeat; a node's health reports count only
 * while it is fresh (seen within FRESH_NODE_MS), so a node that died has no say.
 */
export interface LoadBalancerNodeRecord {
  nodeId: string;
  advertiseAddress: string;
  /** Epoch ms of the first heartbeat of this run, and of the latest. */
  startedAt: number;
  lastSeenAt: number;
  protocolVersion: number;
}

export function nodeIsFresh(node: Pick<LoadBalancerNodeRecord, 'lastSeenAt'> | undefined, now: number, freshMs: number): boolean {
  return node !== undefined && now - node.lastSeenAt <= freshMs;
}
