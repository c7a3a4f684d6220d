/**
 * Keeps TargetGroupRecord.LoadBalancerArns equal to "the load balancers whose rules forward here",
 * inside the same transaction as the listener or rule change. DeleteTargetGroup's ResourceInUse and
 * DescribeTargetHealth's NotInUse both read that one field.
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { actionTargetGroupArns } from '../../domain/elbv2/action.js';
import { scopeOfArn } from '../../domain/elbv2/arn.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { RuleRecord } from '../../domain/elbv2/listener.js';
import { findTargetGroup, getTargetGroup, idOf } from './repository.js';
import type { Tx } from './transact.js';

function referenced(rules: readonly RuleRecord[]): Set<string> {
  return new Set(rules.flatMap((r) => actionTargetGroupArns(r.Actions)));
}

/** Call with the LB's rules before and after a change; also bumps the LB's routing revision. */
export async function syncAttachments(tx: Tx, lb: LoadBalancerRecord, before: readonly RuleRecord[], after: readonly RuleRecord[]): Promise<void> {
  const lbArn = lb.LoadBalancerArn;
  const was = referenced(before);
  const now = referenced(after);
  for (const arn of now) {
    const tg = await getTargetGroup(tx, arn, scopeOfArn(lbArn));
    const others = tg.LoadBalancerArns.filter((a) => a !== lbArn);
    if (others.length > 0) {
      // AWS's wording.
      throw new AwsError('TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${arn}`);
    }
    if (tg.TargetType === 'alb' || tg.TargetType === 'lambda') {
      throw new AwsError('InvalidConfigurationRequest', `Target group '${arn}' cannot be the target of an application load balancer rule`);
    }
    if (!tg.LoadBalancerArns.includes(lbArn)) {
      tx.put(keys.targetGroup(idOf.targetGroup(arn)), { ...tg, LoadBalancerArns: [lbArn] });
    }
  }
  for (const arn of was) {
    if (now.has(arn)) continue;
    const tg = await findTargetGroup(tx, arn);
    if (tg && tg.LoadBalancerArns.includes(lbArn)) {
      tx.put(keys.targetGroup(idOf.targetGroup(arn)), { ...tg, LoadBalancerArns: tg.LoadBalancerArns.filter((a) => a !== lbArn) });
    }
  }
  tx.put(keys.loadBalancer(idOf.loadBalancer(lbArn)), { ...lb, routingRevision: lb.routingRevision + 1 });
}
