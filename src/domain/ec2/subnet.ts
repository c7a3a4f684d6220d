/**
 * Subnet records, and the one lookup every user of a subnet makes (load balancers, awsvpc
 * networkConfiguration): `lookupSubnet`. The default VPC's subnets are derived, never stored; subnets
 * made by CreateSubnet are stored at `keys.subnet(id)`.
 */
import { keys } from '../keys.js';
import { availabilityZones } from './availability-zone.js';
import { parseCidr, usableAddresses } from './cidr.js';
import { defaultNetwork } from './default-network.js';
import type { Ec2Scope, Ec2Tag } from './vpc.js';

export interface SubnetRecord {
  SubnetId: string;
  VpcId: string;
  CidrBlock: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  DefaultForAz: boolean;
  MapPublicIpOnLaunch: boolean;
  OwnerId: string;
  Tags: Ec2Tag[];
  region: string;
  /** Epoch ms; 0 for default subnets. */
  createdAt: number;
}

export function defaultSubnetRecords(scope: Ec2Scope): SubnetRecord[] {
  const net = defaultNetwork(scope.accountId, scope.region);
  const zones = availabilityZones(scope.region);
  return net.Subnets.map((s) => ({
    SubnetId: s.SubnetId,
    VpcId: net.VpcId,
    CidrBlock: s.CidrBlock,
    AvailabilityZone: s.AvailabilityZone,
    AvailabilityZoneId: zones.find((z) => z.ZoneName === s.AvailabilityZone)!.ZoneId,
    DefaultForAz: true,
    MapPublicIpOnLaunch: true,
    OwnerId: scope.accountId,
    Tags: [],
    region: scope.region,
    createdAt: 0,
  }));
}

/**
 * The subnet `id` in this account and region, or undefined. `get` reads one store key (the caller's
 * store or transaction), so the answer is the same wherever it is asked.
 */
export async function lookupSubnet(get: (key: string) => Promise<SubnetRecord | undefined>, scope: Ec2Scope, id: string): Promise<SubnetRecord | undefined> {
  const derived = defaultSubnetRecords(scope).find((s) => s.SubnetId === id);
  if (derived) return derived;
  const stored = await get(keys.subnet(id));
  return stored && stored.region === scope.region && stored.OwnerId === scope.accountId ? stored : undefined;
}

export function subnetView(s: SubnetRecord) {
  return {
    SubnetId: s.SubnetId,
    SubnetArn: `arn:aws:ec2:${s.region}:${s.OwnerId}:subnet/${s.SubnetId}`,
    VpcId: s.VpcId,
    CidrBlock: s.CidrBlock,
    AvailabilityZone: s.AvailabilityZone,
    AvailabilityZoneId: s.AvailabilityZoneId,
    State: 'available',
    DefaultForAz: s.DefaultForAz,
    MapPublicIpOnLaunch: s.MapPublicIpOnLaunch,
    AvailableIpAddressCount: usableAddresses(parseCidr(s.CidrBlock)!),
    OwnerId: s.OwnerId,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Ipv6Native: false,
    Tags: s.Tags,
  };
}
