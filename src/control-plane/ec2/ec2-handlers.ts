/**
 * The EC2 operations Berth serves: security groups (stored) and the default VPC and subnets
 * (derived, see src/domain/ec2/default-network.ts). DescribeInstances is empty for now.
 */
import { guardFieldSupport } from '../api/field-support-guard.js';
import { isIPv4 } from 'node:net';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { defaultNetwork } from '../../domain/ec2/default-network.js';
import {
  normalizeProtocol,
  samePermissionKey,
  type IpPermission,
  type SecurityGroupRecord,
} from '../../domain/ec2/security-group.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { RequestContext, ServiceHandlers } from '../api/operation.js';
import type { Elbv2Deps } from '../elbv2/deps.js';
import { listAll, transact, type Tx } from '../elbv2/transact.js';

export type Ec2Deps = Elbv2Deps;

const nameKey = (vpcId: string, name: string) => `/berth/ec2/names/security-groups/${vpcId}/${name}`;

const groupNotFound = (what: string) => new AwsError('InvalidGroup.NotFound', `The security group '${what}' does not exist`);

function filterValues(filters: any[] | undefined, name: string): string[] | undefined {
  const f = (filters ?? []).find((x) => x.Name === name);
  return f ? (f.Values ?? []) : undefined;
}

async function resolveGroup(tx: Tx, input: any, ctx: RequestContext): Promise<SecurityGroupRecord> {
  if (input.GroupId) {
    const sg = await tx.get<SecurityGroupRecord>(keys.securityGroup(input.GroupId));
    if (!sg) throw groupNotFound(input.GroupId);
    return sg;
  }
  if (input.GroupName) {
    const claim = await tx.get<{ GroupId: string }>(nameKey(defaultNetwork(ctx.accountId, ctx.region).VpcId, input.GroupName));
    const sg = claim && (await tx.get<SecurityGroupRecord>(keys.securityGroup(claim.GroupId)));
    if (!sg) throw groupNotFound(input.GroupName);
    return sg;
  }
  throw new AwsError('MissingParameter', 'The request must contain the parameter GroupId or GroupName');
}

/** The permissions of an Authorize/Revoke request, one CIDR per entry, validated. */
function requestedPermissions(input: any): Array<{ key: IpPermission; cidr: string }> {
  const perms: any[] = input.IpPermissions?.length
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
    const ranges: any[] = p.IpRanges ?? [];
    if (ranges.length === 0) throw new AwsError('MissingParameter', 'At least one IPv4 range (CidrIp) must be specified');
    for (const r of ranges) {
      const [ip, bits] = String(r.CidrIp ?? '').split('/');
      if (!isIPv4(ip ?? '') || !/^\d+$/.test(bits ?? '') || Number(bits) > 32) {
        throw new AwsError('InvalidParameterValue', `CIDR block '${r.CidrIp}' is malformed`);
      }
      const key: IpPermission = { IpProtocol: proto, IpRanges: [] };
      if (FromPort !== undefined) key.FromPort = FromPort;
      if (ToPort !== undefined) key.ToPort = ToPort;
      out.push({ key, cidr: r.CidrIp });
    }
  }
  return out;
}

