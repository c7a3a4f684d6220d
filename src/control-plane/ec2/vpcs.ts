/** CreateVpc, DeleteVpc, DescribeVpcs, ModifyVpcAttribute, DescribeVpcAttribute. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { parseCidr } from '../../domain/ec2/cidr.js';
import { defaultSecurityGroupRecord, type SecurityGroupRecord } from '../../domain/ec2/security-group.js';
import type { SubnetRecord } from '../../domain/ec2/subnet.js';
import { newVpcAttributes, type VPC_ATTRIBUTE_NAMES, vpcView, type VpcAttributes, type VpcRecord } from '../../domain/ec2/vpc.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from '../elbv2/deps.js';
import { listAll, transact } from '../elbv2/transact.js';
import { applyFilters, requireAll } from './filters.js';
import { findVpc, groupNameKey, storeGroup, vpcsInScope } from './network-repository.js';
import { checkDryRun, ec2Page, tagsFor } from './request.js';

export const vpcNotFound = (id: string) => new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);

export const invalidCidr = (cidr: unknown) =>
  new AwsError('InvalidParameterValue', `Value (${String(cidr)}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);

/** A default VPC or subnet is derived from the account and region, so Berth cannot make it go away. */
export const defaultNotDeletable = (what: string) =>
  new AwsError('OperationNotPermitted', `${what} belongs to the default VPC, which Berth derives for every region and cannot delete`);

