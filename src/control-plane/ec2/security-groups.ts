/** Create/Delete/DescribeSecurityGroups, Authorize/RevokeSecurityGroupIngress. */
import { isIPv4 } from 'node:net';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { DEFAULT_GROUP_NAME, normalizeProtocol, samePermissionKey, type IpPermission, type SecurityGroupRecord } from '../../domain/ec2/security-group.js';
import { defaultVpcRecord, type Ec2Scope } from '../../domain/ec2/vpc.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from '../elbv2/deps.js';
import { listAll, transact, type Tx } from '../elbv2/transact.js';
import { applyFilters } from './filters.js';
import { derivedDefaultGroup, findSecurityGroup, findVpc, groupNameKey, groupsInScope, guardVpc, storeGroup } from './network-repository.js';
import { checkDryRun, ec2Page, tagsFor } from './request.js';
import { vpcNotFound } from './vpcs.js';

const groupNotFound = (what: string) => new AwsError('InvalidGroup.NotFound', `The security group '${what}' does not exist`);

interface GroupRef {
  GroupId?: string;
  GroupName?: string;
}

/** By id anywhere in the region, or by name in the default VPC (AWS's rule for GroupName). */
async function resolveGroup(tx: Tx, input: GroupRef, scope: Ec2Scope): Promise<SecurityGroupRecord> {
  if (input.GroupId) {
    const found = await findSecurityGroup(tx, scope, input.GroupId);
    if (!found) throw groupNotFound(input.GroupId);
    return found.group;
  }
  if (input.GroupName) {
    const claim = await tx.get<{ GroupId: string }>(groupNameKey(defaultVpcRecord(scope).VpcId, input.GroupName));
    const sg = claim && (await tx.get<SecurityGroupRecord>(keys.securityGroup(claim.GroupId)));
    if (sg) return sg;
    if (input.GroupName === DEFAULT_GROUP_NAME) return derivedDefaultGroup(scope);
    throw groupNotFound(input.GroupName);
  }
  throw new AwsError('MissingParameter', 'The request must contain the parameter GroupId or GroupName');
}

interface PermissionInput {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: Array<{ CidrIp?: string }>;
  Ipv6Ranges?: unknown[];
  UserIdGroupPairs?: unknown[];
  PrefixListIds?: unknown[];
}

interface IngressInput extends GroupRef {
  IpPermissions?: PermissionInput[];
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  SourceSecurityGroupName?: string;
  SourceSecurityGroupOwnerId?: string;
  TagSpecifications?: unknown[];
}

/** The permissions of an Authorize/Revoke request, one CIDR per entry, validated. */
function requestedPermissions(input: IngressInput): Array<{ key: IpPermission; cidr: string }> {
  // Sources other than IPv4 ranges, and tags on rules, are refused (UnsupportedOperation) by the field-support table.
  const perms: PermissionInput[] = input.IpPermissions?.length
    ? input.IpPermissions
    : input.IpProtocol !== undefined
      ? [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: input.CidrIp ? [{ CidrIp: input.CidrIp }] : [] }]
      : [];
  if (perms.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter IpPermissions');
  const out: Array<{ key: IpPermission; cidr: string }> = [];
  for (const p of perms) {
    const proto = normalizeProtocol(p.IpProtocol ?? '');
    if (!['tcp', 'udp', 'icmp', '-1'].includes(proto)) {
      throw new AwsError('InvalidParameterValue', `Invalid value '${p.IpProtocol}' for IP protocol`);
    }
    let FromPort: number | undefined;
    let ToPort: number | undefined;
    if (proto === 'tcp' || proto === 'udp') {
      FromPort = p.FromPort;
      ToPort = p.ToPort;
      if (!Number.isInteger(FromPort) || !Number.isInteger(ToPort)) throw new AwsError('MissingParameter', 'FromPort and ToPort are required for tcp and udp');
      if (FromPort! < 0 || ToPort! > 65535 || FromPort! > ToPort!) throw new AwsError('InvalidParameterValue', `Invalid port range ${FromPort}-${ToPort}`);
    } else if (proto === 'icmp') {
      FromPort = p.FromPort ?? -1;
      ToPort = p.ToPort ?? -1;
    }
    const ranges = p.IpRanges ?? [];
    if (ranges.length === 0) throw new AwsError('MissingParameter', 'At least one IPv4 range (CidrIp) must be specified');
    for (const r of ranges) {
      const [ip, bits] = String(r.CidrIp ?? '').split('/');
      if (!isIPv4(ip ?? '') || !/^\d+$/.test(bits ?? '') || Number(bits) > 32) {
        throw new AwsError('InvalidParameterValue', `CIDR block '${r.CidrIp}' is malformed`);
      }
      const key: IpPermission = { IpProtocol: proto, IpRanges: [] };
      if (FromPort !== undefined) key.FromPort = FromPort;
      if (ToPort !== undefined) key.ToPort = ToPort;
      out.push({ key, cidr: r.CidrIp! });
    }
  }
  return out;
}

