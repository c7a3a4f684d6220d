/**
 * CreateService/UpdateService `loadBalancers[].advancedConfiguration` (BLUE_GREEN, CANARY, LINEAR)
 * against the ELBv2 records: the alternate target group exists, is not the primary one and suits
 * the task definition as the primary does; the production (and test) listener rule exists, belongs
 * to a load balancer of both groups, and forwards to both of them (ECS moves their weights).
 * roleArn is accepted and not enforced (Berth has no IAM). InvalidParameterException naming the field.
 */
import type { Store } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import { parseElbv2Arn } from '../../domain/elbv2/arn.js';
import type { RuleRecord } from '../../domain/elbv2/listener.js';
import type { LoadBalancer } from '../../domain/ecs/records.js';
import { errors } from './ecs-context.js';
import { targetGroupIdOf, type TargetGroupView } from './load-balancer-check.js';

const FIELD = 'loadBalancers[].advancedConfiguration';

async function targetGroup(store: Store, arn: string): Promise<TargetGroupView | undefined> {
  const tg = arn.startsWith('arn:') ? (await store.get<TargetGroupView>(keys.targetGroup(targetGroupIdOf(arn))))?.value : undefined;
  return tg && tg.TargetGroupArn === arn ? tg : undefined;
}

async function rule(store: Store, arn: string): Promise<RuleRecord | undefined> {
  const p = parseElbv2Arn(arn);
  if (p?.kind !== 'listener-rule') return undefined;
  const r = (await store.get<RuleRecord>(keys.rule(p.ruleId)))?.value;
  return r && r.RuleArn === arn ? r : undefined;
}

/** The target groups a rule's forward action sends to. */
const forwardedGroups = (r: RuleRecord): string[] =>
  r.Actions.filter((a) => a.Type === 'forward').flatMap((a) => (a.ForwardConfig?.TargetGroups ?? []).map((g) => g.TargetGroupArn));

async function checkRule(
  store: Store,
  arn: string | undefined,
  field: string,
  groups: { primary: TargetGroupView; alternate: TargetGroupView },
): Promise<void> {
  if (arn === undefined) return;
  const r = await rule(store, arn);
  if (!r) throw errors.invalid(`${FIELD}.${field} ${arn} does not name a listener rule.`);
  if (!groups.primary.LoadBalancerArns.includes(r.LoadBalancerArn) || !groups.alternate.LoadBalancerArns.includes(r.LoadBalancerArn)) {
    throw errors.invalid(`${FIELD}.${field} ${arn} belongs to a load balancer that is not associated with both target groups.`);
  }
  const to = forwardedGroups(r);
  if (!to.includes(groups.primary.TargetGroupArn) || !to.includes(groups.alternate.TargetGroupArn)) {
    throw errors.invalid(
      `${FIELD}.${field} ${arn} must forward to both the target group ${groups.primary.TargetGroupArn} and the alternate target group ${groups.alternate.TargetGroupArn} (a weighted forward action).`,
    );
  }
}

/** Called after checkLoadBalancers has checked each primary target group. */
export async function checkAdvancedConfiguration(store: Store, lbs: readonly LoadBalancer[]): Promise<void> {
  for (const lb of lbs) {
    const a = lb.advancedConfiguration;
    if (a === undefined) continue;
    if (!a.alternateTargetGroupArn) throw errors.invalid(`${FIELD}.alternateTargetGroupArn must be provided.`);
    if (!a.productionListenerRule) throw errors.invalid(`${FIELD}.productionListenerRule must be provided.`);
    if (a.alternateTargetGroupArn === lb.targetGroupArn) {
      throw errors.invalid(`${FIELD}.alternateTargetGroupArn must differ from the load balancer's targetGroupArn.`);
    }
    if (a.testListenerRule !== undefined && a.testListenerRule === a.productionListenerRule) {
      throw errors.invalid(`${FIELD}.testListenerRule must differ from productionListenerRule.`);
    }
    const primary = lb.targetGroupArn ? await targetGroup(store, lb.targetGroupArn) : undefined;
    const alternate = await targetGroup(store, a.alternateTargetGroupArn);
    if (!alternate) throw errors.invalid(`${FIELD}.alternateTargetGroupArn ${a.alternateTargetGroupArn} does not name a target group.`);
    if (!primary) throw errors.invalid(`loadBalancers[].targetGroupArn ${lb.targetGroupArn ?? ''} does not name a target group.`);
    if (alternate.TargetType !== primary.TargetType) {
      throw errors.invalid(
        `${FIELD}.alternateTargetGroupArn ${alternate.TargetGroupArn} has target type ${alternate.TargetType}; the target group ${primary.TargetGroupArn} has ${primary.TargetType}.`,
      );
    }
    if (alternate.LoadBalancerArns.length === 0) {
      throw errors.invalid(`The target group with targetGroupArn ${alternate.TargetGroupArn} does not have an associated load balancer.`);
    }
    await checkRule(store, a.productionListenerRule, 'productionListenerRule', { primary, alternate });
    await checkRule(store, a.testListenerRule, 'testListenerRule', { primary, alternate });
  }
}
