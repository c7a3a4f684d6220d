/**
 * Finding ELBv2 records by ARN inside a transaction, with AWS's NotFound codes, plus the name-claim
 * keys that make names unique (a claim is created with compare "must not exist").
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { parseElbv2Arn, requireArn } from '../../domain/elbv2/arn.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import type { ListenerRecord, RuleRecord } from '../../domain/elbv2/listener.js';
import type { Store } from '../../store/store.js';
import { listAll, type Tx } from './transact.js';

export const nameKeys = {
  loadBalancer: (name: string) => `/berth/elbv2/names/load-balancers/${name}`,
  targetGroup: (name: string) => `/berth/elbv2/names/target-groups/${name}`,
};

export interface NameClaim {
  arn: string;
}

export const notFound = {
  loadBalancer: () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found'),
  targetGroup: () => new AwsError('TargetGroupNotFound', 'One or more target groups not found'),
  listener: () => new AwsError('ListenerNotFound', 'One or more listeners not found'),
  rule: () => new AwsError('RuleNotFound', 'One or more rules not found'),
};

/** Undefined when the ARN is well formed but names nothing (some deletes succeed then). */
export async function findLoadBalancer(tx: Tx, arn: string): Promise<LoadBalancerRecord | undefined> {
  const { lbId } = requireArn(arn, 'loadbalancer', 'LoadBalancerArn');
  const lb = await tx.get<LoadBalancerRecord>(keys.loadBalancer(lbId));
  return lb && lb.LoadBalancerArn === arn ? lb : undefined;
}

export async function getLoadBalancer(tx: Tx, arn: string): Promise<LoadBalancerRecord> {
  const lb = await findLoadBalancer(tx, arn);
  if (!lb) throw notFound.loadBalancer();
  return lb;
}

export async function findTargetGroup(tx: Tx, arn: string): Promise<TargetGroupRecord | undefined> {
  const { tgId } = requireArn(arn, 'targetgroup', 'TargetGroupArn');
  const tg = await tx.get<TargetGroupRecord>(keys.targetGroup(tgId));
  return tg && tg.TargetGroupArn === arn ? tg : undefined;
}

export async function getTargetGroup(tx: Tx, arn: string): Promise<TargetGroupRecord> {
  const tg = await findTargetGroup(tx, arn);
  if (!tg) throw notFound.targetGroup();
  return tg;
}

export async function getListener(tx: Tx, arn: string): Promise<ListenerRecord> {
  const { listenerId } = requireArn(arn, 'listener', 'ListenerArn');
  const l = await tx.get<ListenerRecord>(keys.listener(listenerId));
  if (!l || l.ListenerArn !== arn) throw notFound.listener();
  return l;
}

export async function getRule(tx: Tx, arn: string): Promise<RuleRecord> {
  const { ruleId } = requireArn(arn, 'listener-rule', 'RuleArn');
  const r = await tx.get<RuleRecord>(keys.rule(ruleId));
  if (!r || r.RuleArn !== arn) throw notFound.rule();
  return r;
}

/** The store key of any ELBv2 record, from its ARN. */
export function keyOfArn(arn: string): string | undefined {
  const p = parseElbv2Arn(arn);
  if (!p) return undefined;
  switch (p.kind) {
    case 'loadbalancer':
      return keys.loadBalancer(p.lbId);
    case 'targetgroup':
      return keys.targetGroup(p.tgId);
    case 'listener':
      return keys.listener(p.listenerId);
    case 'listener-rule':
      return keys.rule(p.ruleId);
  }
}

export const idOf = {
  loadBalancer: (arn: string) => requireArn(arn, 'loadbalancer', 'LoadBalancerArn').lbId,
  targetGroup: (arn: string) => requireArn(arn, 'targetgroup', 'TargetGroupArn').tgId,
  listener: (arn: string) => requireArn(arn, 'listener', 'ListenerArn').listenerId,
  rule: (arn: string) => requireArn(arn, 'listener-rule', 'RuleArn').ruleId,
};

export async function listenersOf(store: Store, lbArn: string): Promise<ListenerRecord[]> {
  return (await listAll<ListenerRecord>(store, keys.listeners())).map((r) => r.value).filter((l) => l.LoadBalancerArn === lbArn);
}

export async function rulesOf(store: Store, lbArn: string): Promise<RuleRecord[]> {
  return (await listAll<RuleRecord>(store, keys.rules())).map((r) => r.value).filter((r) => r.LoadBalancerArn === lbArn);
}
