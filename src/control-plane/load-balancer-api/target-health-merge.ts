/**
 * Several load-balancer nodes health-check the same target, each on its own (as each ALB node
 * does), and each routes by its own verdict. The control plane keeps every node's last verdict on
 * the target record and shows one merged state (DescribeTargetHealth, and the scheduler's "healthy"),
 * decided here, purely:
 *
 *   - only fresh nodes count: the reporting node, and nodes seen within FRESH_NODE_MS;
 *   - healthy when ANY fresh node says healthy: a target is unhealthy only when every fresh node
 *     with a verdict says unhealthy, so one partitioned or broken node can never get healthy tasks
 *     replaced;
 *   - else unhealthy when any says unhealthy (the latest such report's reason), else unavailable;
 *   - no fresh verdict at all (every node restarted, or gone): nothing is decided, the record keeps
 *     what it said (static stability: silence is not a failure).
 */
import type { NodeTargetHealth } from '../../domain/elbv2/target.js';

export function mergeTargetHealth(verdicts: Readonly<Record<string, NodeTargetHealth>>, isFresh: (nodeId: string) => boolean): NodeTargetHealth | undefined {
  const fresh = Object.entries(verdicts)
    .filter(([id]) => isFresh(id))
    .map(([, v]) => v);
  if (fresh.length === 0) return undefined;
  const latest = (state: NodeTargetHealth['state']): NodeTargetHealth | undefined =>
    fresh.filter((v) => v.state === state).reduce<NodeTargetHealth | undefined>((a, v) => (a === undefined || v.at > a.at ? v : a), undefined);
  return latest('healthy') ?? latest('unhealthy') ?? latest('unavailable');
}
