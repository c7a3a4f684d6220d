/**
 * Security group records: only ingress rules with IPv4 CIDR ranges are modelled (the API refuses the
 * others by name). The data plane's question, may this source reach this port, is answered by the
 * load balancer: `src/load-balancer/node/routing-source.ts` (ingressOf) reduces the groups to blocks
 * per port, and `src/load-balancer/routing/cidr.ts` (IPv4 and IPv6) checks each connection.
 */
import { createHash } from 'node:crypto';

export interface IpRange {
  CidrIp: string;
  Description?: string;
}

export interface IpPermission {
  /** `tcp`, `udp`, `icmp` or `-1` (all); numbers 6/17/1 are stored by name. */
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: IpRange[];
}

export interface SecurityGroupRecord {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  IpPermissions: IpPermission[];
  createdAt: number;
  /**
   * The VPC's `default` group. As on AWS it lets in traffic from its own members only (shown as a
   * rule naming itself); no Berth client is a member, so for the data plane it has no ingress.
   */
  isDefault?: boolean;
  /** From CreateSecurityGroup's TagSpecifications. */
  Tags?: Array<{ Key: string; Value: string }>;
}

export const DEFAULT_GROUP_NAME = 'default';

/** Every VPC's `default` group, with an id derived from the VPC's so each process names the same group. */
export function defaultSecurityGroupRecord(vpcId: string, ownerId: string, now: number): SecurityGroupRecord {
  return {
    GroupId: `sg-${createHash('sha256').update(`sg/default/${vpcId}`).digest('hex').slice(0, 17)}`,
    GroupName: DEFAULT_GROUP_NAME,
    Description: 'default VPC security group',
    VpcId: vpcId,
    OwnerId: ownerId,
    IpPermissions: [],
    createdAt: now,
    isDefault: true,
  };
}

/** `tcp`, `udp`, `icmp` or `-1`: EC2 takes protocol numbers and `all` too. */
export function normalizeProtocol(p: string): string {
  const lower = String(p).toLowerCase();
  return { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' }[lower] ?? lower;
}

/** Two permissions are the same rule when protocol and ports match; ranges are compared one by one. */
export function samePermissionKey(a: IpPermission, b: IpPermission): boolean {
  return normalizeProtocol(a.IpProtocol) === normalizeProtocol(b.IpProtocol) && a.FromPort === b.FromPort && a.ToPort === b.ToPort;
}
