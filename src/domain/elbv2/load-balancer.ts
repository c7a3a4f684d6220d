/** The load balancer record, and what Describe derives from it. */
export interface LoadBalancerRecord {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  DNSName: string;
  CanonicalHostedZoneId: string;
  /** Epoch ms. */
  CreatedTime: number;
  Scheme: 'internet-facing' | 'internal';
  VpcId: string;
  Type: 'application';
  AvailabilityZones: Array<{ ZoneName: string; SubnetId: string }>;
  SecurityGroups: string[];
  IpAddressType: string;
  attributes: Record<string, string>;
  /**
   * Bumped by every listener or rule change on this LB. Those writes compare this record's revision,
   * so all routing changes of one LB are serialized through it (priorities, ports, TG attachment).
   */
  routingRevision: number;
}

/** A new ALB reports `provisioning` for this long, long enough for a waiter to see it once. */
export const PROVISIONING_MS = 1000;

/** One fixed hosted zone id, in the style of AWS's per-region ALB zones. */
export const CANONICAL_HOSTED_ZONE_ID = 'Z35SXDOTRQ7X7K';

export function loadBalancerDnsName(name: string, lbId: string, scheme: 'internet-facing' | 'internal'): string {
  // AWS uses a shorter numeric id; a slice of ours keeps names unique and short.
  const host = `${name}-${lbId.slice(0, 10)}`.toLowerCase();
  return `${scheme === 'internal' ? 'internal-' : ''}${host}.elb.localhost`;
}

export function loadBalancerState(lb: Pick<LoadBalancerRecord, 'CreatedTime'>, now: number): 'provisioning' | 'active' {
  return now - lb.CreatedTime >= PROVISIONING_MS ? 'active' : 'provisioning';
}

export function loadBalancerView(lb: LoadBalancerRecord, now: number): Record<string, unknown> {
  const { attributes: _a, routingRevision: _r, ...view } = lb;
  return { ...view, State: { Code: loadBalancerState(lb, now) } };
}
