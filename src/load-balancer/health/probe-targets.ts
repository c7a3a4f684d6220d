/**
 * Which targets a node health-checks, from its routing table. Apart from load-balancer-node.ts so
 * that a node's primary, which checks for its workers, reads it without loading the proxy.
 */
import type { ProbeTarget } from './health-prober.js';
import type { RoutingTable } from '../routing-table.js';

/** Targets to check: registered, not draining, in a group some listener rule forwards to (else ALB reports `unused`/NotInUse). */
export function probeTargets(table: RoutingTable): ProbeTarget[] {
  const inUse = new Set<string>();
  for (const l of table.listeners.values()) {
    for (const r of l.rules) if (r.action.type === 'forward') for (const g of r.action.targetGroups) inUse.add(g.targetGroupArn);
  }
  const out: ProbeTarget[] = [];
  for (const tg of table.targetGroups.values()) {
    if (!inUse.has(tg.arn)) continue;
    // An HTTP/2 target group is checked over HTTP/2 (an h2c-only target answers nothing else), a GRPC one with a gRPC call.
    const version = tg.protocolVersion;
    const settings = version === 'HTTP2' || version === 'GRPC' ? { ...tg.healthCheck, version } : tg.healthCheck;
    for (const t of tg.targets) {
      if (t.state === 'draining' || t.state === 'unused') continue;
      out.push({ targetGroupArn: tg.arn, id: t.id, address: t.address, port: t.port, settings });
    }
  }
  return out;
}
