/**
 * Reading the EC2 network of one account and region: VPCs, subnets and security groups, stored or
 * derived (each region's default VPC, its two subnets and its `default` group just exist). A derived
 * record that is written (an attribute, an ingress rule, a load balancer using the group) is stored
 * from then on and the stored copy wins.
 */
import { keys } from '../../domain/keys.js';
import { defaultSecurityGroupRecord, type SecurityGroupRecord } from '../../domain/ec2/security-group.js';
import { defaultSubnetRecords, lookupSubnet, type SubnetRecord } from '../../domain/ec2/subnet.js';
import { defaultVpcRecord, type Ec2Scope, type VpcRecord } from '../../domain/ec2/vpc.js';
import type { Store } from '../../store/store.js';
import { listAll, type Tx } from '../elbv2/transact.js';

/** Security group names are unique per VPC through these claims (created with "must not exist"). */
export const groupNameKey = (vpcId: string, name: string) => `/berth/ec2/names/security-groups/${vpcId}/${name}`;

const mine = (r: { region: string; OwnerId: string }, s: Ec2Scope) => r.region === s.region && r.OwnerId === s.accountId;

export async function vpcsInScope(store: Store, scope: Ec2Scope): Promise<VpcRecord[]> {
  const stored = (await listAll<VpcRecord>(store, keys.vpcs())).map((r) => r.value).filter((v) => mine(v, scope));
  const def = defaultVpcRecord(scope);
  const all = stored.some((v) => v.VpcId === def.VpcId) ? stored : [def, ...stored];
  return all.sort((a, b) => a.createdAt - b.createdAt || a.VpcId.localeCompare(b.VpcId));
}

export async function findVpc(tx: Tx, scope: Ec2Scope, vpcId: string): Promise<VpcRecord | undefined> {
  const stored = await tx.get<VpcRecord>(keys.vpc(vpcId));
  if (stored) return mine(stored, scope) ? stored : undefined;
  const def = defaultVpcRecord(scope);
  return def.VpcId === vpcId ? def : undefined;
}

/**
 * Rewrites the VPC record unchanged (storing a derived default VPC): writers of a VPC's subnets and
 * groups go through it, so DeleteVpc and CreateSubnet's overlap check see a set nobody is changing.
 */
export function guardVpc(tx: Tx, vpc: VpcRecord): void {
  tx.put(keys.vpc(vpc.VpcId), vpc);
}

export async function subnetsInScope(store: Store, scope: Ec2Scope): Promise<SubnetRecord[]> {
  const stored = (await listAll<SubnetRecord>(store, keys.subnets())).map((r) => r.value).filter((s) => mine(s, scope));
  return [...defaultSubnetRecords(scope), ...stored.sort((a, b) => a.createdAt - b.createdAt || a.SubnetId.localeCompare(b.SubnetId))];
}

export function findSubnet(tx: Tx, scope: Ec2Scope, subnetId: string): Promise<SubnetRecord | undefined> {
  return lookupSubnet((key) => tx.get<SubnetRecord>(key), scope, subnetId);
}

/** The default VPC's `default` group as it is before anything wrote it. */
export function derivedDefaultGroup(scope: Ec2Scope): SecurityGroupRecord {
  return defaultSecurityGroupRecord(defaultVpcRecord(scope).VpcId, scope.accountId, 0);
}

/** A group by id: stored, or the default VPC's derived `default` group. `stored` says which. */
export async function findSecurityGroup(tx: Tx, scope: Ec2Scope, groupId: string): Promise<{ group: SecurityGroupRecord; stored: boolean } | undefined> {
  const stored = await tx.get<SecurityGroupRecord>(keys.securityGroup(groupId));
  if (stored) return { group: stored, stored: true };
  const def = derivedDefaultGroup(scope);
  return def.GroupId === groupId ? { group: def, stored: false } : undefined;
}

/** Queues the writes that store a derived default group, so the data plane and later reads see it. */
export function storeGroup(tx: Tx, group: SecurityGroupRecord): void {
  tx.put(keys.securityGroup(group.GroupId), group);
  tx.put(groupNameKey(group.VpcId, group.GroupName), { GroupId: group.GroupId });
}

/** The groups of this account and region: those in its VPCs, with the default VPC's `default` group. */
export async function groupsInScope(store: Store, scope: Ec2Scope): Promise<SecurityGroupRecord[]> {
  const vpcIds = new Set((await vpcsInScope(store, scope)).map((v) => v.VpcId));
  const stored = (await listAll<SecurityGroupRecord>(store, keys.securityGroups())).map((r) => r.value).filter((g) => vpcIds.has(g.VpcId));
  const def = derivedDefaultGroup(scope);
  const all = stored.some((g) => g.GroupId === def.GroupId) ? stored : [def, ...stored];
  return all.sort((a, b) => a.createdAt - b.createdAt || a.GroupId.localeCompare(b.GroupId));
}
