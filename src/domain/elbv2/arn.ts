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
  loadBalancer: (s: ArnScope, name: string, lbId: string) => `${PREFIX}:${s.region}:${s.accountId}:loadbalancer/app/${name}/${lbId}`,
  targetGroup: (s: ArnScope, name: string, tgId: string) => `${PREFIX}:${s.region}:${s.accountId}:targetgroup/${name}/${tgId}`,
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
  [new RegExp(`^listener/app/${NAME}/${HEX16}/${HEX16}$`), (m) => ({ kind: 'listener', name: m[1]!, lbId: m[2]!, listenerId: m[3]! })],
  [
    new RegExp(`^listener-rule/app/${NAME}/${HEX16}/${HEX16}/${HEX16}$`),
    (m) => ({ kind: 'listener-rule', name: m[1]!, lbId: m[2]!, listenerId: m[3]!, ruleId: m[4]! }),
  ],
];

/** The region and account an ELBv2 ARN belongs to (its 4th and 5th fields). */
export function scopeOfArn(arn: string): ArnScope {
  const parts = arn.split(':');
  return { region: parts[3] ?? '', accountId: parts[4] ?? '' };
}

/** Whether an ARN belongs to this region and account: Describe calls see only their own region's resources. */
export function inScope(arn: string, scope: ArnScope): boolean {
  const s = scopeOfArn(arn);
  return s.region === scope.region && s.accountId === scope.accountId;
}

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

/** What each kind is called in AWS's messages, and the error AWS gives for an ARN of that kind that names nothing. */
const KIND_WORDS: Record<ParsedArn['kind'], { words: string; notFound: string; message: string }> = {
  loadbalancer: { words: 'load balancer', notFound: 'LoadBalancerNotFound', message: 'One or more load balancers not found' },
  targetgroup: { words: 'target group', notFound: 'TargetGroupNotFound', message: 'One or more target groups not found' },
  listener: { words: 'listener', notFound: 'ListenerNotFound', message: 'One or more listeners not found' },
  'listener-rule': { words: 'rule', notFound: 'RuleNotFound', message: 'One or more rules not found' },
};

/** The NotFound error AWS answers for an ARN of this kind that names no resource. */
export function arnNotFound(kind: ParsedArn['kind']): AwsError {
  return new AwsError(KIND_WORDS[kind].notFound, KIND_WORDS[kind].message);
}

/**
 * Whether `arn` is shaped like an ELBv2 ARN of this kind (`arn:<partition>:elasticloadbalancing:<region>:
 * <account>:<kind>/...`), whatever its ids. AWS answers such an ARN that names nothing with the NotFound
 * of its kind, and only an ARN that is not of the kind at all with ValidationError.
 */
export function isArnOfKind(arn: unknown, kind: ParsedArn['kind']): arn is string {
  if (typeof arn !== 'string') return false;
  const parts = arn.split(':');
  return parts.length === 6 && parts[0] === 'arn' && parts[2] === 'elasticloadbalancing' && parts[5]!.startsWith(`${kind}/`);
}

/** ValidationError, in AWS's words, for a value that is not an ARN of this kind. */
export function notAnArn(arn: unknown, kind: ParsedArn['kind']): AwsError {
  return new AwsError('ValidationError', `'${String(arn)}' is not a valid ${KIND_WORDS[kind].words} ARN`);
}

/**
 * The parsed ARN when it is one Berth issues; undefined when it is of the right kind but names nothing
 * Berth could hold (the caller answers NotFound); ValidationError when it is not of the kind.
 */
export function lookupArn<K extends ParsedArn['kind']>(arn: unknown, kind: K): Extract<ParsedArn, { kind: K }> | undefined {
  if (!isArnOfKind(arn, kind)) throw notAnArn(arn, kind);
  const parsed = parseElbv2Arn(arn);
  return parsed?.kind === kind ? (parsed as Extract<ParsedArn, { kind: K }>) : undefined;
}

/** For ARNs Berth issued itself (read from records): the parsed ARN, or ValidationError. */
export function requireArn<K extends ParsedArn['kind']>(arn: string, kind: K, _member?: string): Extract<ParsedArn, { kind: K }> {
  const parsed = lookupArn(arn, kind);
  if (!parsed) throw notAnArn(arn, kind);
  return parsed;
}
