/**
 * networkConfiguration as ECS checks it (CreateService, UpdateService, RunTask, StartTask): subnets
 * must be given and exist, security groups must exist, a public IP needs Fargate, and only an awsvpc
 * task definition takes a network configuration at all. ECS's own messages.
 */
import type { Store } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import { defaultNetwork } from '../../domain/ec2/default-network.js';
import type { NetworkConfiguration, TaskDefinitionRecord } from '../../domain/ecs/records.js';
import { errors } from './ecs-context.js';

export type { NetworkConfiguration } from '../../domain/ecs/records.js';

export async function checkNetworkConfiguration(
  store: Store,
  nc: NetworkConfiguration | undefined,
  td: Pick<TaskDefinitionRecord, 'networkMode'>,
  scope: { accountId: string; region: string },
): Promise<void> {
  if (nc === undefined) {
    if (td.networkMode === 'awsvpc') throw errors.invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    return;
  }
  const vpc = nc.awsvpcConfiguration;
  if (vpc !== undefined) {
    const subnets = vpc.subnets ?? [];
    if (subnets.length === 0) throw errors.invalid('subnets can not be empty.');
    const known = new Set(defaultNetwork(scope.accountId, scope.region).Subnets.map((s) => s.SubnetId));
    for (const id of subnets) {
      if (!known.has(id)) {
        throw errors.invalid(`Error retrieving subnet information for [${id}]: The subnet ID '${id}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`);
      }
    }
    for (const id of vpc.securityGroups ?? []) {
      if (!(await store.get(keys.securityGroup(id)))) {
        throw errors.invalid(
          `Error retrieving security group information for [${id}]: The security group '${id}' does not exist (ErrorCode: InvalidGroup.NotFound)`,
        );
      }
    }
    if (vpc.assignPublicIp === 'ENABLED') throw errors.invalid('Assign public IP is not supported for this launch type.');
  }
  if (td.networkMode !== 'awsvpc') {
    throw errors.invalid('Network Configuration is not valid for the given networkMode of this task definition.');
  }
}
