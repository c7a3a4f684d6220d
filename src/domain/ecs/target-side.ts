/**
 * Blue/green target groups: each load balancer of a traffic-shifting service has two, its
 * `targetGroupArn` (the primary side) and `advancedConfiguration.alternateTargetGroupArn`. A
 * deployment's tasks register on one side; the next traffic-shifting deployment takes the other, so
 * the roles of the two groups swap with every deployment, as in ECS. Pure.
 */
import type { Deployment, LoadBalancer, ServiceRecord, TargetSide } from './records.js';

export const sideOf = (d: Pick<Deployment, 'targetSide'> | undefined): TargetSide => d?.targetSide ?? 'primary';
export const otherSide = (s: TargetSide): TargetSide => (s === 'primary' ? 'alternate' : 'primary');

/** The target group a task on `side` registers in for this load balancer. */
export function targetGroupFor(lb: LoadBalancer, side: TargetSide): string | undefined {
  if (side === 'alternate' && lb.advancedConfiguration?.alternateTargetGroupArn) return lb.advancedConfiguration.alternateTargetGroupArn;
  return lb.targetGroupArn;
}

/** Whether the service's load balancers carry blue/green settings (BLUE_GREEN, CANARY, LINEAR). */
export const shiftsTrafficOn = (svc: Pick<ServiceRecord, 'loadBalancers'>): boolean =>
  svc.loadBalancers.some((lb) => lb.advancedConfiguration?.alternateTargetGroupArn !== undefined);

/** Every target group the service's tasks may register in: both sides of each load balancer. */
export function serviceTargetGroupArns(svc: Pick<ServiceRecord, 'loadBalancers'>): string[] {
  const arns = svc.loadBalancers.flatMap((lb) => [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn]);
  return [...new Set(arns.filter((a): a is string => typeof a === 'string' && a !== ''))];
}

/**
 * The side a new deployment takes. Not shifting: the side of the deployment it replaces. Shifting:
 * the side production is not on, so the other side of the one it replaces, unless that one was
 * itself still shifting (production not yet all on it): then its side, whose tasks hold the lesser
 * share and are drained first.
 */
export function sideForNewDeployment(replaced: Pick<Deployment, 'targetSide' | 'trafficShift'> | undefined, shifting: boolean): TargetSide {
  const current = sideOf(replaced);
  if (!shifting) return current;
  const halfway = replaced?.trafficShift !== undefined && replaced.trafficShift.production < 100;
  return halfway ? current : otherSide(current);
}