/** The `default` group lets in its own members: AWS shows that as a rule naming the group itself. */
function groupView(sg: SecurityGroupRecord) {
  const perm = (p: IpPermission) => ({ ...p, UserIdGroupPairs: [], Ipv6Ranges: [], PrefixListIds: [] });
  const self = { IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: sg.GroupId, UserId: sg.OwnerId }] };
  return {
    GroupId: sg.GroupId,
    GroupName: sg.GroupName,
    Description: sg.Description,
    VpcId: sg.VpcId,
    OwnerId: sg.OwnerId,
    IpPermissions: [...(sg.isDefault ? [self] : []), ...sg.IpPermissions.map(perm)],
    IpPermissionsEgress: [perm({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
    Tags: sg.Tags ?? [],
  };
}

export function securityGroupHandlers(deps: Elbv2Deps): Handlers<'ec2'> {
  const { store, clock, random } = deps;
  return {
    async CreateSecurityGroup(input, ctx): Reply<'ec2', 'CreateSecurityGroup'> {
      if (!input.GroupName) throw new AwsError('MissingParameter', 'The request must contain the parameter GroupName');
      if (!input.Description) throw new AwsError('MissingParameter', 'The request must contain the parameter GroupDescription');
      if (input.GroupName.length > 255 || input.GroupName.startsWith('sg-')) {
        throw new AwsError('InvalidParameterValue', `Invalid security group name '${input.GroupName}'`);
      }
      if (input.GroupName === DEFAULT_GROUP_NAME) throw new AwsError('InvalidGroup.Reserved', "The security group 'default' is reserved");
      const tags = tagsFor('security-group', input.TagSpecifications);
      const sg = await transact(store, async (tx) => {
        const vpcId = input.VpcId ?? defaultVpcRecord(ctx).VpcId;
        const vpc = await findVpc(tx, ctx, vpcId);
        if (!vpc) throw vpcNotFound(vpcId);
        if (await tx.get(groupNameKey(vpc.VpcId, input.GroupName))) {
          throw new AwsError('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpc.VpcId}'`);
        }
        checkDryRun(input);
        const sg: SecurityGroupRecord = {
          GroupId: `sg-${random.hex(9).slice(0, 17)}`,
          GroupName: input.GroupName,
          Description: input.Description,
          VpcId: vpc.VpcId,
          OwnerId: ctx.accountId,
          IpPermissions: [],
          createdAt: clock.now(),
          ...(tags.length > 0 ? { Tags: tags } : {}),
        };
        guardVpc(tx, vpc);
        storeGroup(tx, sg);
        return sg;
      });
      return { GroupId: sg.GroupId };
    },
    async AuthorizeSecurityGroupIngress(input, ctx): Reply<'ec2', 'AuthorizeSecurityGroupIngress'> {
      const wanted = requestedPermissions(input);
      await transact(store, async (tx) => {
        const sg = await resolveGroup(tx, input, ctx);
        const perms = sg.IpPermissions.map((p) => ({ ...p, IpRanges: [...p.IpRanges] }));
        for (const w of wanted) {
          let p = perms.find((x) => samePermissionKey(x, w.key));
          if (p?.IpRanges.some((r) => r.CidrIp === w.cidr)) {
            throw new AwsError(
              'InvalidPermission.Duplicate',
              `the specified rule "peer: ${w.cidr}, ${w.key.IpProtocol === '-1' ? 'ALL' : w.key.IpProtocol.toUpperCase()}, from port: ${w.key.FromPort}, to port: ${w.key.ToPort}, ALLOW" already exists`,
            );
          }
          if (!p) perms.push((p = { ...w.key, IpRanges: [] }));
          p.IpRanges.push({ CidrIp: w.cidr });
        }
        checkDryRun(input);
        storeGroup(tx, { ...sg, IpPermissions: perms });
      });
      return { Return: true };
    },

    async RevokeSecurityGroupIngress(input, ctx): Reply<'ec2', 'RevokeSecurityGroupIngress'> {
      const wanted = requestedPermissions(input);
      await transact(store, async (tx) => {
        const sg = await resolveGroup(tx, input, ctx);
        let perms = sg.IpPermissions.map((p) => ({ ...p, IpRanges: [...p.IpRanges] }));
        for (const w of wanted) {
          const p = perms.find((x) => samePermissionKey(x, w.key));
          if (!p || !p.IpRanges.some((r) => r.CidrIp === w.cidr)) {
            throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
          }
          p.IpRanges = p.IpRanges.filter((r) => r.CidrIp !== w.cidr);
        }
        perms = perms.filter((p) => p.IpRanges.length > 0);
        checkDryRun(input);
        storeGroup(tx, { ...sg, IpPermissions: perms });
      });
      return { Return: true };
    },

    async DescribeSecurityGroups(input, ctx): Reply<'ec2', 'DescribeSecurityGroups'> {
      checkDryRun(input);
      const all = await groupsInScope(store, ctx);
      for (const id of input.GroupIds ?? []) if (!all.some((g) => g.GroupId === id)) throw groupNotFound(id);
      for (const name of input.GroupNames ?? []) if (!all.some((g) => g.GroupName === name)) throw groupNotFound(name);
      const asked = all.filter(
        (g) => (!input.GroupIds?.length || input.GroupIds.includes(g.GroupId)) && (!input.GroupNames?.length || input.GroupNames.includes(g.GroupName)),
      );
      const groups = applyFilters(asked.map(groupView), input.Filters, {
        'group-id': (g) => [g.GroupId],
        'group-name': (g) => [g.GroupName],
        'vpc-id': (g) => [g.VpcId],
        'owner-id': (g) => [g.OwnerId],
        description: (g) => [g.Description],
      });
      const p = ec2Page(groups, input);
      return { SecurityGroups: p.items, NextToken: p.NextToken };
    },

    async DeleteSecurityGroup(input, ctx): Reply<'ec2', 'DeleteSecurityGroup'> {
      const groupId = await transact(store, async (tx) => {
        const sg = await resolveGroup(tx, input, ctx);
        if (sg.isDefault) {
          throw new AwsError('CannotDelete', `the specified group: "${sg.GroupId}" name: "default" cannot be deleted by a user`);
        }
        const users = (await listAll<LoadBalancerRecord>(store, keys.loadBalancers())).filter((lb) => lb.value.SecurityGroups.includes(sg.GroupId));
        if (users.length > 0) {
          throw new AwsError('DependencyViolation', `resource ${sg.GroupId} has a dependent object`);
        }
        checkDryRun(input);
        tx.delete(keys.securityGroup(sg.GroupId));
        tx.delete(groupNameKey(sg.VpcId, sg.GroupName));
        return sg.GroupId;
      });
      return { Return: true, GroupId: groupId };
    },
  };
}
