/** CreateSubnet, DeleteSubnet, DescribeSubnets. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { availabilityZones } from '../../domain/ec2/availability-zone.js';
import { cidrsOverlap, cidrWithin, parseCidr } from '../../domain/ec2/cidr.js';
import { subnetView, type SubnetRecord } from '../../domain/ec2/subnet.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from '../elbv2/deps.js';
import { listAll, transact } from '../elbv2/transact.js';
import { applyFilters, requireAll } from './filters.js';
import { findSubnet, findVpc, guardVpc, subnetsInScope } from './network-repository.js';
import { checkDryRun, ec2Page, tagsFor } from './request.js';
import { defaultNotDeletable, invalidCidr, vpcNotFound } from './vpcs.js';

export const subnetNotFound = (id: string) => new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);

export function subnetHandlers(deps: Elbv2Deps): Handlers<'ec2'> {
  const { store, clock, random } = deps;
  return {
    async CreateSubnet(input, ctx): Reply<'ec2', 'CreateSubnet'> {
      const cidrBlock = input.CidrBlock;
      if (cidrBlock === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter cidrBlock');
      const cidr = parseCidr(cidrBlock);
      if (!cidr) throw invalidCidr(input.CidrBlock);
      const zones = availabilityZones(ctx.region);
      if (input.AvailabilityZone !== undefined && input.AvailabilityZoneId !== undefined) {
        throw new AwsError('InvalidParameterCombination', 'Only one of AvailabilityZone and AvailabilityZoneId may be specified');
      }
      const askedZone = input.AvailabilityZone ?? input.AvailabilityZoneId;
      const zone = askedZone === undefined ? undefined : zones.find((z) => z.ZoneName === askedZone || z.ZoneId === askedZone);
      if (askedZone !== undefined && !zone) {
        const param = input.AvailabilityZone !== undefined ? 'availabilityZone' : 'availabilityZoneId';
        throw new AwsError(
          'InvalidParameterValue',
          `Value (${askedZone}) for parameter ${param} is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.ZoneName).join(', ')}.`,
        );
      }
      const tags = tagsFor('subnet', input.TagSpecifications);
      const subnet = await transact(store, async (tx) => {
        const vpc = await findVpc(tx, ctx, input.VpcId);
        if (!vpc) throw vpcNotFound(input.VpcId);
        if (cidr.bits < 16 || cidr.bits > 28 || !cidrWithin(cidr, parseCidr(vpc.CidrBlock)!)) {
          throw new AwsError('InvalidSubnet.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
        }
        const siblings = (await subnetsInScope(store, ctx)).filter((s) => s.VpcId === vpc.VpcId);
        if (siblings.some((s) => cidrsOverlap(parseCidr(s.CidrBlock)!, cidr))) {
          throw new AwsError('InvalidSubnet.Conflict', `The CIDR '${input.CidrBlock}' conflicts with another subnet`);
        }
        checkDryRun(input);
        // No zone asked: the one of this VPC's zones with the fewest subnets (the first on a tie), as even as AWS's choice.
        const chosen =
          zone ??
          [...zones].sort(
            (a, b) => siblings.filter((s) => s.AvailabilityZone === a.ZoneName).length - siblings.filter((s) => s.AvailabilityZone === b.ZoneName).length,
          )[0]!;
        const record: SubnetRecord = {
          SubnetId: `subnet-${random.hex(9).slice(0, 17)}`,
          VpcId: vpc.VpcId,
          CidrBlock: cidrBlock,
          AvailabilityZone: chosen.ZoneName,
          AvailabilityZoneId: chosen.ZoneId,
          DefaultForAz: false,
          MapPublicIpOnLaunch: false,
          OwnerId: ctx.accountId,
          Tags: tags,
          region: ctx.region,
          createdAt: clock.now(),
        };
        guardVpc(tx, vpc);
        tx.put(keys.subnet(record.SubnetId), record);
        return record;
      });
      return { Subnet: subnetView(subnet) };
    },

    async DeleteSubnet(input, ctx): Reply<'ec2', 'DeleteSubnet'> {
      await transact(store, async (tx) => {
        const subnet = await findSubnet(tx, ctx, input.SubnetId);
        if (!subnet) throw subnetNotFound(input.SubnetId);
        if (subnet.DefaultForAz) throw defaultNotDeletable(`Subnet '${subnet.SubnetId}'`);
        // A load balancer that takes a subnet rewrites its record, so this list is checked against a still subnet.
        const users = (await listAll<LoadBalancerRecord>(store, keys.loadBalancers())).filter((l) =>
          l.value.AvailabilityZones.some((z) => z.SubnetId === subnet.SubnetId),
        );
        if (users.length > 0) throw new AwsError('DependencyViolation', `The subnet '${subnet.SubnetId}' has dependencies and cannot be deleted.`);
        checkDryRun(input);
        const vpc = await findVpc(tx, ctx, subnet.VpcId);
        if (vpc) guardVpc(tx, vpc);
        tx.delete(keys.subnet(subnet.SubnetId));
      });
      return {};
    },

    async DescribeSubnets(input, ctx): Reply<'ec2', 'DescribeSubnets'> {
      checkDryRun(input);
      const all = await subnetsInScope(store, ctx);
      requireAll(input.SubnetIds, new Set(all.map((s) => s.SubnetId)), subnetNotFound);
      const ids = input.SubnetIds;
      const asked = ids?.length ? all.filter((s) => ids.includes(s.SubnetId)) : all;
      const views = applyFilters(asked.map(subnetView), input.Filters, {
        'subnet-id': (s) => [s.SubnetId],
        'vpc-id': (s) => [s.VpcId],
        'availability-zone': (s) => [s.AvailabilityZone],
        'availability-zone-id': (s) => [s.AvailabilityZoneId],
        'cidr-block': (s) => [s.CidrBlock],
        cidr: (s) => [s.CidrBlock],
        cidrBlock: (s) => [s.CidrBlock],
        'default-for-az': (s) => [String(s.DefaultForAz)],
        defaultForAz: (s) => [String(s.DefaultForAz)],
        'map-public-ip-on-launch': (s) => [String(s.MapPublicIpOnLaunch)],
        state: (s) => [s.State],
        'owner-id': (s) => [s.OwnerId],
        'subnet-arn': (s) => [s.SubnetArn],
      });
      const p = ec2Page(views, input);
      return { Subnets: p.items, NextToken: p.NextToken };
    },
  };
}
