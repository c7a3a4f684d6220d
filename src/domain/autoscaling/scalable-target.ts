/**
 * Application Auto Scaling's scalable target for an ECS service (`service/<cluster>/<service>`,
 * `ecs:service:DesiredCount`), as Berth stores it, and RegisterScalableTarget's checks in the
 * service's words. Other namespaces (DynamoDB, Spot Fleet, ...) are not Berth's to scale.
 */
import { AwsError } from '../aws-error.js';

export const ECS_DIMENSION = 'ecs:service:DesiredCount';

export interface SuspendedState {
  readonly dynamicScalingInSuspended: boolean;
  readonly dynamicScalingOutSuspended: boolean;
  readonly scheduledScalingSuspended: boolean;
}

export interface ScalableTargetRecord {
  readonly arn: string;
  readonly region: string;
  /** `service/<cluster>/<service>`. */
  readonly resourceId: string;
  readonly cluster: string;
  readonly service: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly suspended: SuspendedState;
  readonly roleArn: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** The auto scaler's last moves (cooldowns count from them). */
  /** `from`: the count before it (a step policy's next scale-out during the cooldown counts from it). */
  readonly lastScaleOut?: { readonly at: number; readonly to: number; readonly from?: number };
  readonly lastScaleIn?: { readonly at: number };
}

export const validation = (message: string) => new AwsError('ValidationException', message);

/** The ECS service a resource id names; anything else is ValidationException, as AWS answers it. */
export function ecsResource(namespace: string, resourceId: string, dimension: string): { cluster: string; service: string } {
  if (namespace !== 'ecs') {
    throw validation(`Unsupported service namespace, resource type or scalable dimension: Berth scales ECS services only (ServiceNamespace ${namespace}).`);
  }
  if (dimension !== ECS_DIMENSION) {
    throw validation(
      `Unsupported service namespace, resource type or scalable dimension: an ECS service scales by ${ECS_DIMENSION} (ScalableDimension ${dimension}).`,
    );
  }
  const m = /^service\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/.exec(resourceId);
  if (!m)
    throw validation(
      `Unsupported service namespace, resource type or scalable dimension: ResourceId ${resourceId} is not service/<cluster-name>/<service-name>.`,
    );
  return { cluster: m[1]!, service: m[2]! };
}

export function checkCapacities(min: number, max: number): void {
  if (min < 0 || max < 0) throw validation('MinCapacity and MaxCapacity must be zero or more.');
  if (min > max) throw validation(`Minimum capacity cannot be greater than maximum capacity (MinCapacity ${min}, MaxCapacity ${max}).`);
}

export function targetArn(region: string, accountId: string, id: string): string {
  return `arn:aws:application-autoscaling:${region}:${accountId}:scalable-target/${id}`;
}

export function notFoundTarget(resourceId: string): AwsError {
  return new AwsError(
    'ObjectNotFoundException',
    `No scalable target registered for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${ECS_DIMENSION}`,
  );
}
