/**
 * The EC2 operations Berth serves, by model operation name: security groups, VPCs and subnets (stored,
 * each region's default network derived), Availability Zones, account attributes, and the container
 * instances' hosts as instances.
 */
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { ServiceHandlers } from '../api/operation.js';
import type { Elbv2Deps } from '../elbv2/deps.js';
import { availabilityZoneHandlers } from './availability-zones.js';
import { instanceHandlers } from './instances.js';
import { securityGroupHandlers } from './security-groups.js';
import { subnetHandlers } from './subnets.js';
import { vpcHandlers } from './vpcs.js';

export type Ec2Deps = Elbv2Deps;

export function createEc2Handlers(deps: Ec2Deps): ServiceHandlers {
  return guardFieldSupport('ec2', {
    ...securityGroupHandlers(deps),
    ...vpcHandlers(deps),
    ...subnetHandlers(deps),
    ...availabilityZoneHandlers(),
    ...instanceHandlers(deps),
  });
}
