/**
 * CreateService/UpdateService `loadBalancers` checks against the ELBv2 target-group records and the
 * task definition, with ECS's messages.
 */
import type { Store } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import type { LoadBalancer, TaskDefinitionRecord } from '../../domain/ecs/records.js';
import { errors } from './ecs-context.js';

/** The fields of an ELBv2 target-group record this check reads. */
export interface TargetGroupView {
  TargetGroupArn: string;
  TargetGroupName: string;
  TargetType: 'instance' | 'ip' | 'lambda' | 'alb';
  Port?: number;
  LoadBalancerArns: string[];
}

/** The target-group id is the last `/` segment of its ARN. */
export const targetGroupIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export async function checkLoadBalancers(store: Store, lbs: LoadBalancer[], td: TaskDefinitionRecord): Promise<void> {
  for (const lb of lbs) {
    if (lb.loadBalancerName !== undefined && lb.targetGroupArn === undefined) {
      throw errors.invalid('Classic Load Balancers are not supported by Berth; use targetGroupArn.');
    }
    const arn = lb.targetGroupArn ?? '';
    const tg = arn.startsWith('arn:') ? (await store.get<TargetGroupView>(keys.targetGroup(targetGroupIdOf(arn))))?.value : undefined;
    if (!tg || tg.TargetGroupArn !== arn) {
      throw errors.invalid(
        'Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.',
      );
    }
    if (!tg.LoadBalancerArns || tg.LoadBalancerArns.length === 0) {
      throw errors.invalid(`The target group with targetGroupArn ${arn} does not have an associated load balancer.`);
    }
    const container = td.containerDefinitions.find((c) => c.name === lb.containerName);
    if (!container) throw errors.invalid(`The container ${lb.containerName ?? ''} does not exist in the task definition.`);
    if (!(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort)) {
      throw errors.invalid(`The container ${lb.containerName} did not have a container port ${lb.containerPort ?? ''} defined.`);
    }
    const awsvpc = td.networkMode === 'awsvpc';
    if ((tg.TargetType === 'ip') !== awsvpc) {
      throw errors.invalid(
        `The provided target group ${arn} has target type ${tg.TargetType}, which is incompatible with the ${td.networkMode} network mode specified in the task definition.`,
      );
    }
  }
}
