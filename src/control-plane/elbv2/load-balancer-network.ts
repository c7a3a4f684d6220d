/**
 * Where a load balancer sits: its subnets (hence VPC and zones), security groups and IP address type.
 * SetSubnets and SetIpAddressType, and the checks CreateLoadBalancer shares with them.
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { scopeOfArn } from '../../domain/elbv2/arn.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import { defaultNetwork } from '../../domain/ec2/default-network.js';
import type { SubnetRecord } from '../../domain/ec2/subnet.js';
import type { Ec2Scope } from '../../domain/ec2/vpc.js';
import { findSecurityGroup, findSubnet, storeGroup } from '../ec2/network-repository.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { getLoadBalancer, idOf } from './repository.js';
import { transact, type Tx } from './transact.js';

/**
 * Berth's subnets are IPv4 only (CreateSubnet refuses Ipv6CidrBlock) and its listeners bind IPv4, so a
 * dualstack load balancer is refused the way AWS refuses one whose subnets have no IPv6 block.
 */
export function checkIpAddressType(type: string): 'ipv4' {
  if (type === 'ipv4') return 'ipv4';
  throw new AwsError(
    'InvalidSubnet',
    `IpAddressType '${type}' needs subnets with an IPv6 CIDR block; Berth's subnets are IPv4 only, so IpAddressType must be ipv4`,
  );
}

/** The groups must exist in this region and sit in the load balancer's VPC; a derived default group is stored. */
export async function resolveSecurityGroups(tx: Tx, scope: Ec2Scope, vpcId: string, ids: readonly string[] | undefined): Promise<string[]> {
  const unique = [...new Set(ids ?? [])];
  for (const id of unique) {
    const found = await findSecurityGroup(tx, scope, id);
    if (!found) throw new AwsError('InvalidSecurityGroup', `One or more security groups are invalid: '${id}'`);
    if (found.group.VpcId !== vpcId) throw new AwsError('InvalidSecurityGroup', `Security group '${id}' does not belong to VPC '${vpcId}'`);
    // The data plane reads groups from the store: a derived default group must be there before an LB uses it.
    if (!found.stored) storeGroup(tx, found.group);
  }
  return unique;
}

interface SubnetMappingInput {
  SubnetId?: string;
  AllocationId?: string;
  PrivateIPv4Address?: string;
  IPv6Address?: string;
  SourceNatIpv6Prefix?: string;
}

export interface ResolvedSubnets {
  VpcId: string;
  AvailabilityZones: Array<{ ZoneName: string; SubnetId: string }>;
}

/** Subnets from `Subnets` or `SubnetMappings`: known in this region, one VPC, at least two zones, one subnet per zone. */
export async function resolveSubnets(
  tx: Tx,
  scope: Ec2Scope,
  input: { Subnets?: string[]; SubnetMappings?: SubnetMappingInput[] },
  defaultToAll: boolean,
): Promise<ResolvedSubnets> {
  if (input.Subnets?.length && input.SubnetMappings?.length) {
    throw new AwsError('ValidationError', 'You can specify subnets or subnet mappings, not both');
  }
  for (const m of input.SubnetMappings ?? []) {
    // Addresses per subnet are network load balancer features; an ALB takes none of them.
    const member = (['AllocationId', 'PrivateIPv4Address', 'IPv6Address', 'SourceNatIpv6Prefix'] as const).find((k) => m[k] !== undefined);
    if (member) throw new AwsError('InvalidConfigurationRequest', `SubnetMappings.${member} cannot be specified for an application load balancer`);
  }
  const asked: string[] = input.Subnets?.length
    ? input.Subnets
    : input.SubnetMappings?.length
      ? input.SubnetMappings.map((m) => m.SubnetId ?? '')
      : defaultToAll
        ? defaultNetwork(scope.accountId, scope.region).Subnets.map((s) => s.SubnetId) // Berth's convenience: no subnets means the two default ones.
        : [];
  if (asked.length === 0) throw new AwsError('ValidationError', 'At least one subnet must be specified (Subnets or SubnetMappings)');
  const subnets: SubnetRecord[] = [];
  for (const id of [...new Set(asked)]) {
    const s = await findSubnet(tx, scope, id);
    if (!s) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
    // Rewritten unchanged so DeleteSubnet, which guards this key, cannot remove it under the new load balancer.
    if (!s.DefaultForAz) tx.put(keys.subnet(s.SubnetId), s);
    subnets.push(s);
  }
  const vpcs = new Set(subnets.map((s) => s.VpcId));
  if (vpcs.size > 1) throw new AwsError('InvalidConfigurationRequest', `The subnets must all be in the same VPC; these are in ${[...vpcs].join(', ')}`);
  const zones = subnets.map((s) => ({ ZoneName: s.AvailabilityZone, SubnetId: s.SubnetId }));
  const byZone = new Map<string, string>();
  for (const z of zones) {
    const other = byZone.get(z.ZoneName);
    if (other)
      throw new AwsError(
        'InvalidConfigurationRequest',
        `Subnets '${other}' and '${z.SubnetId}' are both in Availability Zone '${z.ZoneName}'; specify one subnet per Availability Zone`,
      );
    byZone.set(z.ZoneName, z.SubnetId);
  }
  if (byZone.size < 2) {
    throw new AwsError('InvalidConfigurationRequest', 'At least two subnets in two different Availability Zones must be specified');
  }
  return { VpcId: subnets[0]!.VpcId, AvailabilityZones: zones.sort((a, b) => a.ZoneName.localeCompare(b.ZoneName)) };
}

export function loadBalancerNetworkHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store } = deps;
  return {
    async SetSubnets(input, ctx): Reply<'elbv2', 'SetSubnets'> {
      if (input.EnablePrefixForIpv6SourceNat !== undefined && input.EnablePrefixForIpv6SourceNat !== 'off') {
        throw new AwsError('ValidationError', 'EnablePrefixForIpv6SourceNat applies to network load balancers only');
      }
      const lb = await transact(store, async (tx) => {
        const lb = await getLoadBalancer(tx, input.LoadBalancerArn, ctx);
        const ipAddressType = checkIpAddressType(input.IpAddressType ?? lb.IpAddressType);
        const net = await resolveSubnets(tx, scopeOfArn(lb.LoadBalancerArn), input, false);
        // AWS: SetSubnets cannot move a load balancer to another VPC.
        if (net.VpcId !== lb.VpcId) {
          throw new AwsError('InvalidConfigurationRequest', `The subnets must be in the load balancer's VPC '${lb.VpcId}', not '${net.VpcId}'`);
        }
        const next: LoadBalancerRecord = { ...lb, AvailabilityZones: net.AvailabilityZones, IpAddressType: ipAddressType };
        tx.put(keys.loadBalancer(idOf.loadBalancer(lb.LoadBalancerArn)), next);
        return next;
      });
      return { AvailabilityZones: lb.AvailabilityZones, IpAddressType: lb.IpAddressType };
    },

    async SetIpAddressType(input, ctx): Reply<'elbv2', 'SetIpAddressType'> {
      const lb = await transact(store, async (tx) => {
        const lb = await getLoadBalancer(tx, input.LoadBalancerArn, ctx);
        const next: LoadBalancerRecord = { ...lb, IpAddressType: checkIpAddressType(input.IpAddressType) };
        tx.put(keys.loadBalancer(idOf.loadBalancer(lb.LoadBalancerArn)), next);
        return next;
      });
      return { IpAddressType: lb.IpAddressType };
    },
  };
}
