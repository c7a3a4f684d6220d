/**
 * Security group records and the one question the load balancer data plane asks of them: may this
 * source reach this port? Only ingress rules with IPv4 CIDR ranges are modelled.
 */
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';

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

export function normalizeProtocol(p: string): string {
  const lower = String(p).toLowerCase();
  return { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' }[lower] ?? lower;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is what Node reports for IPv4 clients on dual-stack sockets. */
function toIpv4(ip: string): string | undefined {
  const v = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIPv4(v) ? v : undefined;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const addr = toIpv4(ip);
  if (!base || !isIPv4(base) || !addr) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((ipv4ToInt(base) & mask) >>> 0) === ((ipv4ToInt(addr) & mask) >>> 0);
}

export function permissionAllows(p: IpPermission, port: number, sourceIp: string): boolean {
  const proto = normalizeProtocol(p.IpProtocol);
  if (proto !== '-1' && proto !== 'tcp') return false;
  if (proto === 'tcp' && (port < (p.FromPort ?? 0) || port > (p.ToPort ?? 65535))) return false;
  return p.IpRanges.some((r) => cidrContains(r.CidrIp, sourceIp));
}

/** True when any group lets TCP `port` in from `sourceIp`. An LB with no groups lets everything in. */
export function securityGroupsAllow(
  groups: ReadonlyArray<Pick<SecurityGroupRecord, 'IpPermissions'>>,
  port: number,
  sourceIp: string,
): boolean {
  if (groups.length === 0) return true;
  return groups.some((g) => g.IpPermissions.some((p) => permissionAllows(p, port, sourceIp)));
}

/** Two permissions are the same rule when protocol and ports match; ranges are compared one by one. */
export function samePermissionKey(a: IpPermission, b: IpPermission): boolean {
  return normalizeProtocol(a.IpProtocol) === normalizeProtocol(b.IpProtocol) && a.FromPort === b.FromPort && a.ToPort === b.ToPort;
}
