/**
 * Finding ELBv2 records by ARN inside a transaction, with AWS's NotFound codes, plus the name-claim
 * keys that make names unique (a claim is created with compare "must not exist").
 */
import { keys } from '../../domain/keys.js';
import { arnNotFound, inScope, lookupArn, parseElbv2Arn, requireArn, type ArnScope } from '../../domain/elbv2/arn.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import type { ListenerRecord, RuleRecord } from '../../domain/elbv2/listener.js';
import type { Store } from '../../store/store.js';
import { listAll, type Tx } from './transact.js';

/** Names are unique per account and region (as on AWS), so the claim key carries both. */
export const nameKeys = {
  loadBalancer: (s: ArnScope, name: string) => `/berth/elbv2/names/load-balancers/${s.accountId}/${s.region}/${name}`,
  targetGroup: (s: ArnScope, name: string) => `/berth/elbv2/names/target-groups/${s.accountId}/${s.region}/${name}`,
};

export interface NameClaim {
  arn: string;
}

type NamedKind = keyof typeof nameKeys;

/** Before names were per region the claim key had neither account nor region; data dirs may still hold those. */
const legacyNameKey = (kind: NamedKind, name: string) => `/berth/elbv2/names/${kind === 'loadBalancer' ? 'load-balancers' : 'target-groups'}/${name}`;

/** The claim on `name` in this region: the current key, else a legacy one whose ARN is of this region. */
export async function readNameClaim(tx: Tx, kind: NamedKind, scope: ArnScope, name: string): Promise<NameClaim | undefined> {
  const claim = await tx.get<NameClaim>(nameKeys[kind](scope, name));
  if (claim) return claim;
  const legacy = await tx.get<NameClaim>(legacyNameKey(kind, name));
  return legacy && inScope(legacy.arn, scope) ? legacy : undefined;
}

/** Releases a name: the current claim and any legacy one. */
export function deleteNameClaim(tx: Tx, kind: NamedKind, scope: ArnScope, name: string): void {
  tx.delete(nameKeys[kind](scope, name));
  tx.delete(legacyNameKey(kind, name));
}

export const notFound = {
  loadBalancer: () => arnNotFound('loadbalancer'),
  targetGroup: () => arnNotFound('targetgroup'),
  listener: () => arnNotFound('listener'),
  rule: () => arnNotFound('listener-rule'),
};

/**
 * Undefined when the ARN is well formed but names nothing (some deletes succeed then). With `scope`
 * (the request's region and account), an ARN of another region names nothing either: each region
 * sees only its own resources.
 */
export async function findLoadBalancer(tx: Tx, arn: string, scope?: ArnScope): Promise<LoadBalancerRecord | undefined> {
  const parsed = lookupArn(arn, 'loadbalancer');
  if (!parsed || (scope && !inScope(arn, scope))) return undefined;
  const lb = await tx.get<LoadBalancerRecord>(keys.loadBalancer(parsed.lbId));
  return lb && lb.LoadBalancerArn === arn ? lb : undefined;
}

export async function getLoadBalancer(tx: Tx, arn: string, scope?: ArnScope): Promise<LoadBalancerRecord> {
  const lb = await findLoadBalancer(tx, arn, scope);
  if (!lb) throw notFound.loadBalancer();
  return lb;
}

export async function findTargetGroup(tx: Tx, arn: string, scope?: ArnScope): Promise<TargetGroupRecord | undefined> {
  const parsed = lookupArn(arn, 'targetgroup');
  if (!parsed || (scope && !inScope(arn, scope))) return undefined;
  const tg = await tx.get<TargetGroupRecord>(keys.targetGroup(parsed.tgId));
  return tg && tg.TargetGroupArn === arn ? tg : undefined;
}

export async function getTargetGroup(tx: Tx, arn: string, scope?: ArnScope): Promise<TargetGroupRecord> {
  const tg = await findTargetGroup(tx, arn, scope);
  if (!tg) throw notFound.targetGroup();
  return tg;
}

export async function getListener(tx: Tx, arn: string, scope?: ArnScope): Promise<ListenerRecord> {
  const parsed = lookupArn(arn, 'listener');
  const l = parsed && (!scope || inScope(arn, scope)) ? await tx.get<ListenerRecord>(keys.listener(parsed.listenerId)) : undefined;
  if (!l || l.ListenerArn !== arn) throw notFound.listener();
  return l;
}

export async function getRule(tx: Tx, arn: string, scope?: ArnScope): Promise<RuleRecord> {
  const parsed = lookupArn(arn, 'listener-rule');
  const r = parsed && (!scope || inScope(arn, scope)) ? await tx.get<RuleRecord>(keys.rule(parsed.ruleId)) : undefined;
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
