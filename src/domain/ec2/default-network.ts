/**
 * The one default VPC and its two default subnets. They are not stored: they are derived from the
 * account and region, so every process computes the same ids (like a real default VPC, they just exist).
 */
import { createHash } from 'node:crypto';

export interface DefaultSubnet {
  SubnetId: string;
  AvailabilityZone: string;
  CidrBlock: string;
}

export interface DefaultNetwork {
  VpcId: string;
  CidrBlock: string;
  Subnets: DefaultSubnet[];
}

const hex17 = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 17);

export function defaultNetwork(accountId: string, region: string): DefaultNetwork {
  return {
    VpcId: `vpc-${hex17(`vpc/${accountId}/${region}`)}`,
    CidrBlock: '172.31.0.0/16',
    Subnets: ['a', 'b'].map((zone, i) => ({
      SubnetId: `subnet-${hex17(`subnet/${accountId}/${region}/${zone}`)}`,
      AvailabilityZone: `${region}${zone}`,
      CidrBlock: `172.31.${i * 16}.0/20`,
    })),
  };
}
