/**
 * VPC records. The default VPC of a region is derived (src/domain/ec2/default-network.ts) until it is
 * first written (ModifyVpcAttribute), when it is stored like any other; VPCs made by CreateVpc are stored.
 */
import { defaultNetwork } from './default-network.js';

/** Where a resource lives: EC2 resources belong to one account and one region. */
export interface Ec2Scope {
  readonly region: string;
  readonly accountId: string;
}

export interface Ec2Tag {
  Key: string;
  Value: string;
}

export interface VpcAttributes {
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
}

export const VPC_ATTRIBUTE_NAMES = ['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics'] as const;

export interface VpcRecord {
  VpcId: string;
  CidrBlock: string;
  IsDefault: boolean;
  OwnerId: string;
  Tags: Ec2Tag[];
  attributes: VpcAttributes;
  region: string;
  /** Epoch ms; 0 for the default VPC, which has always existed. */
  createdAt: number;
}

/** AWS's defaults: DNS resolution on; DNS hostnames on in a default VPC only. */
export function newVpcAttributes(isDefault: boolean): VpcAttributes {
  return { enableDnsSupport: true, enableDnsHostnames: isDefault, enableNetworkAddressUsageMetrics: false };
}

export function defaultVpcRecord(scope: Ec2Scope): VpcRecord {
  const net = defaultNetwork(scope.accountId, scope.region);
  return {
    VpcId: net.VpcId,
    CidrBlock: net.CidrBlock,
    IsDefault: true,
    OwnerId: scope.accountId,
    Tags: [],
    attributes: newVpcAttributes(true),
    region: scope.region,
    createdAt: 0,
  };
}

/** A deterministic id derived from the VPC's, so every process names the same DHCP options set. */
const dhcpOptionsId = (vpcId: string) => `dopt-${vpcId.slice(4, 12)}`;

export function vpcView(v: VpcRecord) {
  return {
    VpcId: v.VpcId,
    CidrBlock: v.CidrBlock,
    State: 'available',
    IsDefault: v.IsDefault,
    OwnerId: v.OwnerId,
    InstanceTenancy: 'default',
    DhcpOptionsId: dhcpOptionsId(v.VpcId),
    CidrBlockAssociationSet: [{ CidrBlock: v.CidrBlock, AssociationId: `vpc-cidr-assoc-${v.VpcId.slice(4)}`, CidrBlockState: { State: 'associated' } }],
    Tags: v.Tags,
  };
}
