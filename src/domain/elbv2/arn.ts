/**
 * ELBv2 ARNs. Ids are 16 lowercase hex characters, as on AWS; the name is part of the ARN, so an ARN
 * alone tells a reader which load balancer a listener or rule belongs to.
 */
import { AwsError } from '../aws-error.js';

const PREFIX = 'arn:aws:elasticloadbalancing';

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

export const elbv2Arn = {
  loadBalancer: (s: ArnScope, name: string, lbId: string) =>
    `${PREFIX}:${s.region}:${s.accountId}:loadbalancer/app/${name}/${lbId}`,
  targetGroup: (s: ArnScope, name: string, tgId: string) =>
    `${PREFIX}:${s.region}:${s.accountId}:targetgroup/${name}/${tgId}`,
  /** A listener ARN is its load balancer's ARN with `listener` for `loadbalancer` and the listener id appended. */
  listener: (lbArn: string, listenerId: string) => `${lbArn.replace(':loadbalancer/', ':listener/')}/${listenerId}`,
  rule: (listenerArn: string, ruleId: string) => `${listenerArn.replace(':listener/', ':listener-rule/')}/${ruleId}`,
};

export type ParsedArn =
  | { kind: 'loadbalancer'; name: string; lbId: string }
  | { kind: 'targetgroup'; name: string; tgId: string }
  | { kind: 'listener'; name: string; lbId: string; listenerId: string }
  | { kind: 'listener-rule'; name: string; lbId: string; listenerId: string; ruleId: string };

const HEX16 = '([0-9a-f]{16})';
const NAME = '([A-Za-z0-9-]{1,32})';
const patterns: Array<[RegExp, (m: RegExpMatchArray) => ParsedArn]> = [
  [new RegExp(`^loadbalancer/app/${NAME}/${HEX16}$`), (m) => ({ kind: 'loadbalancer', name: m[1]!, lbId: m[2]! })],
  [new RegExp(`^targetgroup/${NAME}/${HEX16}$`), (m) => ({ kind: 'targetgroup', name: m[1]!, tgId: m[2]! })],
  [
    new RegExp(`^listener/app/${NAME}/${HEX16}/${HEX16}$`),
    (m) => ({ kind: 'listener', name: m[1]!, lbId: m[2]!, listenerId: m[3]! }),
  ],
  [
    new RegExp(`^listener-rule/app/${NAME}/${HEX16}/${HEX16}/${HEX16}$`),
    (m) => ({ kind: 'listener-rule', name: m[1]!, lbId: m[2]!, listenerId: m[3]!, ruleId: m[4]! }),
  ],
];

/** Parses any ELBv2 ARN Berth issues; undefined when it is not one. */
export function parseElbv2Arn(arn: string): ParsedArn | undefined {
  // Optional members in the model (RulePriorityPair.RuleArn) can reach here absent.
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  if (parts.length !== 6 || `${parts[0]}:${parts[1]}:${parts[2]}` !== PREFIX) return undefined;
  const resource = parts[5]!;
  for (const [re, build] of patterns) {
    const m = resource.match(re);
    if (m) return build(m);
  }
  return undefined;
}

/** AWS answers a malformed ARN with ValidationError, not with the NotFound of its kind. */
export function requireArn<K extends ParsedArn['kind']>(arn: string, kind: K, member: string): Extract<ParsedArn, { kind: K }> {
  const parsed = parseElbv2Arn(arn);
  if (!parsed || parsed.kind !== kind) {
    throw new AwsError('ValidationError', `'${arn}' is not a valid ${kind} ARN (${member})`);
  }
  return parsed as Extract<ParsedArn, { kind: K }>;
}