function groupView(sg: SecurityGroupRecord) {
  const perm = (p: IpPermission) => ({ ...p, UserIdGroupPairs: [], Ipv6Ranges: [], PrefixListIds: [] });
  return {
    GroupId: sg.GroupId,
    GroupName: sg.GroupName,
    Description: sg.Description,
    VpcId: sg.VpcId,
    OwnerId: sg.OwnerId,
    IpPermissions: sg.IpPermissions.map(perm),
    IpPermissionsEgress: [perm({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
    Tags: [],
  };
}

export function createEc2Handlers(deps: Ec2Deps): ServiceHandlers {
  const { store, clock, random } = deps;
  return guardFieldSupport('ec2', {
    async CreateSecurityGroup(input, ctx) {
      const vpcId = defaultNetwork(ctx.accountId, ctx.region).VpcId;
      if (!input.GroupName) throw new AwsError('MissingParameter', 'The request must contain the parameter GroupName');
      if (!input.Description) throw new AwsError('MissingParameter', 'The request must contain the parameter GroupDescription');
      if (input.GroupName.length > 255 || input.GroupName.startsWith('sg-')) {
        throw new AwsError('InvalidParameterValue', `Invalid security group name '${input.GroupName}'`);
      }
      if (input.VpcId !== undefined && input.VpcId !== vpcId) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${input.VpcId}' does not exist`);
      const sg = await transact(store, async (tx) => {
        if (await tx.get(nameKey(vpcId, input.GroupName))) {
          throw new AwsError('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpcId}'`);
        }
        const sg: SecurityGroupRecord = {
          GroupId: `sg-${random.hex(9).slice(0, 17)}`,
          GroupName: input.GroupName,
          Description: input.Description,
          VpcId: vpcId,
          OwnerId: ctx.accountId,
          IpPermissions: [],
          createdAt: clock.now(),
        };
        tx.put(keys.securityGroup(sg.GroupId), sg);
        tx.put(nameKey(vpcId, sg.GroupName), { GroupId: sg.GroupId });
        return sg;
      });
      return { GroupId: sg.GroupId };
    },

    async AuthorizeSecurityGroupIngress(input, ctx) {
      const wanted = requestedPermissions(input);
      await transact(store, async (tx) => {
        const sg = await resolveGroup(tx, input, ctx);
        const perms = sg.IpPermissions.map((p) => ({ ...p, IpRanges: [...p.IpRanges] }));
        for (const w of wanted) {
          let p = perms.find((x) => samePermissionKey(x, w.key));
          if (p?.IpRanges.some((r) => r.CidrIp === w.cidr)) {
            throw new AwsError('InvalidPermission.Duplicate', `the specified rule "peer: ${w.cidr}, ${w.key.IpProtocol}, from port: ${w.key.FromPort}, to port: ${w.key.ToPort}, ALLOW" already exists`);
          }
          if (!p) perms.push((p = { ...w.key, IpRanges: [] }));
          p.IpRanges.push({ CidrIp: w.cidr });
        }
        tx.put(keys.securityGroup(sg.GroupId), { ...sg, IpPermissions: perms });
      });
      return { Return: true };
    },

    async RevokeSecurityGroupIngress(input, ctx) {
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
        tx.put(keys.securityGroup(sg.GroupId), { ...sg, IpPermissions: perms });
      });
      return { Return: true };
    },

    async DescribeSecurityGroups(input) {
      let groups = (await listAll<SecurityGroupRecord>(store, keys.securityGroups())).map((r) => r.value);
      for (const id of input.GroupIds ?? []) if (!groups.some((g) => g.GroupId === id)) throw groupNotFound(id);
      for (const name of input.GroupNames ?? []) if (!groups.some((g) => g.GroupName === name)) throw groupNotFound(name);
      const ids = input.GroupIds?.length ? input.GroupIds : filterValues(input.Filters, 'group-id');
      const names = input.GroupNames?.length ? input.GroupNames : filterValues(input.Filters, 'group-name');
      const vpcs = filterValues(input.Filters, 'vpc-id');
      groups = groups.filter(
        (g) => (!ids || ids.includes(g.GroupId)) && (!names || names.includes(g.GroupName)) && (!vpcs || vpcs.includes(g.VpcId)),
      );
      return { SecurityGroups: groups.sort((a, b) => a.createdAt - b.createdAt).map(groupView) };
    },

    async DeleteSecurityGroup(input, ctx) {
      const groupId = await transact(store, async (tx) => {
        const sg = await resolveGroup(tx, input, ctx);
        const users = (await listAll<LoadBalancerRecord>(store, keys.loadBalancers())).filter((lb) => lb.value.SecurityGroups.includes(sg.GroupId));
        if (users.length > 0) {
          throw new AwsError('DependencyViolation', `resource ${sg.GroupId} has a dependent object`);
        }
        tx.delete(keys.securityGroup(sg.GroupId));
        tx.delete(nameKey(sg.VpcId, sg.GroupName));
        return sg.GroupId;
      });
      return { Return: true, GroupId: groupId };
    },

    async DescribeVpcs(input, ctx) {
      const net = defaultNetwork(ctx.accountId, ctx.region);
      for (const id of input.VpcIds ?? []) if (id !== net.VpcId) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
      const ids = filterValues(input.Filters, 'vpc-id');
      const isDefault = filterValues(input.Filters, 'is-default');
      const match = (!ids || ids.includes(net.VpcId)) && (!isDefault || isDefault.includes('true'));
      const vpc = {
        VpcId: net.VpcId,
        CidrBlock: net.CidrBlock,
        State: 'available',
        IsDefault: true,
        OwnerId: ctx.accountId,
        InstanceTenancy: 'default',
        CidrBlockAssociationSet: [{ CidrBlock: net.CidrBlock, AssociationId: `vpc-cidr-assoc-${net.VpcId.slice(4)}`, CidrBlockState: { State: 'associated' } }],
      };
      return { Vpcs: match ? [vpc] : [] };
    },

    async DescribeSubnets(input, ctx) {
      const net = defaultNetwork(ctx.accountId, ctx.region);
      for (const id of input.SubnetIds ?? []) {
        if (!net.Subnets.some((s) => s.SubnetId === id)) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
      }
      const ids = input.SubnetIds?.length ? input.SubnetIds : filterValues(input.Filters, 'subnet-id');
      const vpcs = filterValues(input.Filters, 'vpc-id');
      const zones = filterValues(input.Filters, 'availability-zone');
      const subnets = net.Subnets.filter(
        (s) => (!ids || ids.includes(s.SubnetId)) && (!vpcs || vpcs.includes(net.VpcId)) && (!zones || zones.includes(s.AvailabilityZone)),
      ).map((s) => ({
        SubnetId: s.SubnetId,
        VpcId: net.VpcId,
        AvailabilityZone: s.AvailabilityZone,
        CidrBlock: s.CidrBlock,
        State: 'available',
        DefaultForAz: true,
        MapPublicIpOnLaunch: true,
        AvailableIpAddressCount: 4091,
        OwnerId: ctx.accountId,
      }));
      return { Subnets: subnets };
    },

    async DescribeInstances() {
      return { Reservations: [] };
    },
  });
}