const hasDependencies = (vpcId: string) => new AwsError('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);

const ATTRIBUTE_MEMBERS: Record<'EnableDnsSupport' | 'EnableDnsHostnames' | 'EnableNetworkAddressUsageMetrics', keyof VpcAttributes> = {
  EnableDnsSupport: 'enableDnsSupport',
  EnableDnsHostnames: 'enableDnsHostnames',
  EnableNetworkAddressUsageMetrics: 'enableNetworkAddressUsageMetrics',
};

export function vpcHandlers(deps: Elbv2Deps): Handlers<'ec2'> {
  const { store, clock, random } = deps;
  return {
    async CreateVpc(input, ctx): Reply<'ec2', 'CreateVpc'> {
      if (input.CidrBlock === undefined) throw new AwsError('MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
      const cidr = parseCidr(input.CidrBlock);
      if (!cidr) throw invalidCidr(input.CidrBlock);
      if (cidr.bits < 16 || cidr.bits > 28) throw new AwsError('InvalidVpc.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
      const tags = tagsFor('vpc', input.TagSpecifications);
      checkDryRun(input);
      const now = clock.now();
      const vpc: VpcRecord = {
        VpcId: `vpc-${random.hex(9).slice(0, 17)}`,
        CidrBlock: input.CidrBlock,
        IsDefault: false,
        OwnerId: ctx.accountId,
        Tags: tags,
        attributes: newVpcAttributes(false),
        region: ctx.region,
        createdAt: now,
      };
      await transact(store, async (tx) => {
        if (await tx.get(keys.vpc(vpc.VpcId))) throw new AwsError('InternalError', 'VPC id collision; retry', 500);
        tx.put(keys.vpc(vpc.VpcId), vpc);
        // As on AWS, every VPC comes with its `default` security group.
        storeGroup(tx, defaultSecurityGroupRecord(vpc.VpcId, ctx.accountId, now));
      });
      return { Vpc: vpcView(vpc) };
    },

    async DeleteVpc(input, ctx): Reply<'ec2', 'DeleteVpc'> {
      await transact(store, async (tx) => {
        const vpc = await findVpc(tx, ctx, input.VpcId);
        if (!vpc) throw vpcNotFound(input.VpcId);
        if (vpc.IsDefault) throw defaultNotDeletable(`VPC '${vpc.VpcId}'`);
        // Writers of subnets and groups rewrite this VPC record (guardVpc), so these lists cannot change under us.
        const subnets = (await listAll<SubnetRecord>(store, keys.subnets())).some((s) => s.value.VpcId === vpc.VpcId);
        const lbs = (await listAll<LoadBalancerRecord>(store, keys.loadBalancers())).some((l) => l.value.VpcId === vpc.VpcId);
        const groups = (await listAll<SecurityGroupRecord>(store, keys.securityGroups())).map((g) => g.value).filter((g) => g.VpcId === vpc.VpcId);
        if (subnets || lbs || groups.some((g) => !g.isDefault)) throw hasDependencies(vpc.VpcId);
        checkDryRun(input);
        tx.delete(keys.vpc(vpc.VpcId));
        for (const g of groups) {
          tx.delete(keys.securityGroup(g.GroupId));
          tx.delete(groupNameKey(g.VpcId, g.GroupName));
        }
      });
      return {};
    },

    async DescribeVpcs(input, ctx): Reply<'ec2', 'DescribeVpcs'> {
      checkDryRun(input);
      const all = await vpcsInScope(store, ctx);
      requireAll(input.VpcIds, new Set(all.map((v) => v.VpcId)), vpcNotFound);
      const ids = input.VpcIds;
      const asked = ids?.length ? all.filter((v) => ids.includes(v.VpcId)) : all;
      const views = applyFilters(asked.map(vpcView), input.Filters, {
        'vpc-id': (v) => [v.VpcId],
        'is-default': (v) => [String(v.IsDefault)],
        cidr: (v) => [v.CidrBlock],
        'cidr-block-association.cidr-block': (v) => [v.CidrBlock],
        'cidr-block-association.state': () => ['associated'],
        state: (v) => [v.State],
        'owner-id': (v) => [v.OwnerId],
        'dhcp-options-id': (v) => [v.DhcpOptionsId],
      });
      const p = ec2Page(views, input);
      return { Vpcs: p.items, NextToken: p.NextToken };
    },

    async ModifyVpcAttribute(input, ctx): Reply<'ec2', 'ModifyVpcAttribute'> {
      const given = (Object.keys(ATTRIBUTE_MEMBERS) as (keyof typeof ATTRIBUTE_MEMBERS)[]).filter((m) => input[m] !== undefined);
      if (given.length === 0) {
        throw new AwsError('MissingParameter', 'The request must contain one of EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics');
      }
      if (given.length > 1) {
        throw new AwsError(
          'InvalidParameterCombination',
          `Fields for multiple attribute types specified: ${given.map((m) => ATTRIBUTE_MEMBERS[m]).join(', ')}`,
        );
      }
      const member = given[0]!;
      const value = input[member]?.Value;
      if (typeof value !== 'boolean') throw new AwsError('MissingParameter', `The request must contain the parameter ${member}.Value`);
      await transact(store, async (tx) => {
        const vpc = await findVpc(tx, ctx, input.VpcId);
        if (!vpc) throw vpcNotFound(input.VpcId);
        const attributes = { ...vpc.attributes, [ATTRIBUTE_MEMBERS[member]!]: value };
        if (attributes.enableDnsHostnames && !attributes.enableDnsSupport) {
          // AWS: hostnames need the resolver.
          throw new AwsError('InvalidParameterCombination', 'enableDnsHostnames cannot be true while enableDnsSupport is false');
        }
        tx.put(keys.vpc(vpc.VpcId), { ...vpc, attributes });
      });
      return {};
    },

    async DescribeVpcAttribute(input, ctx): Reply<'ec2', 'DescribeVpcAttribute'> {
      checkDryRun(input);
      const vpc = await transact(store, (tx) => findVpc(tx, ctx, input.VpcId));
      if (!vpc) throw vpcNotFound(input.VpcId);
      const name = input.Attribute as (typeof VPC_ATTRIBUTE_NAMES)[number];
      const member = (Object.keys(ATTRIBUTE_MEMBERS) as (keyof typeof ATTRIBUTE_MEMBERS)[]).find((m) => ATTRIBUTE_MEMBERS[m] === name)!;
      return { VpcId: vpc.VpcId, [member]: { Value: vpc.attributes[name] } };
    },
  };
}
